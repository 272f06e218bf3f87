/**
 * Properties of the `spinlock` model (spec spinlock.md, "Properties"; the fairness claims
 * of seed 004_e74346043d439713.txt, 3.3.2.2, each checked in the seed's words, with the
 * seed's premise and subjects). Numbering follows the spec.
 */
import type { Check } from '../checker/model.ts'
import { forEach, leadsTo } from '../checker/temporal.ts'
import {
  INF,
  afterStep,
  holdTicks,
  isHolding,
  isLockedFirstRead,
  isWaiting,
  lockFree,
  lockedOrAwaited,
  stepping,
  stepsToAcquireAlone,
  type SpinAction,
  type SpinConfig,
  type SpinState,
} from '../model/spinlock.ts'
import { bitsOf } from '../model/vm/hardware.ts'

/** The vCPU that takes the lock in this step, if any. */
function acquirer(s: SpinState, a: SpinAction, t: SpinState): number | undefined {
  if (a.type === 'schedule') return undefined
  return s.vcpus[a.vcpu]!.pc !== 'cs' && t.vcpus[a.vcpu]!.pc === 'cs' ? a.vcpu : undefined
}

/** Earlier arrivals still waiting when j acquires (j passes them). */
function passed(s: SpinState, j: number): number[] {
  return bitsOf(s.vcpus[j]!.ahead).filter((i) => isWaiting(s.vcpus[i]!))
}

/** Earlier arrivals j passes that are running in this tick (a preempted waiter that is passed is the design working). */
function passedRunning(s: SpinState, j: number): number[] {
  return passed(s, j).filter((i) => (s.running & (1 << i)) !== 0)
}

/** 1. At most one vCPU in its critical section. */
export function mutualExclusion(s: SpinState): Check {
  const inside = s.vcpus.flatMap((v, i) => (v.pc === 'cs' ? [i] : []))
  return inside.length <= 1 || `vCPUs ${inside.join(' and ')} are in the critical section at once`
}

/** The largest overtaking count of a waiter (property 5's measure). */
export function maxOvertakes(s: SpinState): number {
  let m = 0
  for (const v of s.vcpus) if (v.overtakes > m) m = v.overtakes
  return m
}

/**
 * When the claims of 3.3.2.2 apply: "the above discussion holds for a lock waiter
 * preemption case in which the time spent holding a lock is less than the unit timeout
 * threshold tau". Lock waiter preemption: the host never preempts the holder; the time
 * spent holding counts every tick the lock is held (`holdTicks`: the acquiring step, C,
 * and the unlock steps).
 */
export function fairnessPremise(c: SpinConfig): boolean {
  const pmt = c.lock !== 'ticket' && c.lock !== 'generic'
  return c.schedule === 'lockstep' && pmt && c.tau !== Infinity && !c.holderPreemption && holdTicks(c) < c.tau
}

export function spinlockProperties(c: SpinConfig) {
  const lockstep = c.schedule === 'lockstep'
  const pmt = c.lock !== 'ticket' && c.lock !== 'generic'
  const strictOrder = c.lock === 'ticket' || (c.tau === Infinity && pmt)
  /** How many of its own steps a waiter left alone may need: (V-1)·tau spin iterations and a few more. */
  const aloneBound = (c.tau === Infinity ? 0 : (c.V - 1) * c.tau) + c.V + 3

  /** 2. tau = inf (and the ticket lock): acquisitions in strict ticket order. */
  function ticketOrder(s: SpinState, a: SpinAction, t: SpinState): Check {
    const j = acquirer(s, a, t)
    if (j === undefined) return true
    const p = passed(s, j)
    return p.length === 0 || `vCPU ${j} acquires before vCPU ${p.join(', ')}, which requested the lock earlier`
  }

  /**
   * 3. 3.3.2.2: "For all waiters yet to reach their timeout threshold, strict ordering is
   * preserved." Under the premise (`fairnessPremise`), a waiter that has not timed out
   * does not take the lock before an earlier waiter that has not timed out either and is
   * running in that tick.
   */
  function strictAmongWaiting(s: SpinState, a: SpinAction, t: SpinState): Check {
    const j = acquirer(s, a, t)
    if (j === undefined || s.vcpus[j]!.timedOut) return true
    const p = passedRunning(s, j).filter((i) => !s.vcpus[i]!.timedOut)
    return p.length === 0 || `vCPU ${j} (not timed out) acquires before earlier vCPU ${p.join(', ')}, running and not timed out either`
  }

  /**
   * 4. 3.3.2.2: "Waiters that have reached their timeout threshold have priority over
   * those who have not." Under the premise, a waiter that has not timed out does not take
   * the lock while an earlier timed-out waiter is running in that tick.
   */
  function timedOutFirst(s: SpinState, a: SpinAction, t: SpinState): Check {
    const j = acquirer(s, a, t)
    if (j === undefined || s.vcpus[j]!.timedOut) return true
    const p = passedRunning(s, j).filter((i) => s.vcpus[i]!.timedOut)
    return p.length === 0 || `vCPU ${j} (not timed out) passes timed-out vCPU ${p.join(', ')}, which runs in this tick`
  }

  /**
   * 4b. 3.3.2.2: "All waiters that have reached their timeout threshold have equal
   * priority among themselves." When the lock is free and two or more timed-out waiters
   * compete for it, whichever of them takes the next step acquires it: the lock word does
   * not favour any of them.
   */
  function timedOutEqualPriority(s: SpinState): Check {
    if (!lockFree(c, s)) return true
    const next = stepping(c, s).filter((i) => s.vcpus[i]!.pc === 'spin' && s.vcpus[i]!.timedOut)
    if (s.vcpus.filter((v) => v.pc === 'spin' && v.timedOut).length < 2) return true
    const loser = next.find((i) => afterStep(c, s, i, 'spin').vcpus[i]!.pc !== 'cs')
    return loser === undefined || `timed-out vCPU ${loser} steps while the lock is free and another timed-out waiter competes, and does not acquire it`
  }

  /**
   * 5. Bounded overtaking, 3.3.2.2: "the number of ordering violations experienced by a
   * given lock is bounded by the number of vCPUs assigned to a VM", and, for lock holder
   * preemption too, "the order violation will still be bounded by the number of vCPUs".
   * Per waiter: it is passed at most V times by later arrivals while it waits and runs in
   * the tick of the pass.
   */
  function boundedOvertaking(s: SpinState): Check {
    const i = s.vcpus.findIndex((v) => v.overtakes > c.V)
    return i < 0 || `vCPU ${i} was passed ${s.vcpus[i]!.overtakes} times while waiting and running (V = ${c.V})`
  }

  /** 6a. trylock succeeds only when the lock is free and nobody waits. */
  function trylockOnlyWhenFree(s: SpinState, a: SpinAction, t: SpinState): Check {
    if (a.type !== 'trylock' && a.type !== 'tryCas') return true
    if (acquirer(s, a, t) === undefined) return true
    const busy = s.vcpus.findIndex((v, i) => i !== a.vcpu && (isHolding(v) || isWaiting(v)))
    return busy < 0 || `trylock of vCPU ${a.vcpu} succeeds while vCPU ${busy} ${isHolding(s.vcpus[busy]!) ? 'holds' : 'waits for'} the lock`
  }

  /**
   * 6b. is_locked agrees with the state (3.3.3: it returns "true if it detects the presence
   * of earlier waiters for the lock or if the lock is currently not available"): its answer
   * is what the lock was (held or awaited by another vCPU, or not) at some instant between
   * its first read and its last (Code 3.2 reads the ticket word, then `acquired`).
   */
  function isLockedAgrees(s: SpinState, a: SpinAction): Check {
    if (a.type !== 'isLocked' && a.type !== 'isLockedAcquired') return true
    const truth = lockedOrAwaited(c, s, a.vcpu)
    if (a.type === 'isLocked') {
      const said = isLockedFirstRead(c, s)
      return said === undefined || said === truth || `is_locked says ${said} while the lock is ${truth ? '' : 'not '}held or awaited`
    }
    const said = s.acquired === 1
    const seen = s.vcpus[a.vcpu]!.seen
    return (seen & (said ? 1 : 2)) !== 0 || `is_locked says ${said}, but the lock was ${said ? 'free' : 'held or awaited'} from its first read to its last`
  }

  /**
   * 7. Bounded waiting (no starvation, as safety): when nobody holds the lock and every
   * other vCPU is outside the lock code, a waiter that runs acquires within
   * (V - 1)·tau + V + 3 of its own steps.
   */
  function boundedWaiting(s: SpinState): Check {
    if (s.vcpus.some(isHolding)) return true
    const waiting = s.vcpus.flatMap((v, i) => (isWaiting(v) ? [i] : []))
    if (waiting.length !== 1) return true
    const j = waiting[0]!
    if (stepsToAcquireAlone(c, s, j, aloneBound) !== undefined) return true
    const v = s.vcpus[j]!
    return `vCPU ${j}, alone with a free lock, does not acquire it within ${aloneBound} steps (ticket ${v.t}, head ${s.head}, timeout ${v.timeout === INF ? 'endless' : v.timeout})`
  }

  const measures: Record<string, (s: SpinState) => number> = lockstep ? { overtakes: maxOvertakes } : {}
  const timed = pmt && c.tau !== Infinity
  return {
    invariants: {
      mutualExclusion,
      ...(lockstep ? { boundedOvertaking } : {}),
      ...(timed ? { timedOutEqualPriority } : {}),
      boundedWaiting,
    },
    transitionInvariants: {
      ...(strictOrder ? { ticketOrder } : {}),
      ...(fairnessPremise(c) ? { strictAmongWaiting, timedOutFirst } : {}),
      ...(c.trylock ? { trylockOnlyWhenFree, isLockedAgrees } : {}),
    },
    measures,
  }
}

/**
 * Liveness: every waiter eventually acquires the lock. Seed 004, 3.1.2: ticket spinlocks
 * are "guaranteeing that locks are dispatched in FIFO order and no thread will ever
 * experience starvation"; 3.3: the preemptable ticket spinlock "is designed to enable a VM
 * to always make forward progress"; 3.3.3 (Code 3.1 line 12): "A very large timeout
 * threshold would result in starvation". `waiterAcquires[vCPU i]`: whenever vCPU i waits
 * (its ticket taken or, generic, its first xchg failed), it later holds the lock.
 * Checked under a fair host scheduler (`spinlockFairness`): interleaving, weak fairness of
 * `vCPU *` (a vCPU that can run eventually runs); lockstep, strong fairness of
 * `host runs vCPU *` (every vCPU with work is run again and again).
 */
export function spinlockLiveness(V: number) {
  const ids = Array.from({ length: V }, (_, i) => i)
  return {
    liveness: {
      waiterAcquires: forEach(
        ids,
        (i) => `vCPU ${i}`,
        (i) =>
          leadsTo<SpinState>(
            (s) => isWaiting(s.vcpus[i]!),
            (s) => isHolding(s.vcpus[i]!),
          ),
      ),
    },
  }
}

/**
 * Fairness units of the spinlock model: a vCPU's own steps count for `vCPU i`; the host's
 * choice to run vCPUs {j, k} for a tick (lockstep) counts for `host runs vCPU j` and
 * `host runs vCPU k`, so that strong fairness of `host runs vCPU j` is a host scheduler
 * that runs vCPU j again and again while it has work.
 */
export function spinlockFairness(a: SpinAction): string[] {
  return a.type === 'schedule' ? bitsOf(a.running).map((j) => `host runs vCPU ${j}`) : [`vCPU ${a.vcpu}`]
}
