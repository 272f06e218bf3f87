/** The `spinlock` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry, type Suite } from '../checker/proofs.ts'

const spinCi = { V: 3, W: 3, rounds: 1, schedule: 'interleaving' } as const
const lockstepCi = { V: 3, P: 2, W: 4, C: 1, schedule: 'lockstep' } as const
/** The premise of 3.3.2.2: lock waiter preemption only, and every hold (4 ticks for pmt-basic at C = 1) shorter than tau. */
const premise = { ...lockstepCi, lock: 'pmt-basic', tau: 5, holderPreemption: false } as const
/** Two vCPUs on two physical CPUs: the smallest machine on which the overtaking bound can be tested. */
const twoVcpus = { V: 2, P: 2, W: 4, C: 1, schedule: 'lockstep', lock: 'pmt-basic', rounds: 3 } as const
const LOCKS = ['ticket', 'generic', 'pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const
const PMT = ['pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const

/**
 * The overtaking table: the largest number of passes of a running waiter, per lock, tau
 * and rounds. Three rounds for tau = 0, 1 and inf (tau = 1: 39 to 58 million states, 4 to
 * 10 minutes each), and for pmt-cpt at tau = 2 (107 million states, 13 minutes, 3.8 GiB);
 * the two other locks at tau = 2 and three rounds are larger still.
 */
function overtakingTable(): ProofEntry[] {
  const rows = [...(['ticket', 'generic'] as const).map((lock) => [lock, 2] as const), ...PMT.flatMap((lock) => ([0, 1, 2, 'inf'] as const).map((tau) => [lock, tau] as const))]
  return ([2, 3] as const).flatMap((rounds) =>
    rows.filter(([lock, tau]) => rounds === 2 || !lock.startsWith('pmt') || tau !== 2 || lock === 'pmt-cpt').map(([lock, tau]): ProofEntry => {
      const small = rounds === 2 && (tau === 'inf' || tau === 0 || !lock.startsWith('pmt'))
      const suites: Suite[] = small ? ['ci', 'full'] : ['full']
      return {
        id: `spinlock/overtakes/rounds=${rounds}/${lock}${lock.startsWith('pmt') ? `/tau=${tau}` : ''}`,
        model: 'spinlock',
        params: { ...lockstepCi, lock, tau, rounds },
        properties: ['mutualExclusion'],
        expect: { holds: true },
        suites,
      }
    }),
  )
}

export const spinlockProofs: readonly ProofEntry[] = [
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
    expect: {
      violates: 'isLockedAgrees',
      finding:
        'is_locked reads the ticket word, then acquired (Code 3.2 lines 2-3): it reads equal tickets while the holder is between its two unlock ' +
        'steps, another vCPU takes a ticket, the holder clears acquired, and is_locked reads 0: it answers false although the lock was held or ' +
        'awaited at every instant between its two reads',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/pmt-basic/trylock/safety',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-basic', trylock: true },
    properties: ['mutualExclusion', 'trylockOnlyWhenFree', 'timedOutEqualPriority', 'boundedWaiting'],
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
    ['spinBackoff', { lock: 'pmt-basic' }, 'timedOutEqualPriority'],
  ]),
  {
    id: 'spinlock/freeLockFastPath',
    model: 'spinlock',
    params: { ...premise, rounds: 2 },
    mutations: ['freeLockFastPath'],
    properties: ['timedOutFirst'],
    expect: { violates: 'timedOutFirst' },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/pmt-cpt/W=3',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-cpt', rounds: 2 },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/pmt-cpt/W=3/signed',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-cpt', rounds: 2, timeoutCast: 'signed' },
    expect: {
      violates: 'boundedWaiting',
      finding:
        "under the prose's signed cast (3.3.3), not Code 3.1's (__ticket_t): the compact lock spends the low bit of each ticket, so with 3 vCPUs " +
        'and 3-bit tickets (s3)(tail - head) = 4 overflows to -4, an endless timeout, and a waiter that is then passed never leaves the queue loop; ' +
        'the printed unsigned cast holds at the same bounds (the signed reading needs 2(V - 1) < 2^(W - 1), the printed one 2(V - 1) < 2^W)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/pmt-basic/W=2',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-basic', W: 2, rounds: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'spinlock/pmt-basic/W=2/signed',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-basic', W: 2, rounds: 2, timeoutCast: 'signed' },
    expect: {
      violates: 'boundedWaiting',
      finding:
        "under the prose's signed cast, pmt-basic with 3 vCPUs and 2-bit tickets: (s2)(tail - head) = 2 is -2, an endless timeout, and a waiter that is then passed never leaves the queue loop (the printed cast holds)",
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic',
    model: 'spinlock',
    params: { ...premise, rounds: 1 },
    expect: {
      violates: 'strictAmongWaiting',
      finding:
        'under the premise of 3.3.2.2 (waiter preemption only, every hold of 4 ticks shorter than tau = 5): the waiter whose ticket is head is ' +
        'preempted before its xchg; a later waiter times out, takes the lock, and its unlock moves head on to the next ticket, whose owner ' +
        'enters the xchg loop without timing out and wins the xchg against the first waiter, running again in the same tick (first point)',
    },
    suites: ['ci', 'full'],
  },
  ...(['pmt-cpt', 'pmt-cpt-st'] as const).map(
    (lock): ProofEntry => ({
      id: `spinlock/lockstep/${lock}`,
      model: 'spinlock',
      params: { ...premise, lock, rounds: 1 },
      expect: {
        violates: 'strictAmongWaiting',
        finding:
          `the compact lock (${lock}) under the premise of 3.3.2.2 (every hold of 3 ticks shorter than tau = 5) as pmt-basic: a later ` +
          'waiter times out and takes the lock while the head waiter is preempted before its cmpxchg; its unlock moves head on to the ' +
          'next ticket, whose owner wins the race against the first waiter, running again in the same tick (first point)',
      },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'spinlock/lockstep/pmt-basic/timedOutFirst',
    model: 'spinlock',
    params: { ...premise, rounds: 2 },
    properties: ['timedOutFirst'],
    expect: {
      violates: 'timedOutFirst',
      finding:
        'under the premise of 3.3.2.2: a waiter preempted in its queue loop is skipped by head; once running again it does not update its ' +
        'threshold (line 20: its ticket is behind head) and spends the rest of its timeout, while the owner of the ticket now at head takes ' +
        'the lock without timing out in the tick in which the skipped waiter times out (second point: timed-out waiters have priority)',
    },
    suites: ['full'],
  },
  ...(['pmt-cpt', 'pmt-cpt-st'] as const).map(
    (lock): ProofEntry => ({
      id: `spinlock/lockstep/${lock}/timedOutFirst`,
      model: 'spinlock',
      params: { ...premise, lock, rounds: 2 },
      properties: ['timedOutFirst'],
      expect: {
        violates: 'timedOutFirst',
        finding:
          `the compact lock (${lock}) under the premise of 3.3.2.2 as pmt-basic: a waiter preempted in its queue loop is skipped by head, ` +
          'spends the rest of its timeout once running again, and the owner of the ticket now at head takes the lock without timing out ' +
          'in the tick in which the skipped waiter times out (second point)',
      },
      suites: ['full'],
    }),
  ),
  {
    id: 'spinlock/lockstep/pmt-basic/boundedOvertaking',
    model: 'spinlock',
    params: { ...twoVcpus, tau: 1 },
    properties: ['boundedOvertaking'],
    expect: {
      violates: 'boundedOvertaking',
      finding:
        'with V = 2, the waiter whose ticket is head is preempted before its xchg; the other vCPU times out and, in every tick in which both ' +
        'run, wins the xchg race: 3 passes of a running waiter (claim: at most V = 2), one more per round',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic/boundedOvertaking/premise',
    model: 'spinlock',
    params: { ...twoVcpus, tau: 5, holderPreemption: false },
    properties: ['boundedOvertaking'],
    expect: {
      violates: 'boundedOvertaking',
      finding: 'the same under the premise of the first two points (no holder preemption, holds of 4 ticks shorter than tau = 5): 3 passes with V = 2',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/lockstep/pmt-basic/boundedOvertaking/V=3',
    model: 'spinlock',
    params: { ...lockstepCi, lock: 'pmt-basic', tau: 2, rounds: 2 },
    properties: ['boundedOvertaking'],
    expect: {
      violates: 'boundedOvertaking',
      finding: 'with V = 3 and two rounds a running waiter is passed 4 times (claim: at most V = 3)',
    },
    suites: ['full'],
  },
  ...(['pmt-basic', 'pmt-cpt'] as const).map(
    (lock): ProofEntry => ({
      id: `spinlock/lockstep/${lock}/safety`,
      model: 'spinlock',
      params: { ...lockstepCi, lock, tau: 2, rounds: 1 },
      properties: ['mutualExclusion', 'timedOutEqualPriority', 'boundedWaiting'],
      expect: { holds: true },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'spinlock/lockstep/pmt-basic/tau=inf',
    model: 'spinlock',
    params: { ...lockstepCi, lock: 'pmt-basic', tau: 'inf', rounds: 2 },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  ...overtakingTable(),
]

/**
 * Liveness: `waiterAcquires` (every waiter eventually acquires the lock, see
 * `spinlockLiveness`) under a fair host scheduler, for every variant, in both schedules;
 * the lock waiter preemption problem of 3.1.2 as a liveness result (the host runs the
 * waiter and the holder, never an earlier waiter: the ticket lock starves the waiter,
 * the others do not); and the mutations that starve a waiter although the host is fair.
 */
const fairVcpus = { properties: ['waiterAcquires'], fair: ['vCPU *'], kind: 'weak' } as const
const fairHost = { properties: ['waiterAcquires'], fair: ['host runs vCPU *'], kind: 'strong' } as const
const onlyWaiter0 = { properties: ['waiterAcquires[vCPU 0]'], fair: ['host runs vCPU 0'], kind: 'strong' } as const
const live = { properties: [], checkDeadlock: false } as const

export const spinlockLivenessProofs: readonly ProofEntry[] = [
  ...LOCKS.flatMap((lock): ProofEntry[] => [
    { id: `spinlock/liveness/${lock}`, model: 'spinlock', params: { ...spinCi, lock }, ...live, liveness: fairVcpus, expect: { holds: true }, suites: ['ci', 'full'] },
    {
      id: `spinlock/liveness/lockstep/${lock}`,
      model: 'spinlock',
      params: { ...lockstepCi, lock },
      ...live,
      liveness: fairHost,
      expect: { holds: true },
      suites: ['ci', 'full'],
    },
    {
      id: `spinlock/liveness/waiterPreempted/${lock}`,
      model: 'spinlock',
      params: { ...lockstepCi, lock, holderPreemption: false },
      ...live,
      liveness: onlyWaiter0,
      expect:
        lock === 'ticket'
          ? {
              violates: 'waiterAcquires',
              baseline:
                '3.1.2, the lock waiter preemption problem: "if a vCPU currently holding a ticket is preempted, all subsequent ticket holders must ' +
                'wait for the preempted vCPU to be rescheduled": with an earlier waiter never run again, vCPU 0 spins forever on a free lock',
            }
          : { holds: true },
      suites: ['ci', 'full'],
    },
  ]),
  {
    id: 'spinlock/liveness/unfair/pmt-basic',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-basic' },
    ...live,
    liveness: { ...fairVcpus, fair: [] },
    expect: { violates: 'waiterAcquires', baseline: 'without a fair host scheduler a waiter may simply never run again: every lock starves it' },
    suites: ['ci', 'full'],
  },
  {
    id: 'spinlock/liveness/pmt-basic/W=2/rounds=2',
    model: 'spinlock',
    params: { ...spinCi, lock: 'pmt-basic', W: 2, rounds: 2 },
    ...live,
    liveness: fairVcpus,
    expect: { holds: true },
    suites: ['full'],
  },
  ...(
    [
      ['unsignedTimeout', { lock: 'pmt-basic', W: 2, rounds: 2 }],
      ['noAheadGuard', { lock: 'pmt-basic', timeoutCast: 'signed' }],
      ['unlockNoClear', { lock: 'pmt-basic' }],
    ] as const
  ).map(
    ([m, params]): ProofEntry => ({
      id: `spinlock/liveness/${m}`,
      model: 'spinlock',
      params: { ...spinCi, ...params },
      mutations: [m],
      ...live,
      liveness: fairVcpus,
      expect: { violates: 'waiterAcquires' },
      suites: ['ci', 'full'],
    }),
  ),
]
