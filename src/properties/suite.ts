/**
 * The registry of proofs that `rkcheck verify` runs: every configuration with the
 * outcome we expect. A mutation is expected to be caught by a named property; a faithful
 * model expected to break is a documented finding (with its reason).
 */
export type Suite = 'ci' | 'full'

export type Expectation =
  | { readonly holds: true }
  | { readonly violates: string; readonly finding?: string }

export interface ProofEntry {
  readonly id: string
  readonly model: string
  readonly params: Readonly<Record<string, number | boolean | string>>
  readonly mutations?: readonly string[]
  readonly expect: Expectation
  readonly suites: readonly Suite[]
  readonly maxStates?: number
}

export const proofs: readonly ProofEntry[] = [
  {
    id: 'ticket',
    model: 'ticket',
    params: { threads: 4, modulo: 8 },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'ticket/nonAtomicTicket',
    model: 'ticket',
    params: { threads: 4, modulo: 8 },
    mutations: ['nonAtomicTicket'],
    expect: { violates: 'mutualExclusion' },
    suites: ['ci', 'full'],
  },
  {
    id: 'ticket/overflow',
    model: 'ticket',
    params: { threads: 3, modulo: 2 },
    expect: {
      violates: 'mutualExclusion',
      finding: 'more threads than ticket values: a ticket wraps onto one still held (why Linux sizes tickets to NR_CPUS)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'ticket/reference',
    model: 'ticket',
    params: { threads: 8, modulo: 16 },
    expect: { holds: true },
    suites: ['full'],
  },
]

export function describeExpectation(e: Expectation): string {
  return 'holds' in e ? 'holds' : `violates ${e.violates}`
}
