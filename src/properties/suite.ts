/**
 * The registry of proofs that `rkcheck verify` runs: every configuration with the
 * outcome we expect. A mutation is expected to be caught by a named property; a faithful
 * model expected to break is a documented finding (with its reason).
 */
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
}

type Params = Readonly<Record<string, number | boolean | string>>

/** One entry per row: a mutation, the parameters it runs with, the property expected to catch it
 * (checked alone when `only` is set, to show that this property catches it too). */
function mutationEntries(
  model: string,
  base: Params,
  rows: readonly (readonly [mutation: string, params: Params, violates: string, only?: boolean])[],
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

const spinCi = { V: 3, W: 3, rounds: 1, schedule: 'interleaving' } as const
const lockstepCi = { V: 3, P: 2, W: 4, C: 1, schedule: 'lockstep' } as const
const LOCKS = ['ticket', 'generic', 'pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const
const PMT = ['pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const

const tlbCi = { V: 3, P: 2, pages: 2, frames: 3, ops: 4 } as const

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
  {
    id: 'lamport/faithful/deferAcks',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false, atomicBroadcast: false, deferAcks: true },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/deferAcks/2pages',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false, atomicBroadcast: false, deferAcks: true, pages: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
  ...mutationEntries('lamport', lamportCi, [
    ['noHeavyMirror', {}, 'heavyExclusion'],
    ['noCopyOnCreate', {}, 'queuesAgreeWhenDrained'],
    ['unorderedChannels', {}, 'pageMutualExclusion'],
    ['noAckWait', {}, 'pageMutualExclusion'],
    ['appendQueue', {}, 'queuesOrdered'],
    ['noGc', {}, 'noQueueLeftAtEnd'],
  ]),
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
  ...LOCKS.map(
    (lock): ProofEntry => ({
      id: `spinlock/${lock}`,
      model: 'spinlock',
      params: { ...spinCi, lock },
      expect: { holds: true },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'spinlock/pmt-basic/trylock',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-basic', trylock: true },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  ...mutationEntries('spinlock', spinCi, [
    ['nonAtomicTicket', { lock: 'ticket' }, 'ticketOrder'],
    ['nonAtomicTicket', { lock: 'ticket' }, 'mutualExclusion', true],
    ['unlockNoClear', { lock: 'pmt-basic' }, 'boundedWaiting'],
    ['unsignedTimeout', { lock: 'pmt-basic', W: 2, rounds: 2 }, 'boundedWaiting'],
    ['noAheadGuard', { lock: 'pmt-basic', rounds: 2 }, 'boundedWaiting'],
    ['trylockSkipAcquired', { lock: 'pmt-basic', trylock: true }, 'trylockOnlyWhenFree'],
    ['isLockedTicketsOnly', { lock: 'pmt-basic', trylock: true }, 'isLockedAgrees'],
  ]),
  {
    id: 'spinlock/pmt-cpt/W=3',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-cpt', rounds: 2 },
    expect: {
      violates: 'boundedWaiting',
      finding:
        'the compact lock spends the low bit of each ticket: with 3 vCPUs a 3-bit ticket makes (s3)(tail - head) = 4 overflow to -4, ' +
        'an endless timeout; a waiter that is then passed never leaves the queue loop (the compact lock needs 2(V - 1) < 2^(W - 1))',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic',
    model: 'spinlock',
    params: { ...lockstepCi, lock: 'pmt-basic', tau: 2, rounds: 1 },
    expect: {
      violates: 'strictAmongWaiting',
      finding:
        'the waiter at the head of the queue is preempted in its xchg loop; a timed-out waiter takes the lock and its unlock ' +
        'moves head to the next ticket, whose owner, not timed out, then takes the lock first (3.3.2.2, first point)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic/timedOutFirst',
    model: 'spinlock',
    params: { ...lockstepCi, lock: 'pmt-basic', tau: 2, rounds: 2 },
    properties: ['timedOutFirst'],
    expect: {
      violates: 'timedOutFirst',
      finding:
        'a waiter that has not timed out takes the lock while an earlier waiter that has timed out still waits ' +
        '(3.3.2.2, second point: timed-out waiters have priority)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic/boundedOvertaking',
    model: 'spinlock',
    params: { ...lockstepCi, lock: 'pmt-basic', tau: 2, rounds: 2 },
    properties: ['boundedOvertaking'],
    expect: {
      violates: 'boundedOvertaking',
      finding:
        'the head-of-queue waiter, preempted and then running again, loses the xchg race to timed-out waiters in the same tick ' +
        'once per grant: 3 passes with V = 3 (claim: at most V - 1 = 2), and as many as every other grant of the run',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic/tau=inf',
    model: 'spinlock',
    params: { ...lockstepCi, lock: 'pmt-basic', tau: 'inf', rounds: 2 },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  ...[...(['ticket', 'generic'] as const).map((lock) => [lock, 2] as const), ...PMT.flatMap((lock) => ([0, 1, 2, 'inf'] as const).map((tau) => [lock, tau] as const))].map(
    ([lock, tau]): ProofEntry => ({
      id: `spinlock/overtakes/${lock}${lock.startsWith('pmt') ? `/tau=${tau}` : ''}`,
      model: 'spinlock',
      params: { ...lockstepCi, lock, tau, rounds: 2 },
      properties: ['mutualExclusion'],
      expect: { holds: true },
      suites: tau === 2 && lock.startsWith('pmt') ? ['full'] : ['ci', 'full'],
    }),
  ),
  ...(['shoot4u', 'pv-flush'] as const).map(
    (scheme): ProofEntry => ({
      id: `tlb/${scheme}`,
      model: 'tlb',
      params: { ...tlbCi, scheme },
      expect: { holds: true },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'tlb/ipi',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'ipi' },
    expect: {
      violates: 'completionWithoutTargets',
      baseline:
        'the TLB shootdown preemption problem (3.1.3): with IPIs the initiator waits for every target to run and acknowledge; ' +
        'pv-flush and shoot4u complete without the targets',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'tlb/ipi/safety',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'ipi' },
    properties: ['noStaleAccess', 'noLostInvalidation'],
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  ...mutationEntries('tlb', tlbCi, [
    ['freeBeforeAck', { scheme: 'pv-flush' }, 'noStaleAccess'],
    ['flushBeforeClear', { scheme: 'shoot4u' }, 'noStaleAccess'],
    ['pvNoFlushOnEntry', { scheme: 'pv-flush' }, 'noLostInvalidation'],
    ['pvNoFlushOnEntry', { scheme: 'pv-flush' }, 'noStaleAccess', true],
    ['shoot4uRunningOnly', { scheme: 'shoot4u' }, 'noStaleAccess'],
  ]),
  ...(['shoot4u', 'pv-flush', 'ipi'] as const).map(
    (scheme): ProofEntry => ({
      id: `tlb/${scheme}/V=4`,
      model: 'tlb',
      params: { ...tlbCi, V: 4, ops: 3, scheme },
      ...(scheme === 'ipi' ? { properties: ['noStaleAccess', 'noLostInvalidation'] } : {}),
      expect: { holds: true },
      suites: ['full'],
    }),
  ),
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
