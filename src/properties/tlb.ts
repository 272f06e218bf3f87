/** Properties of the `tlb` model (spec tlb.md, "Properties"). */
import type { Draft } from 'immer'
import type { Check } from '../checker/model.ts'
import { leadsTo } from '../checker/temporal.ts'
import {
  INITIATOR,
  initiatorActions,
  initiatorStep,
  isRunning,
  shootdownStart,
  targets,
  type TlbAction,
  type TlbConfig,
  type TlbState,
} from '../model/tlb.ts'

/** The vCPU whose guest code takes this step (host events are not guest steps). */
function guestActor(a: TlbAction): number | undefined {
  if (a.type === 'preempt' || a.type === 'resume') return undefined
  return 'vcpu' in a ? a.vcpu : INITIATOR
}

/**
 * 1. No stale access: once the initiator has freed a frame, no vCPU reaches it through a
 * translation for the page it was unmapped from; once a write-protection has completed,
 * no vCPU writes the page through a writable translation.
 */
export function noStaleAccess(s: TlbState, a: TlbAction): Check {
  if (a.type !== 'read' && a.type !== 'write') return true
  const e = s.tlb[a.vcpu]![a.page]!
  if (e.frame < 0) return true
  const pte = s.pt[a.page]!
  if (pte.frame !== e.frame) {
    const reused = s.pt.findIndex((q) => q.frame === e.frame)
    if (!s.frameUsed[e.frame] || reused >= 0) {
      const now = reused >= 0 ? `now backs page ${reused}` : 'is free'
      return `vCPU ${a.vcpu} ${a.type}s page ${a.page} through a stale translation to frame ${e.frame}, which ${now}`
    }
  }
  if (a.type === 'write' && e.writable && !pte.writable && s.wpDone[a.page]) {
    return `vCPU ${a.vcpu} writes page ${a.page} through a writable translation after its write-protection completed`
  }
  return true
}

/**
 * 3. No lost invalidation (spec tlb.md): "a flush recorded for a preempted vCPU is
 * performed before that vCPU executes another guest step". A vCPU that the shootdown
 * left out on the promise of a flush (pv-flush's successful cmpxchg, Shoot4U's recorded
 * entry flush: the ghost `owed`) takes no guest step before its TLB is flushed.
 */
export function noLostInvalidation(s: TlbState, a: TlbAction): Check {
  const v = guestActor(a)
  if (v === undefined || (s.owed & (1 << v)) === 0) return true
  return `vCPU ${v} takes a guest step (${a.type}) before the flush recorded for it while it was preempted`
}

export function tlbProperties(c: TlbConfig) {
  /** The initiator's steps from the start of a shootdown to its end: two per target for pv-flush's handshake, the IPIs or hypercall, the free. */
  const steps = 2 * (c.V - 1) + 3
  /**
   * 2. Completion without the targets (3.4.2: "operation completion is no longer dependent
   * on host scheduler behaviors since it does not have to wait for a vCPU to be running"):
   * when a shootdown starts with every target preempted, the initiator, running alone,
   * completes it within a bounded number of its own steps.
   */
  function completionWithoutTargets(s: TlbState): Check {
    const starting = s.phase === shootdownStart(c) && (c.scheme !== 'pv-flush' || s.cursor === INITIATOR + 1)
    if (!starting || !isRunning(s, INITIATOR) || (s.running & targets(s)) !== 0) return true
    const cur = structuredClone(s) as Draft<TlbState>
    for (let k = 0; k < steps; k++) {
      if (cur.phase === 'idle') return true
      const [a] = initiatorActions(c, cur)
      if (a === undefined) break
      initiatorStep(c, cur, a)
    }
    if (cur.phase === 'idle') return true
    return `with every target preempted, vCPU 0 cannot complete its ${s.op} of page ${s.page}: it waits for acknowledgements (${c.scheme})`
  }

  return {
    invariants: { completionWithoutTargets },
    transitionInvariants: { noStaleAccess, noLostInvalidation },
  }
}

/**
 * Liveness: every shootdown completes. Seed 004, 3.1.3: a shootdown is "a busy wait
 * based stall of the invoking CPU while the operation is handled on each of the remote
 * CPUs", and "the availability of a given vCPU to handle interrupts is entirely dependent
 * on the behavior of the underlying host scheduler"; 3.4.2 on Shoot4U: "operation
 * completion is no longer dependent on host scheduler behaviors since it does not have to
 * wait for a vCPU to be running in order to complete". `shootdownCompletes`: once vCPU 0
 * has begun an unmap or a write-protection, it later returns to idle (the operation done).
 * Fairness units: `tlbFairness`.
 */
export const tlbLiveness = {
  liveness: {
    shootdownCompletes: leadsTo<TlbState>(
      (s) => s.phase !== 'idle',
      (s) => s.phase === 'idle',
    ),
  },
}

/**
 * Fairness units of the tlb model: a vCPU's guest steps count for `vCPU v`, except the
 * handling of a shootdown IPI, `vCPU v handles the IPI` (3.4.1: "After the virtual
 * interrupt has been injected, it will be handled as soon as the target vCPU resumes
 * execution": an interrupt does not wait behind the vCPU's other work); the host's events
 * for `host resumes vCPU v` and `host preempts vCPU v`. "Without fairness of the targets":
 * strong fairness of `vCPU 0`, `host resumes vCPU 0` and `host preempts *` (the host gives
 * vCPU 0 a CPU again and again, and may never run a target again); with it, `vCPU *` and
 * `host resumes *` as well.
 */
export function tlbFairness(a: TlbAction): string[] {
  if (a.type === 'preempt' || a.type === 'resume') return [`host ${a.type}s vCPU ${a.vcpu}`]
  if (a.type === 'handleIpi') return [`vCPU ${a.vcpu} handles the IPI`]
  return [`vCPU ${guestActor(a)!}`]
}
