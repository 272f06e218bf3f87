/**
 * Properties of the `spinlock` model (spec spinlock.md, "Properties"; the fairness claims
 * of seed 004_e74346043d439713.txt, 3.3.2.2). Numbering follows the spec.
 */
import type { Check } from '../checker/model.ts'
import {
  INF,
  isHolding,
  isLockedCode,
  isWaiting,
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

export function spinlockProperties(c: SpinConfig) {
  const lockstep = c.schedule === 'lockstep'
  const timed = lockstep && c.tau !== Infinity && c.C < c.tau && c.lock !== 'ticket' && c.lock !== 'generic'
  const strictOrder = c.lock === 'ticket' || (c.tau === Infinity && c.lock !== 'generic')
  /** How many of its own steps a waiter left alone may need: (V-1)·tau spin iterations and a few more. */
  const aloneBound = (c.tau === Infinity ? 0 : (c.V - 1) * c.tau) + c.V + 3

  /** 2. tau = inf (and the ticket lock): acquisitions in strict ticket order. */
  function ticketOrder(s: SpinState, a: SpinAction, t: SpinState): Check {
    const j = acquirer(s, a, t)
    if (j === undefined) return true
    const p = passed(s, j)
    return p.length === 0 || `vCPU ${j} acquires before vCPU ${p.join(', ')}, which requested the lock earlier`
  }

  /** 3. Among waiters that have not timed out, ordering is strict. */
  function strictAmongWaiting(s: SpinState, a: SpinAction, t: SpinState): Check {
    const j = acquirer(s, a, t)
    if (j === undefined || s.vcpus[j]!.timedOut) return true
    const p = passed(s, j).filter((i) => !s.vcpus[i]!.timedOut)
    return p.length === 0 || `vCPU ${j} (not timed out) acquires before earlier vCPU ${p.join(', ')}, not timed out either`
  }

  /** 4. A waiter that has timed out is not passed by one that has not. */
  function timedOutFirst(s: SpinState, a: SpinAction, t: SpinState): Check {
    const j = acquirer(s, a, t)
    if (j === undefined || s.vcpus[j]!.timedOut) return true
    const p = passed(s, j).filter((i) => s.vcpus[i]!.timedOut)
    return p.length === 0 || `vCPU ${j} (not timed out) passes timed-out vCPU ${p.join(', ')}`
  }

  /** 5. Bounded overtaking (3.3.2.2): a running waiter is passed at most V - 1 times. */
  function boundedOvertaking(s: SpinState): Check {
    const i = s.vcpus.findIndex((v) => v.overtakes > c.V - 1)
    return i < 0 || `vCPU ${i} was passed ${s.vcpus[i]!.overtakes} times while waiting and running (V - 1 = ${c.V - 1})`
  }

  /** 6a. trylock succeeds only when the lock is free and nobody waits. */
  function trylockOnlyWhenFree(s: SpinState, a: SpinAction, t: SpinState): Check {
    if (a.type !== 'trylock' && a.type !== 'tryCas') return true
    if (acquirer(s, a, t) === undefined) return true
    const busy = s.vcpus.findIndex((v, i) => i !== a.vcpu && (isHolding(v) || isWaiting(v)))
    return busy < 0 || `trylock of vCPU ${a.vcpu} succeeds while vCPU ${busy} ${isHolding(s.vcpus[busy]!) ? 'holds' : 'waits for'} the lock`
  }

  /** 6b. is_locked agrees with the state: true exactly when a vCPU holds or waits for the lock. */
  function isLockedAgrees(s: SpinState, a: SpinAction): Check {
    if (a.type !== 'isLocked') return true
    const truth = s.vcpus.some((v, i) => i !== a.vcpu && (isHolding(v) || (c.lock !== 'generic' && isWaiting(v))))
    const said = isLockedCode(c, s)
    return said === truth || `is_locked says ${said} while the lock is ${truth ? '' : 'not '}held or awaited`
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
  return {
    invariants: {
      mutualExclusion,
      ...(lockstep ? { boundedOvertaking } : {}),
      boundedWaiting,
    },
    transitionInvariants: {
      ...(strictOrder ? { ticketOrder } : {}),
      ...(timed ? { strictAmongWaiting, timedOutFirst } : {}),
      ...(c.trylock ? { trylockOnlyWhenFree, isLockedAgrees } : {}),
    },
    measures,
  }
}
