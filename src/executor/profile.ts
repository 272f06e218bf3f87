/**
 * Cost profiles: the cost of every step of a model (a function of the state and the
 * action) and the transit latency of every message, in one time unit per profile.
 * Every number is a `Constant` that says where it comes from: a seed's table or section,
 * a value derived from seed numbers, a value fitted by an experiment, or an assumption
 * outside the seeds (said so).
 */
import type { Action } from '../checker/model.ts'
import type { Params } from '../checker/model.ts'

export type Provenance = 'seed' | 'derived' | 'fitted' | 'assumed'

export interface Constant {
  readonly value: number
  readonly source: string
  readonly kind: Provenance
}

export type Constants = Readonly<Record<string, Constant>>

/** The costs of one model's steps under a profile (integers, in the profile's unit). */
export interface StepCosts {
  step(s: unknown, a: Action): number
  /** The transit latency of a message from one actor to another. */
  transit(kind: string, from: string, to: string, s: unknown): number
}

export interface CostProfile {
  readonly name: string
  readonly doc: string
  /** 'TSC cycles' or 'ns'. */
  readonly unit: string
  readonly constants: Constants
  /** Models this profile prices, by model name. */
  readonly models: Readonly<Record<string, (c: Readonly<Record<string, number>>, params: Params) => StepCosts>>
}

export function values(c: Constants, override: Readonly<Record<string, number>> = {}): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(c)) out[k] = override[k] ?? v.value
  return out
}

/** A step that is pure bookkeeping of the host (preempt, resume, a scheduling tick). */
export const FREE = 0

export function noTransit(): number {
  return 0
}
