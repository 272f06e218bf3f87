/**
 * One benchmark run in a fresh process: explores a configuration and prints its figures as JSON.
 *   node --import tsx bench/one.ts MODEL vectors|objects [workers=N] [k=v ...]
 * With `workers=N` (N > 1) the search runs on N worker threads (`parallel/`); the run then
 * uses the compiled engine (dist/) when it is current, as `rkcheck` does, so that the
 * workers do not compile TypeScript as they start.
 * With `pair=1` two one-worker searches of the configuration run at once, one in this
 * thread and one in a worker thread (`pair-thread.ts`), each over the whole space and each
 * on its own: the speed two threads of one process reach with nothing shared, the ceiling
 * of a parallel search on the same machine. Its speed is both searches' states over the time
 * from their start to the end of the later one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import type * as Explorer from '../src/checker/explorer.ts'
import type * as Load from '../src/checker/load.ts'
import type * as Params from '../src/checker/params.ts'
import type * as Parallel from '../src/checker/parallel/explore-parallel.ts'
import type * as Source from '../src/checker/parallel/source.ts'

const [model, representation, ...rest] = process.argv.slice(2)
const workers = Number(rest.find((x) => x.startsWith('workers='))?.slice(8) ?? 1)
const pair = rest.includes('pair=1')
const params = rest.filter((x) => !x.startsWith('workers=') && x !== 'pair=1')

function distIsCurrent(): boolean {
  const root = new URL('..', import.meta.url).pathname
  if (!existsSync(`${root}dist/.stamp`)) return false
  let newest = 0
  for (const e of readdirSync(`${root}src`, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(`${e.parentPath}/${e.name}`).mtimeMs)
  }
  return statSync(`${root}dist/.stamp`).mtimeMs >= newest
}

const [base, ext] = workers > 1 && distIsCurrent() ? ['../dist/checker/', 'js'] : ['../src/checker/', 'ts']
const { explore } = (await import(`${base}explorer.${ext}`)) as typeof Explorer
const { builtinModel } = (await import(`${base}load.${ext}`)) as typeof Load
const { resolveParams } = (await import(`${base}params.${ext}`)) as typeof Params
const { exploreParallel } = (await import(`${base}parallel/explore-parallel.${ext}`)) as typeof Parallel
const { builtinSource } = (await import(`${base}parallel/source.${ext}`)) as typeof Source

const factory = builtinModel(model!)
const p = resolveParams(factory, params)
const m = factory.create(p, new Set())
if (pair) {
  process.stdout.write(JSON.stringify(await searchPair()) + '\n')
  process.exit(0)
}
const r =
  workers > 1
    ? await exploreParallel(m, builtinSource(model!, p, []), workers)
    : explore(m, { representation: representation as 'vectors' | 'objects' })
const s = r.stats
process.stdout.write(
  JSON.stringify({
    verdict: r.verdict,
    distinct: s.distinct,
    generated: s.generated,
    seconds: s.elapsedSec,
    statesPerSec: s.statesPerSec,
    bytesPerState: s.bytesPerState,
    peakBytesPerState: s.peakBytesPerState,
    peakRssMiB: s.peakRssBytes / 2 ** 20,
    engine: base.includes('dist') ? 'dist' : 'src',
  }) + '\n',
)

/** Two one-worker searches at once (`pair=1`), this thread's and a worker thread's. */
async function searchPair(): Promise<Record<string, unknown>> {
  const { startWorker } = await import('../src/checker/threads.ts')
  const w = startWorker(import.meta.url, './pair-thread', { model, params })
  type Theirs = { started: number; ended: number; distinct: number; verdict: string }
  let ready!: () => void
  const isReady = new Promise<void>((resolve) => (ready = resolve))
  const other = new Promise<Theirs>((resolve, reject) => {
    w.on('message', (msg: unknown) => {
      if (msg !== 'ready') return resolve(msg as Theirs)
      w.postMessage('go')
      ready()
    })
    w.on('error', reject)
    w.on('exit', (code) => reject(new Error(`the second search's thread exited (code ${code})`)))
  })
  // a thread that fails before it is ready fails the wait too
  await Promise.race([isReady, other])
  const started = Date.now()
  const mine = explore(m)
  const ended = Date.now()
  const theirs = await other
  await w.terminate()
  if (theirs.distinct !== mine.stats.distinct) throw new Error(`the two searches found ${mine.stats.distinct} and ${theirs.distinct} states`)
  const seconds = (Math.max(ended, theirs.ended) - Math.min(started, theirs.started)) / 1000
  const s = mine.stats
  return {
    verdict: mine.verdict === theirs.verdict ? mine.verdict : `${mine.verdict}/${theirs.verdict}`,
    distinct: s.distinct,
    generated: s.generated,
    seconds,
    statesPerSec: (s.distinct + theirs.distinct) / seconds,
    bytesPerState: s.bytesPerState,
    peakBytesPerState: s.peakBytesPerState,
    peakRssMiB: process.resourceUsage().maxRSS / 2 ** 10,
    engine: 'src',
    /** Each search's own seconds. */
    each: [s.elapsedSec, (theirs.ended - theirs.started) / 1000],
  }
}
