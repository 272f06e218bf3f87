/**
 * The Popcorn experiments (seed 000_e5bbc95a2ea9d194.txt, Katz, chapter 6), each a timed
 * run of the `popcorn` model's own steps under `popcorn-katz` (`popcorn-runs.ts`):
 * `fetch-messages` (6.7.4), `migration` (Figure 6.1), `prefetch` (6.7.3); `popcorn-costs`
 * (Tables 6.1, 6.5) is in `popcorn-costs.ts`.
 */
import { int } from '../../cli/format.ts'
import type { Experiment, ExperimentResult } from '../experiment.ts'
import type { VegaLiteSpec } from '../plot.ts'
import { fetches, migrationTimes, opSpans, runScenario, scattered } from './popcorn-runs.ts'

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'
const KATZ = 'seed 000_e5bbc95a2ea9d194.txt (Katz)'

export const fetchMessages: Experiment = {
  name: 'fetch-messages',
  doc: 'messages per mapping fetch (lock, query, answer, release) for N = 2..16 kernels, counted: 5(N-1), 000 6.7.4',
  run(ctx): ExperimentResult {
    const rows: { N: number; counted: number; expected: number; byKind: Record<string, number> }[] = []
    for (let N = 2; N <= 16; N++) {
      const r = runScenario(
        { params: { kernels: N, threads: 2, pages: 1, mapped: 1, frames: 2, ops: 1, read: true }, plans: { 1: [{ op: 'read', page: 0 }] } },
        ctx.seed,
      )
      const byKind = { ...r.timing.sent }
      rows.push({ N, counted: Object.values(byKind).reduce((a, b) => a + b, 0), expected: 5 * (N - 1), byKind })
      ctx.progress(N - 1, 15)
    }
    const exact = rows.every((r) => r.counted === r.expected)
    return {
      reproduces: `${KATZ}, 6.7.4: "This requires 5(N-1) messages, where N is the number of kernel instances"`,
      table: {
        head: ['N', 'messages counted', '5(N-1)', 'REQUEST', 'ACK', 'QUERY', 'ANSWER', 'RELEASE'],
        rows: rows.map((r) => [String(r.N), String(r.counted), String(r.expected), ...['REQUEST', 'ACK', 'QUERY', 'ANSWER', 'RELEASE'].map((k) => String(r.byKind[k] ?? 0))]),
      },
      data: { seed: ctx.seed, rows },
      plot: {
        $schema: SCHEMA,
        title: 'Messages per mapping fetch vs kernels: counted by running popcorn, and 5(N-1)',
        width: 420,
        height: 260,
        data: { values: rows.flatMap((r) => [{ N: r.N, messages: r.counted, source: 'counted (popcorn model)' }, { N: r.N, messages: r.expected, source: '5(N-1) (Katz 6.7.4)' }]) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'N', type: 'quantitative', title: 'kernel instances N' },
          y: { field: 'messages', type: 'quantitative' },
          color: { field: 'source', type: 'nominal', title: null },
          strokeDash: { field: 'source', type: 'nominal', title: null },
        },
      } as VegaLiteSpec,
      shape: [`Exactly 5(N-1) messages for every N = 2..16: ${exact ? 'holds' : 'does not hold'} (a thread on kernel 1 reads a page of kernel 0: REQUEST, ACK, QUERY, ANSWER, RELEASE to and from each other kernel).`],
      notes: ['The popcorn model runs here with up to 16 kernels (its checking bounds stop at 4); the counts are the messages the executor saw sent, by type.'],
    }
  },
}

export const migration: Experiment = {
  name: 'migration',
  doc: 'migrate to a new kernel vs back to a visited one, vs number of kernels: 000 Figure 6.1',
  run(ctx): ExperimentResult {
    const Ns = [2, 3, 4, 6, 8, 12, 16]
    const rows = Ns.map((N, i) => {
      const t = migrationTimes(N, ctx.seed)
      ctx.progress(i + 1, Ns.length)
      return { N, ...t }
    })
    const backCheaper = rows.every((r) => r.back * 2 < r.toNew)
    const grows = rows[rows.length - 1]!.toNew > rows[0]!.toNew
    return {
      reproduces: `${KATZ}, 6.1.2, Figure 6.1 (migration to a new kernel instance vs back to a previous one)`,
      table: { head: ['kernels', 'to a new kernel (cycles)', 'back (cycles)', 'new / back'], rows: rows.map((r) => [String(r.N), int(r.toNew), int(r.back), (r.toNew / r.back).toFixed(1)]) },
      data: { seed: ctx.seed, rows },
      plot: {
        $schema: SCHEMA,
        title: 'Migration time vs kernels: to a new kernel vs back (cf. Katz Figure 6.1)',
        width: 420,
        height: 260,
        data: { values: rows.flatMap((r) => [{ N: r.N, cycles: r.toNew, migration: 'to a new kernel' }, { N: r.N, cycles: r.back, migration: 'back to a visited kernel' }]) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'N', type: 'quantitative', title: 'kernel instances' },
          y: { field: 'cycles', type: 'quantitative', title: 'TSC cycles' },
          color: { field: 'migration', type: 'nominal', title: null },
        },
      } as VegaLiteSpec,
      shape: [
        `Back to a visited kernel is much cheaper than to a new one (at least 2x at every N): ${backCheaper ? 'holds' : 'does not hold'}.`,
        `Migration to a new kernel grows with the kernels (page retrievals after it, 5(N-1) messages each): ${grows ? 'holds' : 'does not hold'}.`,
      ],
      notes: ['A thread reads page 0 on kernel 0, migrates to kernel 1 and reads it (a fetch), migrates back and reads it (its PTE is still there); each time runs from the migrate step to the end of the read after it, as Katz reads the TSC after the first retrievals.'],
    }
  },
}

export const prefetch: Experiment = {
  name: 'prefetch',
  doc: 'fetches and time vs prefetch slots (0, 1, 4, 8), page-sharing and private-pages workloads: 000 6.7.3',
  run(ctx): ExperimentResult {
    const P = 12
    const slots = [0, 1, 4, 8]
    const rows: { slots: number; workload: string; fetches: number; cycles: number }[] = []
    slots.forEach((k, i) => {
      for (const sharing of [true, false]) {
        const order = scattered(P)
        const r = runScenario(
          {
            params: { kernels: 2, threads: 2, pages: P, mapped: P, frames: P + 2, ops: P, read: true, write: true, prefetch: k },
            plans: sharing ? { 0: order.map((p) => ({ op: 'write', page: p })), 1: order.map((p) => ({ op: 'read', page: p })) } : { 1: order.map((p) => ({ op: 'write', page: p })) },
            after: { 1: 0 },
          },
          ctx.seed,
        )
        const ops = opSpans(r, 1)
        rows.push({ slots: k, workload: sharing ? 'page-sharing' : 'private pages', fetches: fetches(r, 1), cycles: ops[ops.length - 1]!.end - ops[0]!.start })
      }
      ctx.progress(i + 1, slots.length)
    })
    const get = (w: string, k: number) => rows.find((r) => r.workload === w && r.slots === k)!
    return {
      reproduces: `${KATZ}, 6.7.3 Prefetch`,
      table: { head: ['workload', 'prefetch slots', 'fetches', 'time (cycles)'], rows: rows.map((r) => [r.workload, String(r.slots), String(r.fetches), int(r.cycles)]) },
      data: { seed: ctx.seed, pages: P, rows },
      plot: {
        $schema: SCHEMA,
        title: 'Prefetch: fetches and time of kernel 1 reading 12 pages (cf. Katz 6.7.3)',
        data: { values: rows },
        hconcat: ['fetches', 'cycles'].map((f) => ({
          width: 260,
          height: 220,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'slots', type: 'quantitative', title: 'prefetch slots' },
            y: { field: f, type: 'quantitative', title: f === 'cycles' ? 'time (TSC cycles)' : 'mapping fetches' },
            color: { field: 'workload', type: 'nominal', title: null },
          },
        })),
      } as unknown as VegaLiteSpec,
      shape: [
        `Page-sharing: prefetch cuts the fetches (${get('page-sharing', 0).fetches} with 0 slots, ${get('page-sharing', 8).fetches} with 8): ${get('page-sharing', 8).fetches < get('page-sharing', 0).fetches ? 'holds' : 'does not hold'}.`,
        `Private pages: prefetch saves no fetch and costs time (${int(get('private pages', 0).cycles)} -> ${int(get('private pages', 8).cycles)} cycles): ${get('private pages', 8).fetches === get('private pages', 0).fetches && get('private pages', 8).cycles > get('private pages', 0).cycles ? 'holds' : 'does not hold'}.`,
        `Non-linear gain: 1 -> 4 slots saves ${get('page-sharing', 1).fetches - get('page-sharing', 4).fetches} fetches, 4 -> 8 saves ${get('page-sharing', 4).fetches - get('page-sharing', 8).fetches}.`,
      ],
      notes: ['Kernel 0 writes the 12 pages (even pages first, so no two neighbouring pages get neighbouring frames and each page is its own prefetch slot), then kernel 1 reads them in the same order; private pages: kernel 1 writes pages no other kernel touched.'],
    }
  },
}
