/**
 * Proofs: the configurations that `rkcheck verify` runs, each with the outcome we expect.
 * A mutation is expected to be caught by a named property; a faithful model expected to
 * break is a documented finding (with its reason). Each model keeps its own list beside its
 * properties (`src/properties/<model>.proofs.ts`); `src/registry/index.ts` gathers them.
 */
import type { LivenessRequest } from './liveness/check-liveness.ts'

export type Suite = 'ci' | 'full'

/**
 * `finding`: the faithful model of a seed's protocol breaks P (why, in a sentence).
 * `baseline`: a scheme is known to break P, and showing it is the point (e.g. the problem
 * a later scheme solves).
 */
export type Expectation =
  | { readonly holds: true }
  | { readonly violates: string; readonly finding?: string; readonly baseline?: string }

export interface ProofEntry {
  readonly id: string
  readonly model: string
  readonly params: Readonly<Record<string, number | boolean | string>>
  readonly mutations?: readonly string[]
  readonly expect: Expectation
  readonly suites: readonly Suite[]
  readonly maxStates?: number
  /** Check only these properties (to show that one of them, not only the first found, catches a bug). */
  readonly properties?: readonly string[]
  /** Liveness properties checked as well, and the fairness they are checked under. */
  readonly liveness?: LivenessRequest
  /** `false`: a state without enabled actions is not reported (liveness treats it as a final state). */
  readonly checkDeadlock?: boolean
}

export type ProofParams = Readonly<Record<string, number | boolean | string>>

/** One entry per row: a mutation, the parameters it runs with, the property expected to catch it
 * (checked alone when `only` is set, to show that this property catches it too). */
export function mutationEntries(
  model: string,
  base: ProofParams,
  rows: readonly (readonly [mutation: string, params: ProofParams, violates: string, only?: boolean])[],
): ProofEntry[] {
  return rows.map(([m, params, violates, only]) => ({
    id: `${model}/${m}${only ? `/${violates}` : ''}`,
    model,
    params: { ...base, ...params },
    mutations: [m],
    expect: { violates },
    suites: ['ci', 'full'],
    ...(only ? { properties: [violates] } : {}),
  }))
}

export function describeExpectation(e: Expectation): string {
  return 'holds' in e ? 'holds' : `violates ${e.violates}`
}
