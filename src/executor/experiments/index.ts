/** The experiments of `rkcheck experiment`, by name (spec executor.md, "Experiments"). */
import { InputError } from '../../checker/errors.ts'
import type { Experiment } from '../experiment.ts'
import { coherencyWorkloads } from './coherency.ts'
import { fairbench } from './fairbench.ts'
import { multikernelShootdown } from './multikernel.ts'
import { piscesGrow } from './pisces.ts'
import { fetchMessages, migration, prefetch } from './popcorn.ts'
import { popcornCosts } from './popcorn-costs.ts'
import { retrieval } from './retrieval.ts'
import { shootdown } from './shootdown.ts'

export const experiments: readonly Experiment[] = [fetchMessages, popcornCosts, migration, prefetch, retrieval, fairbench, shootdown, coherencyWorkloads, multikernelShootdown, piscesGrow]

export function experimentByName(name: string): Experiment {
  const e = experiments.find((x) => x.name === name)
  if (!e) throw new InputError(`unknown experiment '${name}' (known: ${experiments.map((x) => x.name).join(', ')})`)
  return e
}
