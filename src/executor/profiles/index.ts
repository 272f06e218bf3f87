/** The cost profiles, by name, and the default profile of each model. */
import { InputError } from '../../checker/errors.ts'
import type { Params } from '../../checker/model.ts'
import { values, type CostProfile, type StepCosts } from '../profile.ts'
import { barrelfishAmd } from './barrelfish-amd.ts'
import { ouyangKvm } from './ouyang-kvm.ts'
import { piscesTable5 } from './pisces-table5.ts'
import { popcornCoherency } from './popcorn-coherency.ts'
import { popcornKatz } from './popcorn-katz.ts'

export const profiles: readonly CostProfile[] = [popcornKatz, ouyangKvm, popcornCoherency, barrelfishAmd, piscesTable5]

export function profileByName(name: string): CostProfile {
  const p = profiles.find((x) => x.name === name)
  if (!p) throw new InputError(`unknown cost profile '${name}' (known: ${profiles.map((x) => x.name).join(', ')})`)
  return p
}

/** The first profile that prices the model. */
export function defaultProfile(model: string): CostProfile {
  const p = profiles.find((x) => x.models[model] !== undefined)
  if (!p) throw new InputError(`no cost profile prices model '${model}' (profiles: ${profiles.map((x) => x.name).join(', ')})`)
  return p
}

/** The step costs of a model under a profile, with some constants overridden. */
export function costsFor(profile: CostProfile, model: string, params: Params, override: Readonly<Record<string, number>> = {}): StepCosts {
  const f = profile.models[model]
  if (!f) throw new InputError(`cost profile '${profile.name}' does not price model '${model}' (it prices: ${Object.keys(profile.models).join(', ')})`)
  for (const k of Object.keys(override)) if (!(k in profile.constants)) throw new Error(`profile ${profile.name} has no constant '${k}'`)
  return f(values(profile.constants, override), params)
}
