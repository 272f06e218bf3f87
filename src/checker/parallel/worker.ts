/**
 * The entry of a parallel search's worker thread: a `LevelWorker` answering the
 * coordinator's messages through the thread's port.
 */
import { parentPort } from 'node:worker_threads'
import { LevelWorker } from './level-worker.ts'
import type { FromWorker, ToWorker } from './protocol.ts'

const port = parentPort!
const worker = new LevelWorker((m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer))
port.on('message', (m: ToWorker) => void worker.receive(m))
