/**
 * One benchmark run in a fresh process: explores a configuration and prints its figures as JSON.
 *   node --import tsx bench/one.ts MODEL vectors|objects [workers=N] [k=v ...]
 * With `workers=N` (N > 1) the search runs on N worker threads (`parallel/`); the run then
 * uses the compiled engine (dist/) when it is current, as `rkcheck` does, so that the
 * workers do not compile TypeScript as they start.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import type * as Explorer from '../src/checker/explorer.ts'
import type * as Load from '../src/checker/load.ts'
import type * as Params from '../src/checker/params.ts'
import type * as Parallel from '../src/checker/parallel/explore-parallel.ts'
import type * as Source from '../src/checker/parallel/source.ts'

const [model, representation, ...rest] = process.argv.slice(2)
const workers = Number(rest.find((x) => x.startsWith('workers='))?.slice(8) ?? 1)
const params = rest.filter((x) => !x.startsWith('workers='))

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
