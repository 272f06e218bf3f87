/**
 * Lamport's distributed mutual exclusion as Popcorn runs it (seed 000_e5bbc95a2ea9d194.txt,
 * 5.7.4 "Concurrent Mapping Retrieval", 5.7.5 "Virtual Memory Area Modification"): the
 * protocol's rules, once, for every model that takes Popcorn's Lamport locks (`lamport`,
 * and `popcorn` for its `page(tg, vpage)` and `heavy(tg)` locks).
 *
 * Acquire: take a timestamp, enter the request in the local queue(s), send REQUEST to every
 * other kernel; each receiver enters it and answers ACK. A request is granted when it has an
 * ACK from every other kernel and heads its local queue(s) (`lamport-queues.ts`). Release:
 * remove the entry and send RELEASE to all; receivers remove it. 2(K-1) messages to acquire,
 * K-1 to release.
 *
 * How a model uses it:
 * 1. Keep, per thread that takes locks, a `LockRequest<R>` (R: the model's resource key,
 *    e.g. a page number, or `{ tg, res }`), and per kernel a `LockKernel<R>`. Keep the
 *    `ProcessQueues` wherever they belong (one per process per kernel).
 * 2. Describe where these live with a `LockSite`: the messaging layer, how a lock message is
 *    wrapped in the model's own message type (other kinds share the same channels), the
 *    queues of a resource's process on a kernel, every lock request of a kernel's threads.
 * 3. In `actions`, ask `lockStep(site, state, kernel, request)` for the step a thread may take
 *    next and offer it as the model's own action; in `next`, call the recipe of that step
 *    (`startRequest`, `enqueueAndSend`, `sendNext`, `enter`, `release`) on the immer draft.
 *    A lock message taken from a channel goes to `handleLockMessage`.
 * The recipes only edit the draft (pure, no I/O); a thread's own work around its critical
 * section (fault handling, munmap, ...) is the model's.
 */
import type { Draft } from 'immer'
import { fetchAndAdd } from './kernels.ts'
import { atHead, before, dequeue, enqueue, type ProcessQueues, type QueueOptions } from './lamport-queues.ts'
import { broadcast, send, type Messaging } from './messaging.ts'

export type LockMsgKind = 'REQUEST' | 'ACK' | 'RELEASE'
export const LOCK_MSG_KINDS: readonly LockMsgKind[] = ['REQUEST', 'ACK', 'RELEASE']

/** A lock message: the request it is about is (res, ts, sender) (ACK: receiver). */
export interface LockMsg<R> {
  readonly kind: LockMsgKind
  readonly res: R
  readonly ts: number
}

/**
 * Where a thread is in one lock acquisition. `stamped`: took a timestamp, not yet enqueued
 * (the timestamp is in the thread's register); `requesting` / `releasing`: broadcasting
 * REQUEST / RELEASE one kernel at a time (`nextTo` is the next receiver); `waiting`: for ACKs
 * and the head of the queue.
 */
export type LockPhase = 'idle' | 'stamped' | 'requesting' | 'waiting' | 'holding' | 'releasing'

export interface LockRequest<R> {
  readonly phase: LockPhase
  readonly res: R
  readonly ts: number
  /** Bit k set: kernel k has acknowledged the current request. */
  readonly acks: number
  readonly nextTo: number
}

/** An ACK held back (`deferAcks`) until the own REQUEST has been sent to `to`. */
export interface HeldAck<R> {
  readonly to: number
  readonly res: R
  readonly ts: number
}

/** A kernel's own lock state, besides its queues. */
export interface LockKernel<R> {
  readonly heldAcks: readonly HeldAck<R>[]
}

export interface LockOptions {
  readonly queues: QueueOptions
  /** Taking the timestamp, enqueueing and sending REQUEST are one step. */
  readonly atomicTimestamp: boolean
  /** "Send to all" is one step (else K-1 steps). */
  readonly atomicBroadcast: boolean
  /** A proposed fix: hold the ACK of a later request until the own REQUEST went to its sender. */
  readonly deferAcks: boolean
  /** False (mutation `noAckWait`): granted at the head of the local queue, without ACKs. */
  readonly waitForAcks: boolean
}

/** Where a model keeps what the lock rules read and write. */
export interface LockSite<S, R, M extends { readonly kind: string }> {
  readonly kernels: number
  readonly options: LockOptions
  net(d: Draft<S>): Draft<Messaging<M>>
  /** A lock message as the model's message type. */
  message(m: LockMsg<R>): M
  /** The queues of res's process on `kernel`. */
  queues(d: Draft<S>, kernel: number, res: R): Draft<ProcessQueues>
  /** res within its process's queues: a page number, or HEAVY. */
  resource(res: R): number
  sameResource(a: R, b: R): boolean
  lockKernel(d: Draft<S>, kernel: number): Draft<LockKernel<R>>
  /** The lock request of every thread on `kernel`. */
  requests(d: Draft<S>, kernel: number): readonly Draft<LockRequest<R>>[]
  /** The shared logical-clock word (000 5.7.4). */
  sharedClock(d: Draft<S>): { clock: number }
}

export function idleRequest<R>(res: R): LockRequest<R> {
  return { phase: 'idle', res, ts: 0, acks: 0, nextTo: 0 }
}

export function emptyLockKernel<R>(): LockKernel<R> {
  return { heldAcks: [] }
}

const allAcks = (K: number, self: number): number => ((1 << K) - 1) & ~(1 << self)

/** The next lock step a thread may take, read from the state (not a draft). */
export type LockStep =
  | { readonly step: 'enqueue' }
  | { readonly step: 'send'; readonly to: number; readonly kind: 'REQUEST' | 'RELEASE' }
  | { readonly step: 'enter' }
  | { readonly step: 'release' }

/**
 * The lock step `r` (a thread of `kernel`) may take now, given the queues of its resource's
 * process on that kernel; undefined when idle or blocked.
 */
export function lockStep<R>(
  o: LockOptions,
  K: number,
  queues: ProcessQueues,
  resource: number,
  kernel: number,
  r: LockRequest<R>,
): LockStep | undefined {
  switch (r.phase) {
    case 'stamped':
      return { step: 'enqueue' }
    case 'requesting':
    case 'releasing':
      return { step: 'send', to: r.nextTo, kind: r.phase === 'requesting' ? 'REQUEST' : 'RELEASE' }
    case 'waiting':
      return (!o.waitForAcks || r.acks === allAcks(K, kernel)) && atHead(queues, resource, r.ts, kernel)
        ? { step: 'enter' }
        : undefined
    case 'holding':
      return { step: 'release' }
    case 'idle':
      return undefined
  }
}

/** Starts acquiring `res`: fetch-and-add a timestamp (and, when atomic, enqueue and send). */
export function startRequest<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
  res: R,
): void {
  ;(r as { res: R }).res = res
  r.ts = fetchAndAdd(site.sharedClock(d))
  r.acks = 0
  r.phase = 'stamped'
  if (site.options.atomicTimestamp) enqueueAndSend(site, d, kernel, r)
}

/** Enter the own request locally, then send REQUEST to all (or start sending). */
export function enqueueAndSend<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
): void {
  const res = r.res as R
  enqueue(site.queues(d, kernel, res), site.resource(res), { ts: r.ts, kernel }, site.options.queues)
  startBroadcast(site, d, kernel, r, 'REQUEST')
}

function startBroadcast<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
  kind: 'REQUEST' | 'RELEASE',
): void {
  if (site.options.atomicBroadcast) {
    broadcast(site.net(d), kernel, site.message({ kind, res: r.res as R, ts: r.ts }))
    if (kind === 'REQUEST') for (let j = 0; j < site.kernels; j++) releaseAcks(site, d, kernel, j)
    r.phase = kind === 'REQUEST' ? 'waiting' : 'idle'
  } else {
    r.phase = kind === 'REQUEST' ? 'requesting' : 'releasing'
    r.nextTo = kernel === 0 ? 1 : 0
  }
}

/** One send of a REQUEST or RELEASE broadcast done one kernel at a time. */
export function sendNext<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
  to: number,
  kind: 'REQUEST' | 'RELEASE',
): void {
  send(site.net(d), kernel, to, site.message({ kind, res: r.res as R, ts: r.ts }))
  if (kind === 'REQUEST') releaseAcks(site, d, kernel, to)
  let n = to + 1
  if (n === kernel) n++
  if (n < site.kernels) r.nextTo = n
  else {
    r.nextTo = 0
    r.phase = kind === 'REQUEST' ? 'waiting' : 'idle'
  }
}

/** The request is granted (the caller checked `lockStep` said `enter`). */
export function enter<R>(r: Draft<LockRequest<R>>): void {
  r.phase = 'holding'
}

/** Remove the own entry, then send RELEASE to all (or start sending). */
export function release<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
): void {
  const res = r.res as R
  dequeue(site.queues(d, kernel, res), site.resource(res), r.ts, kernel, site.options.queues)
  startBroadcast(site, d, kernel, r, 'RELEASE')
}

/** Own request stamped earlier than (ts, from) and its REQUEST not yet sent to `from`. */
function ownRequestFirst<R>(r: LockRequest<R>, self: number, from: number, ts: number): boolean {
  const unsent = r.phase === 'stamped' || (r.phase === 'requesting' && from >= r.nextTo)
  return unsent && before({ ts: r.ts, kernel: self, heavy: false }, { ts, kernel: from, heavy: false })
}

/** `deferAcks`: the ACKs held for kernel j follow the REQUEST just sent to it. */
function releaseAcks<S, R, M extends { readonly kind: string }>(site: LockSite<S, R, M>, d: Draft<S>, k: number, j: number): void {
  const lk = site.lockKernel(d, k)
  const held = lk.heldAcks as HeldAck<R>[]
  for (const h of held.filter((x) => x.to === j)) send(site.net(d), k, j, site.message({ kind: 'ACK', res: h.res, ts: h.ts }))
  lk.heldAcks = held.filter((x) => x.to !== j) as Draft<HeldAck<R>>[]
}

/** The handler of a lock message from `from`, run on kernel `to`. */
export function handleLockMessage<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  to: number,
  from: number,
  m: LockMsg<R>,
): void {
  switch (m.kind) {
    case 'REQUEST': {
      enqueue(site.queues(d, to, m.res), site.resource(m.res), { ts: m.ts, kernel: from }, site.options.queues)
      const mine = site.requests(d, to) as readonly LockRequest<R>[]
      if (site.options.deferAcks && mine.some((r) => ownRequestFirst(r, to, from, m.ts))) {
        ;(site.lockKernel(d, to).heldAcks as HeldAck<R>[]).push({ to: from, res: m.res, ts: m.ts })
      } else {
        send(site.net(d), to, from, site.message({ kind: 'ACK', res: m.res, ts: m.ts }))
      }
      break
    }
    case 'ACK':
      for (const r of site.requests(d, to)) {
        if (r.ts === m.ts && site.sameResource(r.res as R, m.res)) r.acks |= 1 << from
      }
      break
    case 'RELEASE':
      dequeue(site.queues(d, to, m.res), site.resource(m.res), m.ts, from, site.options.queues)
      break
  }
}
