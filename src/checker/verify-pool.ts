/**
 * `verify --jobs N`: the proofs of a suite run N at a time, each in a worker thread that
 * runs the same check code (`verify-worker.ts`). A proof entry is plain data (the model is
 * named, and each worker builds it from its own registry), and so is what comes back: the
 * explorer's result and the traces as ITF. Entries are handed out in the registry's order
 * as workers free up; the caller reorders what comes back. With one job, or one entry, the
 * proofs run in this thread, one after the other.
 */
import type { Worker } from 'node:worker_threads'
import type { ExploreStats } from './explorer.ts'
import type { ProofEntry } from './proofs.ts'
import { rebuildError, startWorker } from './threads.ts'
import { proofRow, runProofAsync, type ProofOutcome, type VerifyRow } from './verify.ts'

export type ToWorker = { readonly index: number; readonly entry: ProofEntry; readonly progressEveryMs: number }

export type FromWorker =
  | { readonly kind: 'progress'; readonly index: number; readonly stats: ExploreStats }
  | { readonly kind: 'done'; readonly index: number; readonly outcome: ProofOutcome }
  | { readonly kind: 'error'; readonly index: number; readonly name: string; readonly message: string; readonly stack?: string }

export interface ProofEvents {
  /** Statistics of a running proof, about every `progressEveryMs`. */
  onProgress(index: number, s: ExploreStats): void
  /** A proof ended (in any order when jobs > 1). */
  onDone(index: number, row: VerifyRow): void
}

export interface ProofRunSettings {
  readonly jobs: number
  readonly progressEveryMs: number
  /** Polled: `true` stops the running searches (verdict limit, interrupted) and starts no more. */
  readonly interrupted: () => boolean
}

/** Runs `entries`; resolves when every one has ended or, once interrupted, the running ones have. */
export async function runProofs(entries: readonly ProofEntry[], settings: ProofRunSettings, events: ProofEvents): Promise<void> {
  const workers = Math.min(settings.jobs, entries.length)
  if (workers <= 1) return runInThisThread(entries, settings, events)
  return runInWorkers(entries, workers, settings, events)
}

async function runInThisThread(entries: readonly ProofEntry[], s: ProofRunSettings, events: ProofEvents): Promise<void> {
  for (let i = 0; i < entries.length && !s.interrupted(); i++) {
    const row = await runProofAsync(entries[i]!, {
      interrupted: s.interrupted,
      progressEveryMs: s.progressEveryMs,
      onProgress: (st) => events.onProgress(i, st),
    })
    events.onDone(i, row)
  }
}

function runInWorkers(entries: readonly ProofEntry[], n: number, s: ProofRunSettings, events: ProofEvents): Promise<void> {
  const stopBuffer = new SharedArrayBuffer(4)
  const stop = new Int32Array(stopBuffer)
  const pool: Worker[] = []
  let next = 0
  let running = 0
  return new Promise<void>((resolve, reject) => {
    let settled = false
    const poll = setInterval(() => {
      if (s.interrupted()) Atomics.store(stop, 0, 1)
    }, 50)
    const finish = (error?: Error): void => {
      if (settled) return
      settled = true
      clearInterval(poll)
      // workers hold nothing worth keeping once their proofs are reported
      for (const w of pool) void w.terminate()
      if (error) reject(error)
      else resolve()
    }
    const dispatch = (w: Worker): void => {
      if (next >= entries.length || Atomics.load(stop, 0) !== 0 || s.interrupted()) {
        if (running === 0) finish()
        return
      }
      const job: ToWorker = { index: next, entry: entries[next]!, progressEveryMs: s.progressEveryMs }
      next++
      running++
      w.postMessage(job)
    }
    for (let k = 0; k < n; k++) {
      const w = startWorker(import.meta.url, './verify-worker', { stop: stopBuffer })
      pool.push(w)
      w.on('message', (m: FromWorker) => {
        if (settled) return
        if (m.kind === 'progress') return events.onProgress(m.index, m.stats)
        running--
        if (m.kind === 'error') return finish(rebuildError(m))
        try {
          events.onDone(m.index, proofRow(entries[m.index]!, m.outcome))
        } catch (e) {
          return finish(e as Error)
        }
        dispatch(w)
      })
      w.on('error', (e) => finish(e))
      w.on('exit', (code) => {
        if (!settled) finish(new Error(`a verify worker exited (code ${code}) before its proofs were done`))
      })
      dispatch(w)
    }
  })
}
