/** The `spinlock` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

const spinCi = { V: 3, W: 3, rounds: 1, schedule: 'interleaving' } as const
const lockstepCi = { V: 3, P: 2, W: 4, C: 1, schedule: 'lockstep' } as const
const LOCKS = ['ticket', 'generic', 'pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const
const PMT = ['pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const

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
]
