/**
 * The second of two one-worker searches run at once (`bench/one.ts pair=1`): builds the
 * configuration in `workerData`, says it is ready, searches when told, and answers with the
 * times the search started and ended (`Date.now()`, shared by every thread of the process).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { explore } from '../src/checker/explorer.ts'
import { builtinModel } from '../src/checker/load.ts'
import { resolveParams } from '../src/checker/params.ts'

const { model, params } = workerData as { model: string; params: string[] }
const factory = builtinModel(model)
const m = factory.create(resolveParams(factory, params), new Set())
const port = parentPort!
port.once('message', () => {
  const started = Date.now()
  const r = explore(m)
  port.postMessage({ started, ended: Date.now(), distinct: r.stats.distinct, verdict: r.verdict })
})
port.postMessage('ready')
