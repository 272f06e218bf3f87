/** The `ticket` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { type ProofEntry } from '../checker/proofs.ts'

export const ticketProofs: readonly ProofEntry[] = [
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
