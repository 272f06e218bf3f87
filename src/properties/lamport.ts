/**
 * Properties of the `lamport` model (spec popcorn.md, "Lamport's distributed mutual
 * exclusion"; property 4 of the Popcorn list). Deadlock freedom is the engine's check.
 */
import type { Check } from '../checker/model.ts'
import { deepEqual } from '../checker/equal.ts'
import { HEAVY, before, effectivePageQueue, type QueueEntry } from '../model/popcorn/lamport-queues.ts'
import { finished, heldBy, quiescent, resName, type LamportConfig, type LamportState } from '../model/lamport.ts'

function holders(s: LamportState): { kernel: number; res: number }[] {
  const out: { kernel: number; res: number }[] = []
  s.kernels.forEach((_, kernel) => {
    const res = heldBy(s, kernel)
    if (res !== undefined) out.push({ kernel, res })
  })
  return out
}

/** At most one kernel holds the lock of a page. */
export function pageMutualExclusion(s: LamportState): Check {
  const h = holders(s).filter((x) => x.res !== HEAVY)
  for (let i = 0; i < h.length; i++) {
    for (let j = i + 1; j < h.length; j++) {
      if (h[i]!.res === h[j]!.res) return `kernels ${h[i]!.kernel} and ${h[j]!.kernel} both hold ${resName(h[i]!.res)}`
    }
  }
  return true
}

/** A holder of the heavy lock excludes every other lock of the process, heavy or page. */
export function heavyExclusion(s: LamportState): Check {
  const h = holders(s)
  const heavy = h.find((x) => x.res === HEAVY)
  if (!heavy) return true
  const other = h.find((x) => x.kernel !== heavy.kernel)
  return other === undefined || `kernel ${heavy.kernel} holds the heavy lock while kernel ${other.kernel} holds ${resName(other.res)}`
}

function ordered(q: readonly QueueEntry[]): boolean {
  for (let i = 1; i < q.length; i++) if (!before(q[i - 1]!, q[i]!)) return false
  return true
}

/** Every queue is in timestamp order (ties by kernel), without duplicates. */
export function queuesOrdered(s: LamportState): Check {
  for (const [k, kern] of s.kernels.entries()) {
    if (!ordered(kern.queues.heavy)) return `kernel ${k}: heavy queue out of order`
    for (const [p, q] of kern.queues.pages) if (!ordered(q)) return `kernel ${k}: queue of page ${p} out of order`
  }
  return true
}

export function lamportInvariants(c: LamportConfig) {
  /** Once every message is delivered, all kernels' queues hold the same entries. */
  function queuesAgreeWhenDrained(s: LamportState): Check {
    if (!quiescent(s)) return true
    const first = s.kernels[0]!.queues
    for (let k = 1; k < s.kernels.length; k++) {
      const q = s.kernels[k]!.queues
      if (!deepEqual(q.heavy, first.heavy)) return `messages drained, but kernels 0 and ${k} disagree on the heavy queue`
      for (const p of new Set([...q.pages.keys(), ...first.pages.keys()])) {
        if (!deepEqual(effectivePageQueue(q, p, c.queueOptions), effectivePageQueue(first, p, c.queueOptions))) {
          return `messages drained, but kernels 0 and ${k} disagree on the queue of page ${p}`
        }
      }
    }
    return true
  }

  /** When every thread is done and every message delivered, no queue entry is left. */
  function noQueueLeftAtEnd(s: LamportState): Check {
    if (!finished(s)) return true
    for (const [k, kern] of s.kernels.entries()) {
      if (kern.queues.heavy.length > 0) return `kernel ${k}: heavy queue not empty at the end`
      const [p] = kern.queues.pages.keys()
      if (p !== undefined) return `kernel ${k}: queue of page ${p} left at the end`
    }
    return true
  }

  return { pageMutualExclusion, heavyExclusion, queuesOrdered, queuesAgreeWhenDrained, noQueueLeftAtEnd }
}
