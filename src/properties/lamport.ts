/**
 * Properties of the `lamport` model (spec popcorn.md, "Lamport's distributed mutual
 * exclusion"; property 4 of the Popcorn list). Deadlock freedom is the engine's check.
 */
import type { Check } from '../checker/model.ts'
import { deepEqual } from '../checker/equal.ts'
import { PENDING_PHASES } from '../model/popcorn/lamport-lock.ts'
import { HEAVY, before, effectivePageQueue, stampedBefore, type QueueEntry } from '../model/popcorn/lamport-queues.ts'
import {
  allRequests,
  finished,
  quiescent,
  resName,
  someRequest,
  threadName,
  type LamportAction,
  type LamportConfig,
  type LamportParams,
  type LamportState,
} from '../model/lamport.ts'
import { forEach, leadsTo } from '../checker/temporal.ts'

function who(h: { kernel: number; thread: number }): string {
  return `kernel ${h.kernel} thread ${h.thread}`
}

interface Holder {
  readonly kernel: number
  readonly thread: number
  readonly res: number
}

/** The threads holding a lock (it runs at every state: `someRequest`'s loops, no flatMap). */
function holders(s: LamportState): Holder[] {
  const out: Holder[] = []
  someRequest(s, (r, kernel, thread) => {
    if (r.phase === 'holding') out.push({ kernel, thread, res: r.res })
    return false
  })
  return out
}

/** At most one thread (of any kernel) holds the lock of a page. */
export function pageMutualExclusion(s: LamportState): Check {
  const h = holders(s)
  for (let i = 0; i < h.length; i++) {
    if (h[i]!.res === HEAVY) continue
    for (let j = i + 1; j < h.length; j++) {
      if (h[i]!.res === h[j]!.res) return `${who(h[i]!)} and ${who(h[j]!)} both hold ${resName(h[i]!.res)}`
    }
  }
  return true
}

/**
 * A holder of the heavy lock excludes every other lock of the process, heavy or page (000
 * 5.7.5: "it is now guaranteed that no kernel instance (even another task on this kernel
 * instance) can operate on the address space").
 */
export function heavyExclusion(s: LamportState): Check {
  const h = holders(s)
  const heavy = h.find((x) => x.res === HEAVY)
  if (!heavy) return true
  const other = h.find((x) => x !== heavy)
  return other === undefined || `${who(heavy)} holds the heavy lock while ${who(other)} holds ${resName(other.res)}`
}

const conflict = (a: number, b: number): boolean => a === b || a === HEAVY || b === HEAVY

/**
 * At a grant (`enter`), the first request with an earlier timestamp that `counts` and has
 * not completed: taken its timestamp, not yet released (still pending).
 */
function earlierPending(
  s: LamportState,
  a: LamportAction,
  counts: (granted: number, other: number) => boolean,
): Check {
  if (a.type !== 'enter') return true
  const g = s.kernels[a.kernel]!.threads[a.thread]!
  let found: Check = true
  someRequest(s, (r, kernel, thread) => {
    if (kernel === a.kernel && thread === a.thread) return false
    if (!PENDING_PHASES.has(r.phase) || !counts(g.res, r.res)) return false
    if (!stampedBefore(r.ts, kernel, g.ts, a.kernel)) return false
    found =
      `${who(a)} is granted ${resName(g.res)} (ts ${g.ts}) while ${who({ kernel, thread })}'s request for ` +
      `${resName(r.res)} with the earlier ts ${r.ts} is ${r.phase}`
    return true
  })
  return found
}

/**
 * 000 5.7.5: "By adding heavy lock entries into all per page queues, it is assured that no
 * task attempting to acquire a lock on a per page queue is successful until all heavy atomic
 * operations that have higher time precedence have completed." A step property: when a page
 * lock is granted, no heavy request with an earlier timestamp (ties by kernel, the queues'
 * order) is pending: one has completed when its holder has released it.
 */
export function heavyPrecedence(s: LamportState, a: LamportAction): Check {
  return earlierPending(s, a, heavyBeforePage)
}

const heavyBeforePage = (granted: number, other: number): boolean => granted !== HEAVY && other === HEAVY

/**
 * Grants follow timestamp order: LDMEA's queues are "ordered by time-stamp" and a party
 * gains the resource when "its request is at the front of the queue" (000 5.7.4); 5.7.5
 * states it for page locks and heavy operations (`heavyPrecedence`). A step property: when a
 * lock is granted, no conflicting request (the same page, or either one heavy) with an
 * earlier timestamp is pending.
 */
export function grantsInTimestampOrder(s: LamportState, a: LamportAction): Check {
  return earlierPending(s, a, conflict)
}

function ordered(q: readonly QueueEntry[]): boolean {
  for (let i = 1; i < q.length; i++) if (!before(q[i - 1]!, q[i]!)) return false
  return true
}

/** Every queue is in timestamp order (ties by kernel), without duplicates. */
export function queuesOrdered(s: LamportState): Check {
  // indices and keys, not entries: an array made for each kernel and page, at every state
  for (let k = 0; k < s.kernels.length; k++) {
    const { heavy, pages } = s.kernels[k]!.queues
    if (!ordered(heavy)) return `kernel ${k}: heavy queue out of order`
    for (const p of pages.keys()) if (!ordered(pages.get(p)!)) return `kernel ${k}: queue of page ${p} out of order`
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

export const lamportStepProperties = { heavyPrecedence, grantsInTimestampOrder }

/** A thread between its request and its grant. */
const REQUESTING: ReadonlySet<string> = new Set(['locked', 'fetched', 'stamped', 'requesting', 'sent', 'waiting'])

/**
 * Liveness: every request is eventually granted. Seed 000, 5.7.4 (LDMEA): "Once P_x sends
 * its REQUEST message, [it] waits for REQUEST(T_a, R_i) to get to the front of Q(x)_Ri. A
 * party has gained critical access to resource R_i once its request is at the front of the
 * queue"; 5.7.5: a heavy lock "is not acquired until its corresponding entry is at the front
 * of every queue for the process". `requestGranted[kernel k]` (or `[kernel k thread t]`):
 * whenever that thread has begun a request, it later holds the lock. Checked under fair
 * delivery and fair threads (`lamportFairness`): weak fairness of `channel *` and `kernel *`.
 */
export function lamportLiveness(p: Pick<LamportParams, 'threads'>, s0: LamportState) {
  const threads = allRequests(s0).map(({ kernel, thread }) => ({ kernel, thread }))
  const phase = (s: LamportState, t: { kernel: number; thread: number }) => s.kernels[t.kernel]!.threads[t.thread]!.phase
  return {
    liveness: {
      requestGranted: forEach(
        threads,
        (t) => threadName(p as LamportParams, t.kernel, t.thread),
        (t) =>
          leadsTo<LamportState>(
            (s) => REQUESTING.has(phase(s, t)),
            (s) => phase(s, t) === 'holding',
          ),
      ),
    },
  }
}

/**
 * Fairness units of the lamport model: the delivery of a message on the channel from
 * kernel i to kernel j counts for `channel i→j` (the messaging layer delivers what was
 * sent); a thread's steps for the thread (`kernel k`, or `kernel k thread t`).
 */
export function lamportFairness(p: Pick<LamportParams, 'threads'>) {
  return (a: LamportAction): string[] => [a.type === 'deliver' ? `channel ${a.from}→${a.to}` : threadName(p as LamportParams, a.kernel, a.thread)]
}
