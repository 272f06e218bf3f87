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

const lamportCi = { kernels: 3, pages: 1, heavy: true, requests: 1, atomicTimestamp: true }

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
    id: 'lamport',
    model: 'lamport',
    params: lamportCi,
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/gcCountsHeavyCopies',
    model: 'lamport',
    params: { ...lamportCi, gcCountsHeavyCopies: true },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false },
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'a timestamp taken before the REQUEST is sent (fetch-and-add in the faulting thread, handlers in a work queue): ' +
        'the kernel ACKs a later request first, and both requesters enter (000 5.7.4)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/broadcastSteps',
    model: 'lamport',
    params: { ...lamportCi, atomicBroadcast: false },
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'even with an atomic timestamp, a REQUEST sent one kernel at a time lets the requester ACK a later request ' +
        'on the channel to a kernel its REQUEST has not reached yet: both requesters enter',
    },
    suites: ['ci', 'full'],
  },
  ...(['noHeavyMirror', 'noCopyOnCreate', 'unorderedChannels', 'noAckWait', 'appendQueue', 'noGc'] as const).map(
    (m): ProofEntry => ({
      id: `lamport/${m}`,
      model: 'lamport',
      params: lamportCi,
      mutations: [m],
      expect: {
        violates: {
          noHeavyMirror: 'heavyExclusion',
          noCopyOnCreate: 'queuesAgreeWhenDrained',
          unorderedChannels: 'pageMutualExclusion',
          noAckWait: 'pageMutualExclusion',
          appendQueue: 'queuesOrdered',
          noGc: 'noQueueLeftAtEnd',
        }[m],
      },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'lamport/2pages',
    model: 'lamport',
    params: { ...lamportCi, pages: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'lamport/2requests',
    model: 'lamport',
    params: { ...lamportCi, requests: 2 },
    expect: { holds: true },
    suites: ['full'],
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
