/**
 * `pisces-grow`: the time to boot a Pisces co-kernel and grow it to C cores, M of memory
 * and a NIC, predicted by running the `pisces` model's own steps (boot, then one CPU, one
 * 128 MB block, the NIC at a time, as 4.3.3 assigns them) under `pisces-table5` (seed
 * 004_e74346043d439713.txt, Table 5). The seed times each operation once; it does not time
 * a whole enclave: this is a prediction, which the table's rows make the sum of the
 * operations run (every operation is sequential on the enclave's control channel).
 */
import { builtinModel } from '../../checker/load.ts'
import type { OpKind, PiscesAction, PiscesState } from '../../model/pisces.ts'
import type { Experiment, ExperimentResult } from '../experiment.ts'
import { adapterFor } from '../adapters.ts'
import type { VegaLiteSpec } from '../plot.ts'
import { values } from '../profile.ts'
import { costsFor } from '../profiles/index.ts'
import { piscesTable5 } from '../profiles/pisces-table5.ts'
import { runTimed } from '../run.ts'

/** Memory blocks of 128 MB (4.3.1: "memory block (typically 128 MB)"). */
const BLOCK_MB = 128

export interface GrowPlan {
  readonly cores: number
  readonly memMB: number
  readonly nic: boolean
}

/** The operations that build the enclave, in order. */
export function growOps(g: GrowPlan): OpKind[] {
  const blocks = g.memMB / BLOCK_MB
  if (!Number.isInteger(blocks) || blocks < 1 || g.cores < 1) throw new Error(`pisces-grow: ${g.cores} cores and ${g.memMB} MB is not a whole enclave`)
  return ['boot', ...Array<OpKind>(g.cores - 1).fill('addCpu'), ...Array<OpKind>(blocks - 1).fill('addMem'), ...(g.nic ? (['addDev'] as OpKind[]) : [])]
}

/** Microseconds from the first step of the boot to the end of the last operation, and the operations run. */
export function growTime(g: GrowPlan, seed: number): { us: number; ops: Record<string, number> } {
  const plan = growOps(g)
  const params = { cpus: g.cores + 1, blocks: g.memMB / BLOCK_MB + 1, devices: g.nic ? 1 : 0, enclaves: 1, tasks: 1, ops: plan.length, teardownOrder: 'devicesFirst' }
  const model = builtinModel('pisces').create(params, new Set())
  let next = 0
  let end = 0
  const ran: Record<string, number> = {}
  const r = runTimed({
    model,
    costs: costsFor(piscesTable5, 'pisces', params),
    adapter: adapterFor('pisces'),
    seed,
    workload: {
      admit(st, act) {
        const a = act as PiscesAction
        if (!('op' in a)) return false
        const starting = (st as PiscesState).enclaves[a.enclave]!.op === 'none'
        return !starting || a.op === plan[next] ? 0 : false
      },
      observe(step, st) {
        const a = step.action as PiscesAction
        if ('op' in a && (st as PiscesState).enclaves[a.enclave]!.op === 'none') {
          ran[a.op] = (ran[a.op] ?? 0) + 1
          next++
        }
        end = Math.max(end, step.end)
      },
      done: (st) => next === plan.length && (st as PiscesState).enclaves[0]!.op === 'none',
    },
  })
  if (next < plan.length) throw new Error(`pisces-grow: ran ${next} of ${plan.length} operations (${r.stop})`)
  return { us: end, ops: ran }
}

const GRID = { cores: [1, 2, 4, 6, 8, 11], memMB: [128, 1024, 4096, 12_288] } as const
/** One NUMA domain of the nodes of 4.4 ("two six-core ... Xeon processors ... and 24 GB of RAM split across two NUMA domains"). */
const NUMA_DOMAIN: GrowPlan = { cores: 6, memMB: 12_288, nic: true }

export const piscesGrow: Experiment = {
  name: 'pisces-grow',
  doc: 'time to boot a co-kernel and grow it to C cores, M memory and a NIC, from Table 5 on the pisces model: 004 4.3.2',
  run(ctx): ExperimentResult {
    const rows: { cores: number; memMB: number; nic: boolean; ms: number; memMs: number; ops: Record<string, number> }[] = []
    const c = values(piscesTable5.constants)
    const total = GRID.cores.length * GRID.memMB.length
    for (const memMB of GRID.memMB) {
      for (const cores of GRID.cores) {
        const g = { cores, memMB, nic: true }
        const t = growTime(g, ctx.seed)
        rows.push({ ...g, ms: t.us / 1000, memMs: ((t.ops['addMem'] ?? 0) * c['addMemBlock']!) / 1000, ops: t.ops })
        ctx.progress(rows.length, total)
      }
    }
    const numa = rows.find((r) => r.cores === NUMA_DOMAIN.cores && r.memMB === NUMA_DOMAIN.memMB && r.nic === NUMA_DOMAIN.nic)!
    const sumOfRows = (g: GrowPlan): number => (c['bootCokernel']! + (g.cores - 1) * c['addCpu']! + (g.memMB / BLOCK_MB - 1) * c['addMemBlock']! + (g.nic ? c['addNic']! : 0)) / 1000
    const exact = rows.every((r) => Math.abs(r.ms - sumOfRows(r)) < 1e-6)
    const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`)
    return {
      reproduces: 'seed 004_e74346043d439713.txt (Ouyang), 4.3.2, Table 5 "Pisces Operation Latency": a prediction built on its rows',
      table: {
        head: ['cores', 'memory', 'NIC', 'operations', 'predicted', 'of which memory'],
        rows: rows.map((r) => [
          String(r.cores),
          r.memMB >= 1024 ? `${r.memMB / 1024} GB` : `${r.memMB} MB`,
          r.nic ? 'yes' : 'no',
          String(Object.values(r.ops).reduce((a, b) => a + b, 0)),
          fmt(r.ms),
          `${((100 * r.memMs) / r.ms).toFixed(0)}%`,
        ]),
      },
      data: { seed: ctx.seed, blockMB: BLOCK_MB, rows },
      plot: plot(rows),
      shape: [
        `The time of every enclave run is the sum of Table 5's rows over its operations: ${exact ? 'holds' : 'does not hold'} (the operations are sequential on the control channel; nothing overlaps).`,
        `Growing an enclave to one NUMA domain of 4.4's nodes (6 cores, 12 GB, a NIC) is predicted at ${fmt(numa.ms)}, ${((100 * numa.memMs) / numa.ms).toFixed(0)}% of it adding memory 128 MB at a time (95 blocks after the boot block): memory, not cores, dominates the time to grow an enclave.`,
        'The seed times no whole enclave, so this prediction is not checked against a measurement.',
      ],
      notes: [
        'Blocks of 128 MB, the boot block included in the memory; each 128 MB block added by its own operation (4.3.3 allows a set per command; Table 5 times one block, and the co-kernel "steps through the new regions and adds each one").',
        'Linux keeps CPU 0 and block 0 in the model; the enclave gets the others.',
      ],
    }
  },
}

function plot(rows: readonly { cores: number; memMB: number; ms: number }[]): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Pisces: predicted time to boot and grow an enclave (with a NIC), from Table 5 on the pisces model',
    width: 420,
    height: 280,
    data: { values: rows.map((r) => ({ cores: r.cores, memory: r.memMB >= 1024 ? `${r.memMB / 1024} GB` : `${r.memMB} MB`, seconds: r.ms / 1000 })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'cores', type: 'quantitative', title: 'cores of the enclave' },
      y: { field: 'seconds', type: 'quantitative', title: 'predicted time (s)' },
      color: { field: 'memory', type: 'nominal', title: 'memory', sort: ['128 MB', '1 GB', '4 GB', '12 GB'] },
    },
  } as VegaLiteSpec
}
