/**
 * How short shrinking gets, on every mutation of every model (the verify entries with
 * mutations, `src/registry/index.ts`): for the property the entry expects,
 *
 * - BFS: the shortest counterexample (the explorer, that property alone);
 * - simulate: for each seed, the run that found it, its length, the length after the first
 *   round of fast-check's shrinking, and after shrinking to the end (`minimizeTrace`);
 * - DFS: the DFS counterexample and what `rkcheck shrink` makes of it.
 *
 * The margin is the longest shrunk trace minus the BFS length. `--markdown` prints the
 * table as the README shows it.
 *   npx tsx bench/shrink-margin.ts [--seeds N] [--filter PREFIX] [--json FILE] [--markdown]
 */
import { explore, type Violation } from '../src/checker/explorer.ts'
import { writeFileAtomic } from '../src/checker/files.ts'
import { builtinModel } from '../src/checker/load.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { minimizeTrace, violatingPrefix } from '../src/checker/shrink.ts'
import { simulate } from '../src/checker/simulate.ts'
import { rebuildTrace } from '../src/checker/trace.ts'
import { PropertyChecks } from '../src/checker/walk.ts'
import { table } from '../src/cli/format.ts'
import { proofs } from '../src/registry/index.ts'
import { simulationSettings } from '../src/registry/simulation.ts'

const args = process.argv.slice(2)
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const seeds = Number(option('--seeds') ?? 5)
const filter = option('--filter') ?? ''
const jsonOut = option('--json')
const markdown = args.includes('--markdown')

interface Row {
  id: string
  property: string
  bfs: number
  runs: number
  depth: number
  /** Per seed: the run that found it (0: none), original, after fast-check, shrunk. */
  sims: { seed: number; run: number; original: number; afterFastCheck: number; shrunk: number; seconds: number }[]
  dfs: number
  dfsShrunk: number
}

const rows: Row[] = []
for (const e of proofs) {
  if (!e.mutations || !('violates' in e.expect) || !e.id.startsWith(filter)) continue
  const property = e.expect.violates
  const factory = builtinModel(e.model)
  const model = factory.create(resolveTypedParams(factory, e.params), new Set(e.mutations))
  if (property in (model.liveness ?? {})) continue // simulation and shrinking are for safety properties
  const only = { properties: property === 'deadlock' ? [] : [property], checkDeadlock: property === 'deadlock' }
  const bfs = explore(model, { ...only, maxStates: e.maxStates ?? 5_000_000 })
  if (bfs.verdict !== 'violated') {
    process.stderr.write(`${e.id}: BFS (${property} alone) ends ${bfs.verdict}: skipped\n`)
    continue
  }
  const { runs, depth } = simulationSettings(e.model)
  const sims: Row['sims'] = []
  for (let seed = 1; seed <= seeds; seed++) {
    const t = Date.now()
    const r = await simulate(model, { runs, depth, seed, properties: only.properties, deadlock: only.checkDeadlock })
    const seconds = (Date.now() - t) / 1000
    if (r.verdict !== 'violated') sims.push({ seed, run: 0, original: 0, afterFastCheck: 0, shrunk: 0, seconds })
    else {
      const v = r.violation
      sims.push({ seed, run: v.run, original: v.original.actions.length, afterFastCheck: v.afterFastCheck, shrunk: v.shrunk.actions.length, seconds })
    }
  }
  const dfs = explore(model, { ...only, strategy: 'dfs', maxStates: e.maxStates ?? 5_000_000 })
  const kind = (dfs as { violation?: Violation }).violation?.kind ?? 'invariant'
  const dfsTrace = dfs.verdict === 'violated' ? rebuildTrace(model, dfs.violation.path) : undefined
  const start = dfsTrace && violatingPrefix(model, dfs.verdict === 'violated' ? dfs.violation.path[0]! : 0, dfsTrace.actions, PropertyChecks.only(model, property, kind))
  const dfsShrunk = start ? minimizeTrace(model, start, { property, kind }).actions.length : -1
  const row: Row = { id: e.id, property, bfs: bfs.violation.path.length - 1, runs, depth, sims, dfs: dfsTrace ? dfsTrace.actions.length : -1, dfsShrunk }
  rows.push(row)
  const found = sims.filter((s) => s.run > 0)
  process.stderr.write(
    `${e.id}: bfs ${row.bfs}; simulate ${found.length}/${sims.length} found, runs ${found.map((s) => s.run).join(',')}, ` +
      `lengths ${found.map((s) => `${s.original}>${s.afterFastCheck}>${s.shrunk}`).join(' ')}; dfs ${row.dfs}>${row.dfsShrunk}\n`,
  )
}

const range = (xs: number[]): string => (xs.length === 0 ? '-' : Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}..${Math.max(...xs)}`)
const header = ['mutation (verify entry)', 'property', 'BFS', 'found in run', 'simulated', 'after fast-check', 'shrunk', 'DFS → shrunk', 'margin']
const lines = rows.map((r) => {
  const f = r.sims.filter((s) => s.run > 0)
  const worst = Math.max(...f.map((s) => s.shrunk), r.dfsShrunk)
  const missed = f.length < r.sims.length ? ` (found by ${f.length} of ${r.sims.length} seeds)` : ''
  return [
    r.id,
    r.property,
    String(r.bfs),
    range(f.map((s) => s.run)) + missed,
    range(f.map((s) => s.original)),
    range(f.map((s) => s.afterFastCheck)),
    range(f.map((s) => s.shrunk)),
    `${r.dfs} → ${r.dfsShrunk}`,
    `+${worst - r.bfs}`,
  ]
})
const markdownRow = (cells: string[]): string => `| ${cells.join(' | ')} |`
const markdownTable = (): string => [markdownRow(header), `|${header.map(() => '---').join('|')}|`, ...lines.map(markdownRow)].join('\n')
console.log(markdown ? markdownTable() : table(header, lines))
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify({ node: process.version, seeds, rows }, null, 2) + '\n')
