/**
 * `coherency-workloads`: messages and page requests per iteration of the poster's R/R, R/W
 * and W/W workloads (seed 001_44de5ba93cfef617.txt, Sadini et al., "Protocol's Initial
 * Evaluation"), counted by running the `coherency` model's own steps in the timed executor
 * under `popcorn-coherency`.
 *
 * Two kernels, one thread each, share an array of 4 KiB (1 page) or 256 KiB (64 pages),
 * the two sizes of the poster's plots ("Page 4096B == 1 Page 256kB > 1 Page"). In each
 * iteration each thread accesses every page once, in order: both read (R/R), kernel 0
 * writes and kernel 1 reads (R/W), both write (W/W). Iterations are separated by a
 * barrier (both threads done, no message in flight), so that every message belongs to one
 * iteration. A page request is a fault (a REQUEST sent to every other kernel). After an
 * ABORT the thread retries its fault after a random backoff of up to `BACKOFF` cycles
 * (assumed, a workload policy: the poster does not say how conflicts are retried).
 */
import { builtinModel } from '../../checker/load.ts'
import { accessesOf, type CohAction, type CohState, type Workload as CohWorkload } from '../../model/coherency.ts'
import type { Experiment, ExperimentResult } from '../experiment.ts'
import { adapterFor } from '../adapters.ts'
import type { VegaLiteSpec } from '../plot.ts'
import { costsFor } from '../profiles/index.ts'
import { popcornCoherency } from '../profiles/popcorn-coherency.ts'
import { Rng } from '../rng.ts'
import { runTimed, type Workload } from '../run.ts'

const WORKLOADS = ['rr', 'rw', 'ww'] as const
type CoherencyWorkload = (typeof WORKLOADS)[number]
const NAME: Record<CoherencyWorkload, string> = { rr: 'R/R', rw: 'R/W', ww: 'W/W' }
const ARRAYS = [
  { label: '4 KiB', pages: 1 },
  { label: '256 KiB', pages: 64 },
] as const
const KERNELS = 2
/** Assumed: the most a thread waits, after an ABORT, before it faults again (cycles, about two message transits). */
export const BACKOFF = 20_000

export interface IterationCount {
  /** Faults: REQUEST rounds started. */
  readonly requests: number
  readonly aborts: number
  /** Messages sent, by type. */
  readonly messages: Readonly<Record<string, number>>
  readonly total: number
}

/** Per-iteration counts of one workload on an array of `pages` pages, two kernels. */
export function coherencyIterations(workload: CohWorkload, pages: number, iterations: number, seed: number): IterationCount[] {
  const params = { kernels: KERNELS, pages, ops: pages * iterations, workload, quorum: 'all', atomicBroadcast: true }
  const model = builtinModel('coherency').create(params, new Set())
  const rng = new Rng(seed ^ 0x2f6b3a91)
  const done = Array.from({ length: KERNELS }, () => 0)
  const retryAt = Array.from({ length: KERNELS }, () => 0)
  const counts = Array.from({ length: iterations }, () => ({ requests: 0, aborts: 0, messages: {} as Record<string, number> }))
  let opened = 0
  const iteration = (): number => Math.min(...done.map((d) => Math.floor(d / pages)))
  const run: Workload = {
    admit(st, act, now) {
      const s = st as CohState
      const a = act as CohAction
      if (a.type !== 'read' && a.type !== 'write' && a.type !== 'fault') return 0
      const k = a.kernel
      const t = s.kernels[k]!.thread
      if (t.phase === 'pending') return Math.max(now, retryAt[k]!)
      // a new access: the next page of this thread's iteration; a new iteration once every thread has ended the last one
      const it = Math.floor(done[k]! / pages)
      if (it > opened) {
        if (!drainedNet(s) || done.some((d) => d < it * pages)) return false
        opened = it
      }
      return a.page === done[k]! % pages && accessesOf(workload, k).includes(a.access) ? 0 : false
    },
    observe(step) {
      const a = step.action as CohAction
      const c = counts[Math.min(iteration(), iterations - 1)]!
      for (const kind of step.sent) c.messages[kind] = (c.messages[kind] ?? 0) + 1
      if (a.type === 'fault') c.requests++
      if (a.type === 'decide' && !a.commit) {
        c.aborts++
        retryAt[a.kernel] = step.end + rng.below(BACKOFF)
      }
      if (a.type === 'read' || a.type === 'write') done[a.kernel]!++
    },
  }
  const r = runTimed({ model, costs: costsFor(popcornCoherency, 'coherency', params), adapter: adapterFor('coherency'), workload: run, seed })
  if (done.some((d) => d < pages * iterations)) throw new Error(`coherency ${workload}: the run stopped (${r.stop}) after ${done.join('/')} of ${pages * iterations} accesses`)
  return counts.map((c) => ({
    requests: c.requests,
    aborts: c.aborts,
    messages: c.messages,
    total: Object.values(c.messages).reduce((x, y) => x + y, 0),
  }))
}

function drainedNet(s: CohState): boolean {
  return s.net.channels.every((ch) => ch.length === 0)
}

export const coherencyWorkloads: Experiment = {
  name: 'coherency-workloads',
  doc: 'page requests and messages per iteration of the R/R, R/W, W/W workloads on the coherency model: 001 (Sadini et al.)',
  run(ctx): ExperimentResult {
    const ITER = 10
    const rows: { workload: CoherencyWorkload; array: string; pages: number; perIteration: IterationCount[] }[] = []
    let n = 0
    for (const array of ARRAYS) {
      for (const workload of WORKLOADS) {
        rows.push({ workload, array: array.label, pages: array.pages, perIteration: coherencyIterations(workload, array.pages, ITER, ctx.seed) })
        ctx.progress(++n, ARRAYS.length * WORKLOADS.length)
      }
    }
    const later = (r: (typeof rows)[number], f: (c: IterationCount) => number): number[] => r.perIteration.slice(1).map(f)
    const rr = rows.filter((r) => r.workload === 'rr')
    const ww = rows.filter((r) => r.workload === 'ww')
    const rw = rows.filter((r) => r.workload === 'rw')
    const rrQuiet = rr.every((r) => later(r, (c) => c.requests + c.total).every((x) => x === 0))
    const wwEvery = ww.every((r) => r.perIteration.every((c) => c.requests > 0))
    const rwEvery = rw.every((r) => r.perIteration.every((c) => c.requests > 0))
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    const rwVsWw = rw.map((r) => {
      const w = ww.find((x) => x.array === r.array)!
      return `${r.array}: R/W ${mean(later(r, (c) => c.total)).toFixed(1)} vs W/W ${mean(later(w, (c) => c.total)).toFixed(1)} messages per iteration after the first`
    })
    const shape = [
      `R/R: "No more requests are generated in the successive iterations", "All pages are locally copied during the first iteration": ${rrQuiet ? 'holds' : 'does not hold'} (iteration 1: ${rr.map((r) => `${r.array} ${r.perIteration[0]!.requests} requests`).join(', ')}; iterations 2-${ITER}: ${rr.map((r) => `${r.array} ${mean(later(r, (c) => c.requests))}`).join(', ')} requests).`,
      `W/W: "Requests are generated during each iteration": ${wwEvery ? 'holds' : 'does not hold'} (${ww.map((r) => `${r.array}: ${Math.min(...r.perIteration.map((c) => c.requests))}-${Math.max(...r.perIteration.map((c) => c.requests))} requests per iteration, ${r.perIteration.reduce((a, c) => a + c.aborts, 0)} aborts in ${ITER} iterations`).join('; ')}).`,
      `R/W: "The number of messages required to update the reader increased": the reader faults again in every iteration: ${rwEvery ? 'holds' : 'does not hold'} (${rwVsWw.join('; ')}). The poster's "(<20% total)" compares with a baseline it does not name: not checked.`,
    ]
    const kinds = ['REQUEST', 'VOTE', 'COMMIT', 'ABORT']
    return {
      reproduces: 'seed 001_44de5ba93cfef617.txt (Sadini et al.), "Protocol\'s Initial Evaluation": R,R / R,W / W,W workloads, messages vs iterations',
      table: {
        head: ['workload', 'array', 'iteration', 'requests', ...kinds, 'messages'],
        rows: rows.flatMap((r) =>
          r.perIteration
            .map((c, i) => ({ c, i }))
            .filter(({ i }) => i < 3 || i === ITER - 1)
            .map(({ c, i }) => [NAME[r.workload], r.array, String(i + 1), String(c.requests), ...kinds.map((k) => String(c.messages[k] ?? 0)), String(c.total)]),
        ),
      },
      data: { seed: ctx.seed, kernels: KERNELS, iterations: ITER, backoffCycles: BACKOFF, rows },
      plot: coherencyPlot(rows),
      shape,
      notes: [
        'Messages are the ones the executor saw the model send (REQUEST to every other kernel, a VOTE back from each, COMMIT or ABORT to each): 3(K-1) per fault without a conflict.',
        `Two kernels, iterations 1, 2, 3 and ${ITER} shown (all in the JSON). Conflicting faults (both threads on the same page at once) end in ABORT and a retry after a random backoff up to ${BACKOFF} cycles (assumed).`,
      ],
    }
  },
}

function coherencyPlot(rows: readonly { workload: CoherencyWorkload; array: string; perIteration: readonly IterationCount[] }[]): VegaLiteSpec {
  const values = rows.flatMap((r) => r.perIteration.map((c, i) => ({ workload: NAME[r.workload], array: r.array, iteration: i + 1, messages: c.total, requests: c.requests })))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Page coherency: messages per iteration, 2 kernels (coherency model, counted)',
    data: { values },
    width: 300,
    height: 220,
    mark: { type: 'line', point: true },
    encoding: {
      column: { field: 'array', type: 'nominal', title: null, sort: ['4 KiB', '256 KiB'] },
      x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
      y: { field: 'messages', type: 'quantitative', title: 'messages in the iteration' },
      color: { field: 'workload', type: 'nominal', title: null },
      tooltip: [{ field: 'workload' }, { field: 'iteration' }, { field: 'messages' }, { field: 'requests' }],
    },
    resolve: { scale: { y: 'independent' } },
  } as VegaLiteSpec
}
