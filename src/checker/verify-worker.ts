/**
 * A worker thread of `verify --jobs N`: runs the proofs it is sent, one at a time, on the
 * built-in model each one names, and posts back the outcome (plain data). The shared stop
 * flag, set by the main thread on SIGINT/SIGTERM, ends a search as an interrupted limit.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { threadError } from './threads.ts'
import { runProof } from './verify.ts'
import type { FromWorker, ToWorker } from './verify-pool.ts'

const port = parentPort!
const stop = new Int32Array((workerData as { stop: SharedArrayBuffer }).stop)
const post = (m: FromWorker): void => port.postMessage(m)

port.on('message', ({ index, entry, progressEveryMs }: ToWorker) => {
  try {
    const row = runProof(entry, {
      interrupted: () => Atomics.load(stop, 0) !== 0,
      progressEveryMs,
      onProgress: (stats) => post({ kind: 'progress', index, stats }),
    })
    post({ kind: 'done', index, outcome: row.check })
  } catch (e) {
    post({ kind: 'error', index, ...threadError(e) })
  }
})
