/**
 * Lamport's distributed mutual exclusion as Popcorn uses it (seed
 * 000_e5bbc95a2ea9d194.txt, 5.7.4 "Concurrent Mapping Retrieval" and 5.7.5 "Virtual Memory
 * Area Modification"): the queues one kernel keeps for one distributed process.
 *
 * - A per-page queue exists on demand: created when the kernel needs the page's lock or
 *   receives a REQUEST for it, garbage collected when it holds no REQUEST entries.
 * - One heavy queue per process. A heavy entry is also entered, in timestamp order, into
 *   every per-page queue that exists; a per-page queue created later receives a copy of
 *   every heavy entry; removing a heavy entry removes it everywhere.
 * - A page lock is held when the holder's entry heads that page's queue; the heavy lock
 *   when its entry heads the heavy queue and every per-page queue.
 *
 * Whether heavy copies count as REQUEST entries for garbage collection is left open by the
 * thesis: parameter `gcCountsHeavyCopies` (false: a queue holding only heavy copies is
 * collected, since the heavy queue can always copy them in again).
 *
 * These are immer recipe helpers over a draft of `ProcessQueues`.
 */
import type { Draft } from 'immer'

/** The heavy lock's resource id; pages are 0, 1, ... */
export const HEAVY = -1

export interface QueueEntry {
  readonly ts: number
  readonly kernel: number
  /** A heavy request (in the heavy queue, or its copy in a per-page queue). */
  readonly heavy: boolean
}

export interface ProcessQueues {
  readonly heavy: readonly QueueEntry[]
  /** The per-page queues that exist on this kernel, by page. */
  readonly pages: ReadonlyMap<number, readonly QueueEntry[]>
}

export interface QueueOptions {
  /** Mutation `noHeavyMirror`: heavy entries are never copied into per-page queues. */
  readonly mirrorHeavy: boolean
  /** Mutation `noCopyOnCreate`: a per-page queue created later gets no heavy entries. */
  readonly copyOnCreate: boolean
  /** Mutation `appendQueue`: entries are appended, not put in timestamp order. */
  readonly ordered: boolean
  /** Mutation `noGc`: per-page queues are never garbage collected. */
  readonly collect: boolean
  readonly gcCountsHeavyCopies: boolean
}

export function emptyQueues(): ProcessQueues {
  return { heavy: [], pages: new Map() }
}

export function before(a: QueueEntry, b: QueueEntry): boolean {
  return stampedBefore(a.ts, a.kernel, b.ts, b.kernel)
}

/** The queues' order on requests stamped `ts` by `kernel`: timestamp, then kernel. */
export function stampedBefore(ts: number, kernel: number, otherTs: number, otherKernel: number): boolean {
  return ts < otherTs || (ts === otherTs && kernel < otherKernel)
}

function insertOrdered(q: QueueEntry[], e: QueueEntry, o: QueueOptions): void {
  let i = q.length
  if (o.ordered) while (i > 0 && before(e, q[i - 1]!)) i--
  const entry = { heavy: e.heavy, kernel: e.kernel, ts: e.ts }
  if (i === q.length) q.push(entry)
  else q.splice(i, 0, entry)
}

function removeEntry(q: QueueEntry[], ts: number, kernel: number): void {
  for (let i = 0; i < q.length; i++) {
    const e = q[i]!
    if (e.ts === ts && e.kernel === kernel) {
      if (i === 0) q.shift()
      else q.splice(i, 1)
      return
    }
  }
}

/** The page's queue, created (with copies of the heavy entries) when it does not exist. */
function pageQueue(d: Draft<ProcessQueues>, page: number, o: QueueOptions): QueueEntry[] {
  let q = d.pages.get(page) as QueueEntry[] | undefined
  if (q === undefined) {
    d.pages.set(page, o.mirrorHeavy && o.copyOnCreate ? d.heavy.map((e) => ({ ...e })) : [])
    inKeyOrder(d.pages as Map<number, unknown>, page)
    q = d.pages.get(page) as QueueEntry[]
  }
  return q
}

/**
 * Moves the entries of the pages above `page`, just added last, after it: the Map then
 * holds its pages in order, as its canonical form does (canonical.ts), and the explorer
 * needs no canonical copy of the state. The order of a Map's entries is not part of a
 * state, so this changes no state.
 */
function inKeyOrder(pages: Map<number, unknown>, page: number): void {
  let later: number[] | undefined
  for (const k of pages.keys()) if (k > page) (later ??= []).push(k)
  if (later === undefined) return
  for (const k of later) {
    const q = pages.get(k)
    pages.delete(k)
    pages.set(k, q)
  }
}

/** Enters a request for `res` (a page, or HEAVY) into this kernel's queues. */
export function enqueue(d: Draft<ProcessQueues>, res: number, e: Omit<QueueEntry, 'heavy'>, o: QueueOptions): void {
  if (res === HEAVY) {
    // entries written out in the canonical key order (canonical.ts): a spread that adds a
    // key is slow, and a record out of order costs the explorer a canonical copy
    const entry = { heavy: true, kernel: e.kernel, ts: e.ts }
    insertOrdered(d.heavy as QueueEntry[], entry, o)
    if (o.mirrorHeavy) for (const q of d.pages.values()) insertOrdered(q as QueueEntry[], entry, o)
  } else {
    insertOrdered(pageQueue(d, res, o), { heavy: false, kernel: e.kernel, ts: e.ts }, o)
  }
}

/** Removes a request for `res` everywhere on this kernel, then collects empty page queues. */
export function dequeue(d: Draft<ProcessQueues>, res: number, ts: number, kernel: number, o: QueueOptions): void {
  if (res === HEAVY) {
    removeEntry(d.heavy as QueueEntry[], ts, kernel)
    for (const q of d.pages.values()) removeEntry(q as QueueEntry[], ts, kernel)
  } else {
    const q = d.pages.get(res) as QueueEntry[] | undefined
    if (q !== undefined) removeEntry(q, ts, kernel)
  }
  collect(d, o)
}

function collect(d: Draft<ProcessQueues>, o: QueueOptions): void {
  if (!o.collect) return
  // the pages to drop are found first, then dropped: no Map is edited while it is walked
  let dead: number[] | undefined
  for (const [p, q] of d.pages) if (!holdsRequest(q, o)) (dead ??= []).push(p)
  if (dead !== undefined) for (const p of dead) d.pages.delete(p)
}

/** Does a page queue hold a REQUEST entry (a heavy copy counts with `gcCountsHeavyCopies`)? */
function holdsRequest(q: readonly QueueEntry[], o: QueueOptions): boolean {
  for (let i = 0; i < q.length; i++) if (!q[i]!.heavy || o.gcCountsHeavyCopies) return true
  return false
}

function heads(q: readonly QueueEntry[] | undefined, ts: number, kernel: number): boolean {
  const h = q?.[0]
  return h !== undefined && h.ts === ts && h.kernel === kernel
}

/** Does the request (res, ts, kernel) hold its lock on this kernel's queues? */
export function atHead(q: ProcessQueues, res: number, ts: number, kernel: number): boolean {
  if (res !== HEAVY) return heads(q.pages.get(res), ts, kernel)
  if (!heads(q.heavy, ts, kernel)) return false
  for (const pq of q.pages.values()) if (!heads(pq, ts, kernel)) return false
  return true
}

/**
 * What a kernel's queue for `page` holds, or would hold if it were created now (the
 * heavy entries it would copy): how two kernels' page queues are compared.
 */
export function effectivePageQueue(q: ProcessQueues, page: number, o: QueueOptions): readonly QueueEntry[] {
  return q.pages.get(page) ?? (o.mirrorHeavy ? q.heavy : [])
}
