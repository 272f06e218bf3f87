/**
 * `retrieval`: the alternative mapping retrieval protocols of seed 000_e5bbc95a2ea9d194.txt
 * (Katz), 8.2, against today's broadcast (5.7.3): messages and latency per fault for N =
 * 2..16 kernels (2, 3, 4, 6, 8, 12, 16), each a timed run of the `popcorn` model's own steps with its parameter
 * `retrieval` (`src/model/popcorn/retrieval.ts`) under `popcorn-katz`. 8.2.1 says of the
 * single-query ring: "the number of messages that must be sent in this algorithm have an
 * upper bound of the number of kernel instances, whereas the currently implemented
 * algorithm involves sending two times that number ... The amount of time necessary to
 * perform a mapping lookup would increase due to the serialized nature of the lookup message
 * forwarding process. It is unclear whether the benefits outweigh the drawbacks": this
 * experiment puts numbers on both sides.
 *
 * Workloads (operations run one at a time, so that a fault's latency has no lock contention
 * in it; each fault still takes and releases the page lock, 3(N-1) messages):
 * - private: a thread writes a page of its own that no other kernel has faulted in (the
 *   VMA is on kernel 0): nothing complete is found anywhere;
 * - sharing: then every other thread reads it, in a seeded random order: the page is mapped
 *   on its writer's kernel (and on the kernels that read it or, with ring-all, imported it).
 * Each twice: the process with a thread on every kernel (4 pages, written by threads spread
 * round the ring: thread j runs on kernel j), and the process on 2 of the N kernels
 * (threads on kernels 0 and 1, 4 pages, each writes two and reads the other two), which is the case
 * 8.2.2's group retrieval is for ("minimizes overhead imposed on kernel instances that have
 * never hosted members").
 */
import { int } from '../../cli/format.ts'
import type { Experiment, ExperimentResult } from '../experiment.ts'
import { mean } from '../experiment.ts'
import type { VegaLiteSpec } from '../plot.ts'
import { Rng } from '../rng.ts'
import type { RunResult } from '../run.ts'
import { runScenario, type PlannedOp, type Scenario } from './popcorn-runs.ts'

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'
const VARIANTS = ['broadcast', 'ring', 'ring-all', 'group'] as const
const LOCK_KINDS = new Set(['REQUEST', 'ACK', 'RELEASE'])
/** Pages of the process on 2 kernels. */
const PAIR_PAGES = 4

type Phase = 'private' | 'sharing'

interface Op {
  readonly task: number
  readonly op: string
  readonly page: number
  readonly phase: Phase
}

export interface PhaseMeasure {
  readonly accesses: number
  readonly faults: number
  readonly messages: number
  /** Messages besides the page lock's REQUEST, ACK and RELEASE. */
  readonly queryMessages: number
  /** Mean time of a faulting access, from its start to its last step (lock, query, install, release, access). */
  readonly faultCycles: number
  /** Mean time from the query step to the install step of a fault. */
  readonly queryCycles: number
  /** From the first access of the phase to the end of its last. */
  readonly phaseCycles: number
}

/** Pages of the process on every kernel (fewer when N is smaller). */
const SHARED_PAGES = 4

/** Thread j runs on kernel j; page p is written by the thread on kernel floor(p N / P), spread round the ring. */
const writerOf = (p: number, N: number, P: number): number => Math.floor((p * N) / P)

/** The process on every kernel: the writers write their pages, then every other thread reads every page (seeded order). */
function everyKernel(N: number, seed: number): Op[] {
  const P = Math.min(N, SHARED_PAGES)
  const writes: Op[] = Array.from({ length: P }, (_, p) => ({ task: writerOf(p, N, P), op: 'write', page: p, phase: 'private' }))
  const reads: Op[] = []
  for (let j = 0; j < N; j++) for (let p = 0; p < P; p++) if (writerOf(p, N, P) !== j) reads.push({ task: j, op: 'read', page: p, phase: 'sharing' })
  const rng = new Rng(seed)
  for (let i = reads.length - 1; i > 0; i--) {
    const k = rng.below(i + 1)
    ;[reads[i], reads[k]] = [reads[k]!, reads[i]!]
  }
  return [...writes, ...reads]
}

/**
 * The process on kernels 0 and 1: each writes half the pages, then reads the other half. From
 * kernel 0 the ring meets kernel 1 first; from kernel 1 it meets kernel 0 last.
 */
function twoKernels(): Op[] {
  const pages = Array.from({ length: PAIR_PAGES }, (_, p) => p)
  const writer = (p: number): number => (p < PAIR_PAGES / 2 ? 0 : 1)
  return [
    ...pages.map((p): Op => ({ task: writer(p), op: 'write', page: p, phase: 'private' })),
    ...pages.map((p): Op => ({ task: 1 - writer(p), op: 'read', page: p, phase: 'sharing' })),
  ]
}

function scenario(N: number, threads: number, pages: number, ops: readonly Op[], retrieval: string): Scenario {
  const plans: Record<number, PlannedOp[]> = {}
  for (const o of ops) (plans[o.task] ??= []).push({ op: o.op, page: o.page })
  const longest = Math.max(...Object.values(plans).map((p) => p.length))
  return {
    params: { kernels: N, threads, pages, mapped: pages, frames: pages + 1, ops: longest, read: true, write: true, retrieval },
    plans,
    order: ops.map((o) => o.task),
  }
}

/** Splits a serial run into its planned operations (in order) and measures each phase. */
export function measurePhases(r: RunResult, ops: readonly Op[]): Record<Phase, PhaseMeasure> {
  type Span = { start: number; end: number; fault: boolean; query: number; install: number }
  const spans: Span[] = []
  const sent: Record<Phase, { all: number; query: number }> = { private: { all: 0, query: 0 }, sharing: { all: 0, query: 0 } }
  let current = -1
  for (const s of r.steps) {
    const a = s.action as { type: string; task?: number; name?: string }
    if (a.type === 'start') {
      current++
      spans.push({ start: s.start, end: s.end, fault: false, query: 0, install: 0 })
    } else if (current >= 0 && a.type !== 'deliver' && a.task === ops[current]!.task) {
      const sp = spans[current]!
      sp.end = s.end
      if (a.name === 'query') {
        sp.fault = true
        sp.query = s.start
      }
      if (a.name === 'install') sp.install = s.end
    }
    if (current < 0) continue
    const ph = sent[ops[current]!.phase]
    ph.all += s.sent.length
    ph.query += s.sent.filter((k) => !LOCK_KINDS.has(k)).length
  }
  if (spans.length !== ops.length) throw new Error(`retrieval: the run did ${spans.length} of ${ops.length} operations (${r.stop})`)
  const measure = (phase: Phase): PhaseMeasure => {
    const mine = spans.filter((_, i) => ops[i]!.phase === phase)
    const faults = mine.filter((s) => s.fault)
    return {
      accesses: mine.length,
      faults: faults.length,
      messages: sent[phase].all,
      queryMessages: sent[phase].query,
      faultCycles: mean(faults.map((s) => s.end - s.start)),
      queryCycles: mean(faults.map((s) => s.install - s.query)),
      phaseCycles: Math.max(...mine.map((s) => s.end)) - Math.min(...mine.map((s) => s.start)),
    }
  }
  return { private: measure('private'), sharing: measure('sharing') }
}

export interface RetrievalRow extends PhaseMeasure {
  readonly N: number
  readonly workload: string
  readonly variant: string
}

export function retrievalRows(N: number, seed: number): RetrievalRow[] {
  const rows: RetrievalRow[] = []
  for (const variant of VARIANTS) {
    const all = everyKernel(N, seed)
    const pair = twoKernels()
    const runs: [string, Op[], Scenario][] = [
      ['every kernel', all, scenario(N, N, Math.min(N, SHARED_PAGES), all, variant)],
      ['2 of N kernels', pair, scenario(N, 2, PAIR_PAGES, pair, variant)],
    ]
    for (const [span, ops, sc] of runs) {
      const m = measurePhases(runScenario(sc, seed), ops)
      for (const phase of ['private', 'sharing'] as const) rows.push({ N, workload: `${phase}, process on ${span}`, variant, ...m[phase] })
    }
  }
  return rows
}

const per = (x: number, n: number): number => (n === 0 ? 0 : x / n)
/** Kernel counts from 2 to 16 (a run with 16 kernels takes about a minute: every step copies 16 x 16 channels). */
const KERNELS = [2, 3, 4, 6, 8, 12, 16]

export const retrieval: Experiment = {
  name: 'retrieval',
  doc: 'messages and latency per fault of the 8.2 retrieval protocols (ring, ring-all, group) vs broadcast, N = 2..16 kernels, sharing and private workloads: 000 8.2',
  run(ctx): ExperimentResult {
    const rows: RetrievalRow[] = []
    KERNELS.forEach((N, i) => {
      rows.push(...retrievalRows(N, ctx.seed))
      ctx.progress(i + 1, KERNELS.length)
    })
    const workloads = [...new Set(rows.map((r) => r.workload))]
    const get = (w: string, v: string, N: number) => rows.find((r) => r.workload === w && r.variant === v && r.N === N)!
    const ratio = (w: string, v: string, N: number, f: (r: RetrievalRow) => number) => f(get(w, v, N)) / f(get(w, 'broadcast', N))
    const msgPerFault = (r: RetrievalRow) => per(r.messages, r.faults)
    const last = KERNELS[KERNELS.length - 1]!
    const shape: string[] = []
    for (const w of workloads) {
      const b = get(w, 'broadcast', last)
      const parts = VARIANTS.filter((v) => v !== 'broadcast').map((v) => {
        const r = get(w, v, last)
        return `${v} ${per(r.messages, r.faults).toFixed(1)} messages and ${int(r.faultCycles)} cycles per fault (${pct(ratio(w, v, last, msgPerFault))} messages, ${pct(ratio(w, v, last, (x) => x.faultCycles))} latency)`
      })
      shape.push(`${w}, N = ${last}: broadcast ${per(b.messages, b.faults).toFixed(1)} messages and ${int(b.faultCycles)} cycles per fault; ${parts.join('; ')}.`)
    }
    const ringBound = rows.filter((r) => r.variant === 'ring' || r.variant === 'ring-all').every((r) => r.queryMessages <= r.faults * r.N)
    shape.push(`8.2.1's bound, at most N retrieval messages per fault for the ring (broadcast: 2(N-1)): ${ringBound ? 'holds' : 'does not hold'} at every N.`)
    const sharingAll = workloads.find((w) => w.startsWith('sharing') && w.endsWith('every kernel'))!
    const ra = get(sharingAll, 'ring-all', last)
    const rb = get(sharingAll, 'broadcast', last)
    shape.push(
      `ring-all as a prefetch (8.2.1, "would benefit distributed workloads that share many pages"): ${ra.faults} faults for ${ra.accesses} reads at N = ${last} (broadcast ${rb.faults}); the whole sharing phase takes ${int(ra.phaseCycles)} cycles against ${int(rb.phaseCycles)} (${pct(ra.phaseCycles / rb.phaseCycles)}) and ${int(ra.messages)} messages against ${int(rb.messages)}.`,
    )
    return {
      reproduces: 'seed 000_e5bbc95a2ea9d194.txt (Katz), 8.2.1 and 8.2.2 (proposals, no figure): messages and latency per fault against broadcast (5.7.3, 6.7.4)',
      table: {
        head: ['workload', 'N', 'retrieval', 'faults / accesses', 'messages per fault', 'of which query', 'latency per fault', 'of which query round', 'phase time'],
        rows: rows.map((r) => [
          r.workload,
          String(r.N),
          r.variant,
          `${r.faults} / ${r.accesses}`,
          per(r.messages, r.faults).toFixed(1),
          per(r.queryMessages, r.faults).toFixed(1),
          int(r.faultCycles),
          int(r.queryCycles),
          int(r.phaseCycles),
        ]),
      },
      data: { seed: ctx.seed, pairPages: PAIR_PAGES, rows },
      plot: {
        $schema: SCHEMA,
        title: 'Mapping retrieval (Katz 8.2) vs kernels: messages and latency per fault, time per access',
        data: {
          values: rows.flatMap((r) => [
            { N: r.N, variant: r.variant, workload: r.workload, metric: 'messages per fault', value: per(r.messages, r.faults) },
            { N: r.N, variant: r.variant, workload: r.workload, metric: 'latency per fault (TSC cycles)', value: r.faultCycles },
            { N: r.N, variant: r.variant, workload: r.workload, metric: 'phase time per access (TSC cycles)', value: per(r.phaseCycles, r.accesses) },
          ]),
        },
        facet: {
          row: { field: 'metric', type: 'nominal', title: null, sort: ['messages per fault', 'latency per fault (TSC cycles)', 'phase time per access (TSC cycles)'] },
          column: { field: 'workload', type: 'nominal', title: null, sort: workloads },
        },
        spec: {
          width: 200,
          height: 180,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'N', type: 'quantitative', title: 'kernel instances N' },
            y: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'variant', type: 'nominal', title: 'retrieval', sort: [...VARIANTS] },
            strokeDash: { field: 'variant', type: 'nominal', title: 'retrieval', sort: [...VARIANTS] },
            shape: { field: 'variant', type: 'nominal', title: 'retrieval', sort: [...VARIANTS] },
          },
        },
        resolve: { scale: { y: 'independent' } },
      } as unknown as VegaLiteSpec,
      shape,
      notes: [
        'Operations run one at a time (no lock contention); each fault takes the page lock (3(N-1) messages, the same for every protocol) and a per-fault latency counts from the access to its end (lock, query, install, release).',
        'Sharing, process on every kernel: each of the 4 pages is written by one thread, then read by the N-1 others, in a seeded random order; ring-all imports a page into every kernel the ring passes after one that has it, so later readers may not fault at all: its per-fault figures are over fewer faults.',
        'The ring visits kernels in kernel order from the faulting one; 8.2.1\'s "intelligently selecting the order" is not modeled. Group membership is the kernels the process starts on (no migration here, so no JOIN round).',
      ],
    }
  },
}

function pct(x: number): string {
  const d = (x - 1) * 100
  return `${d >= 0 ? '+' : ''}${d.toFixed(0)}%`
}
