/**
 * `fairbench`: seed 004_e74346043d439713.txt (Ouyang), 3.3.4.1, Figures 7-10. "N kernel
 * threads in parallel on N cores competing for the same spinlock for a total number of M
 * iterations"; fairness is Jain's index (sum x_i)^2 / (n sum x_i^2) of the acquisitions
 * per thread, performance the completion time. Here the `spinlock` model's own steps run
 * with N = 12 vCPUs that lock and unlock back to back until M acquisitions in all, for
 * ticket, pmt-basic, pmt-cpt and pmt-cpt-st, against the unit timeout tau = 2^x, with 1 VM
 * and with 2 VMs (each vCPU sharing its core with a CPU-bound vCPU of another VM).
 *
 * Scaling, said in every result: M = 12 x 200 instead of 12 x 10^5; one model loop step
 * stands for S = min(tau, 256) busy-loop iterations (tau / S steps per queue position), so
 * that a waiter reads head every S iterations instead of every iteration.
 */
import { builtinModel } from '../../checker/load.ts'
import type { Action } from '../../checker/model.ts'
import { int } from '../../cli/format.ts'
import { adapterFor } from '../adapters.ts'
import { mean, type Experiment, type ExperimentResult } from '../experiment.ts'
import { HostScheduler } from '../host.ts'
import type { VegaLiteSpec } from '../plot.ts'
import { values } from '../profile.ts'
import { costsFor } from '../profiles/index.ts'
import { ouyangKvm } from '../profiles/ouyang-kvm.ts'
import { runTimed, type Workload } from '../run.ts'

const N = 12
const LOCKS = ['ticket', 'pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const
type Lock = (typeof LOCKS)[number]
const MAX_GRANULARITY = 256
const K = values(ouyangKvm.constants)

export interface FairbenchPoint {
  readonly lock: Lock
  readonly vms: 1 | 2
  /** log2 of the unit timeout (ticket: undefined, it has none). */
  readonly x?: number
  readonly jain: number
  readonly completionMs: number
  readonly perVcpu: readonly number[]
}

export function jainIndex(xs: readonly number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0)
  const sq = xs.reduce((a, b) => a + b * b, 0)
  return sq === 0 ? 1 : (sum * sum) / (xs.length * sq)
}

interface VcpuView {
  readonly pc: string
}

export function fairbenchRun(lock: Lock, vms: 1 | 2, x: number | undefined, total: number, seed: number): FairbenchPoint {
  const tau = x === undefined ? Infinity : 2 ** x
  const S = x === undefined ? 1 : Math.min(tau, MAX_GRANULARITY)
  const params = { lock, V: N, P: N, W: 16, tau: tau === Infinity ? Infinity : tau / S, C: 1, schedule: 'interleaving', rounds: total, trylock: false }
  const model = builtinModel('spinlock').create(params, new Set())
  const c = values(ouyangKvm.constants, { spinGranularity: S })
  const counts = Array.from({ length: N }, () => 0)
  let acquired = 0
  let finished = 0
  const workload: Workload = {
    admit: () => 0,
    observe(step, _s, t) {
      const a = step.action as Action & { vcpu: number }
      if (a.type === 'cs' || a.type === 'schedule') return
      if ((t as { vcpus: readonly VcpuView[] }).vcpus[a.vcpu]!.pc === 'cs') {
        counts[a.vcpu]!++
        if (++acquired === total) finished = step.end
      }
    },
    done: () => acquired >= total,
  }
  runTimed({
    model,
    costs: costsFor(ouyangKvm, 'spinlock', params, { spinGranularity: S }),
    adapter: adapterFor('spinlock'),
    workload,
    seed,
    host: (rng) => new HostScheduler(N, vms, c['slice']!, rng),
  })
  return { lock, vms, ...(x !== undefined ? { x } : {}), jain: jainIndex(counts), completionMs: finished / 1e6, perVcpu: counts }
}

export const FAIRBENCH_TAUS = [0, 2, 4, 6, 8, 10, 12] as const

export const fairbench: Experiment = {
  name: 'fairbench',
  doc: "Jain's fairness index and completion time vs unit timeout, ticket and pmt variants, 1 and 2 VMs: 004 Figures 7-10",
  run(ctx): ExperimentResult {
    const total = N * 200
    const jobs: { lock: Lock; vms: 1 | 2; x?: number }[] = []
    for (const vms of [1, 2] as const) {
      jobs.push({ lock: 'ticket', vms })
      for (const lock of LOCKS.slice(1)) for (const x of FAIRBENCH_TAUS) jobs.push({ lock, vms, x })
    }
    const points: FairbenchPoint[] = []
    jobs.forEach((j, i) => {
      points.push(fairbenchRun(j.lock, j.vms, j.x, total, ctx.seed))
      ctx.progress(i + 1, jobs.length)
    })
    const at = (lock: Lock, vms: 1 | 2, x?: number): FairbenchPoint => points.find((p) => p.lock === lock && p.vms === vms && p.x === x)!
    const pmt = (vms: 1 | 2, x: number): FairbenchPoint[] => LOCKS.slice(1).map((l) => at(l, vms, x))
    const lo = FAIRBENCH_TAUS[0]
    const hi = FAIRBENCH_TAUS[FAIRBENCH_TAUS.length - 1]!
    const jainPmt1 = mean(FAIRBENCH_TAUS.flatMap((x) => pmt(1, x).map((p) => p.jain)))
    const jain2Lo = mean(pmt(2, lo).map((p) => p.jain))
    const jain2Hi = mean(pmt(2, 10).map((p) => p.jain))
    const time2Lo = mean(pmt(2, lo).map((p) => p.completionMs))
    const time2Hi = mean(pmt(2, hi).map((p) => p.completionMs))
    const ticket2 = at('ticket', 2).completionMs
    const shape = [
      `Figure 7 (1 VM): pmt variants as fair as ticket: mean Jain index of the pmt runs ${jainPmt1.toFixed(3)} vs ticket ${at('ticket', 1).jain.toFixed(3)}: ${jainPmt1 > at('ticket', 1).jain - 0.05 ? 'holds' : 'does not hold'}.`,
      `Figure 8 (1 VM): ticket completes fastest: ticket ${at('ticket', 1).completionMs.toFixed(3)} ms vs pmt ${mean(FAIRBENCH_TAUS.flatMap((x) => pmt(1, x).map((p) => p.completionMs))).toFixed(3)} ms on average: ${at('ticket', 1).completionMs <= Math.min(...FAIRBENCH_TAUS.flatMap((x) => pmt(1, x).map((p) => p.completionMs))) ? 'holds' : 'does not hold'}.`,
      `Figure 9 (2 VMs): fairness grows with tau: pmt Jain ${jain2Lo.toFixed(3)} at 2^${lo}, ${jain2Hi.toFixed(3)} at 2^10 (ticket ${at('ticket', 2).jain.toFixed(3)}): ${jain2Hi > jain2Lo ? 'holds' : 'does not hold'}.`,
      `Figure 10 (2 VMs): smaller tau completes faster: ${time2Lo.toFixed(1)} ms at 2^${lo} vs ${time2Hi.toFixed(1)} ms at 2^${hi} (${(time2Hi / time2Lo).toFixed(1)}x; paper: up to 300x), ticket ${ticket2.toFixed(1)} ms: ${time2Hi > time2Lo ? 'holds' : 'does not hold'}.`,
    ]
    return {
      reproduces: 'seed 004_e74346043d439713.txt (Ouyang), 3.3.4.1, Figures 7-10 (fairbench)',
      table: {
        head: ['VMs', 'lock', 'tau', 'Jain index', 'completion ms', 'acquisitions per vCPU (min..max)'],
        rows: points.map((p) => [
          String(p.vms),
          p.lock,
          p.x === undefined ? 'inf' : `2^${p.x}`,
          p.jain.toFixed(3),
          p.completionMs.toFixed(3),
          `${Math.min(...p.perVcpu)}..${Math.max(...p.perVcpu)}`,
        ]),
      },
      data: { vcpus: N, acquisitions: total, seed: ctx.seed, points },
      plot: fairbenchPlot(points),
      shape,
      notes: [
        `N = ${N} vCPUs, M = ${int(total)} acquisitions (the paper: 12 x 10^5); critical section ${K['lockHold']!} ns, a busy-loop iteration ${K['spinIteration']!} ns, time slice ${K['slice']! / 1e6} ms.`,
        `A model loop step stands for min(tau, ${MAX_GRANULARITY}) busy-loop iterations (the model runs with tau / that), so a waiter notices a change of head up to ${MAX_GRANULARITY * K['spinIteration']!} ns late.`,
        'ticket has no unit timeout: its points are drawn as a horizontal line.',
      ],
    }
  },
}

function fairbenchPlot(points: readonly FairbenchPoint[]): VegaLiteSpec {
  const xs = FAIRBENCH_TAUS
  const values = points.flatMap((p) =>
    (p.x === undefined ? xs : [p.x]).map((x) => ({ lock: p.lock, vms: `${p.vms} VM`, x, jain: p.jain, completion: p.completionMs })),
  )
  const panel = (field: string, title: string, log: boolean): object => ({
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'unit timeout (log2 busy loops)' },
      y: { field, type: 'quantitative', title, ...(log ? { scale: { type: 'log' } } : { scale: { zero: false } }) },
      color: { field: 'lock', type: 'nominal', sort: [...LOCKS] },
      strokeDash: { condition: { test: "datum.lock === 'ticket'", value: [4, 3] }, value: [1, 0] },
    },
  })
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: "fairbench: Jain's index and completion time vs unit timeout (cf. Ouyang Figures 7-10)",
    data: { values },
    facet: { column: { field: 'vms', type: 'nominal', title: null } },
    spec: { vconcat: [{ width: 280, height: 160, ...panel('jain', "Jain's fairness index", false) }, { width: 280, height: 160, ...panel('completion', 'completion time (ms, log)', true) }] },
    resolve: { scale: { y: 'independent' } },
  } as unknown as VegaLiteSpec
}
