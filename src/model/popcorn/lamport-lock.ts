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
 * 3. In `actions`: offer a new request when the thread wants a lock and `mayStart` says
 *    so; ask `lockStep` for the step a thread in a request may take next and offer it as
 *    the model's own action; offer a lock message at the head of a channel when
 *    `mayHandle` says so. In `next`: `startRequest`, `takeLockStep`, `handleLockMessage`
 *    on the immer draft.
 *    Start every kernel with `emptyLockKernel()` and every thread with `idleRequest(res)`.
 * The recipes only edit the draft (pure, no I/O); a thread's own work around its critical
 * section (fault handling, munmap, ...) is the model's. A request is known by (ts, kernel):
 * a kernel never takes one timestamp twice (with either clock), so several threads of one
 * kernel may request at once (000 5.7.5, "even another task on this kernel instance").
 *
 * Steps (`LockOptions`): the faithful reading takes the timestamp in one step and enqueues
 * and sends in the next (`atomicTimestamp=false`), a handler is one step (the top-half
 * handler, 000 4.8), and with `atomicBroadcast=false` every send is a step. Since a kernel
 * instance may be several cores running its threads and its work-queue handlers at once,
 * the request event is not atomic, and Lamport's algorithm loses mutual exclusion with
 * either clock (`lamport` finding). `requestLock` makes the request event atomic again with
 * respect to the kernel's REQUEST handler and other threads.
 */
import type { Draft } from 'immer'
import { fetchAndAdd } from './kernels.ts'
import { atHead, before, dequeue, enqueue, type ProcessQueues, type QueueOptions } from './lamport-queues.ts'
import { broadcast, send, type Messaging } from './messaging.ts'

export type LockMsgKind = 'REQUEST' | 'ACK' | 'RELEASE'
export const LOCK_MSG_KINDS: readonly LockMsgKind[] = ['REQUEST', 'ACK', 'RELEASE']

/**
 * A lock message: the request it is about is (res, ts) of the sender (ACK: of the
 * receiver). With per-kernel clocks it carries the sender's Lamport clock, `stamp`.
 */
export interface LockMsg<R> {
  readonly kind: LockMsgKind
  readonly res: R
  readonly ts: number
  readonly stamp?: number
}

/**
 * Where a thread is in one lock acquisition:
 * - `locked`: holds its kernel's request lock (`requestLock`), no timestamp yet;
 * - `fetched`: the fetch-and-add returned the timestamp into the thread's register, not yet
 *   stored where the handler can read it (only with `deferAcks`, whose handler reads it);
 * - `stamped`: the timestamp is taken (and, with `deferAcks`, published), not yet enqueued;
 * - `requesting` / `releasing`: broadcasting REQUEST / RELEASE one kernel at a time
 *   (`nextTo` is the next receiver);
 * - `sent`: REQUEST sent to all, the request lock still held;
 * - `waiting`: for ACKs and the head of the queue; `holding`: granted.
 */
export type LockPhase =
  | 'idle'
  | 'locked'
  | 'fetched'
  | 'stamped'
  | 'requesting'
  | 'sent'
  | 'waiting'
  | 'holding'
  | 'releasing'

/** Phases in which a request has its timestamp and has not been released. */
export const PENDING_PHASES: ReadonlySet<LockPhase> = new Set(['fetched', 'stamped', 'requesting', 'sent', 'waiting', 'holding'])

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
  /** The kernel's Lamport clock (`clocks: 'perKernel'`; 0 with the shared clock). */
  readonly clock: number
  /** The kernel's request lock (`requestLock`) is taken. */
  readonly locked: boolean
  readonly heldAcks: readonly HeldAck<R>[]
}

export type ClockKind = 'shared' | 'perKernel'

export interface LockOptions {
  readonly queues: QueueOptions
  /**
   * `shared`: the timestamp is a fetch-and-add on one word shared by all kernels (000
   * 5.7.4). `perKernel`: classic Lamport clocks, one per kernel: a request takes C := C+1
   * (an atomic increment: the kernel's threads share the word), every message carries its
   * sender's clock, a send ticks it (an ACK or RELEASE; a REQUEST carries its request's
   * timestamp), a handler sets C := max(C, stamp) + 1 on receipt. Default `shared`.
   */
  readonly clocks?: ClockKind
  /** Taking the timestamp, enqueueing and sending REQUEST are one step. */
  readonly atomicTimestamp: boolean
  /** "Send to all" is one step (else K-1 steps). */
  readonly atomicBroadcast: boolean
  /** A proposed fix: hold the ACK of a later request until the own REQUEST went to its sender. */
  readonly deferAcks: boolean
  /**
   * A proposed fix: a per-kernel lock the requesting thread takes before its fetch-and-add and
   * drops once its REQUEST has gone to every kernel, and the REQUEST handler also takes.
   * Default false.
   */
  readonly requestLock?: boolean
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
  return { clock: 0, locked: false, heldAcks: [] }
}

const allAcks = (K: number, self: number): number => ((1 << K) - 1) & ~(1 << self)

/** The request lock has steps of its own unless the whole request is one step anyway. */
function usesRequestLock(o: LockOptions): boolean {
  return o.requestLock === true && !(o.atomicTimestamp && o.atomicBroadcast)
}

/** May a thread of this kernel start a request now? (The request lock may be taken.) */
export function mayStart<R>(o: LockOptions, lk: LockKernel<R>): boolean {
  return !(usesRequestLock(o) && lk.locked)
}

/**
 * May the kernel's handler take this message now? A REQUEST handler spins while the request
 * lock is held (modelled as not enabled: a failed test-and-set changes nothing). Taking the
 * free lock, handling and dropping it are one step: no other step reads the lock but a
 * thread's attempt to take it, which would fail meanwhile, so nothing can tell the two apart.
 */
export function mayHandle<R>(o: LockOptions, lk: LockKernel<R>, m: LockMsg<R>): boolean {
  return !(usesRequestLock(o) && lk.locked && m.kind === 'REQUEST')
}

/** The next lock step a thread may take, read from the state (not a draft). */
export type LockStep =
  | { readonly step: 'stamp' }
  | { readonly step: 'publish' }
  | { readonly step: 'enqueue' }
  | { readonly step: 'send'; readonly to: number; readonly kind: 'REQUEST' | 'RELEASE' }
  | { readonly step: 'unlock' }
  | { readonly step: 'enter' }
  | { readonly step: 'release' }

/** The steps without arguments, made once (`lockStep` runs for every thread at every state). */
const STEP = {
  stamp: { step: 'stamp' },
  publish: { step: 'publish' },
  enqueue: { step: 'enqueue' },
  unlock: { step: 'unlock' },
  enter: { step: 'enter' },
  release: { step: 'release' },
} as const satisfies Record<string, LockStep>

/**
 * The lock step `r` (a thread of `kernel`) may take now, given the queues of its resource's
 * process on that kernel; undefined when idle (start with `startRequest`) or blocked.
 *
 * The grant is one step that reads the ACKs and the queue head; it is the same as reading
 * the ACKs first and the head after (ACKs only accumulate, so the decisive read is the
 * head's, the latest). A thread that read the head first could act on a stale head.
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
    case 'locked':
      return STEP.stamp
    case 'fetched':
      return STEP.publish
    case 'stamped':
      return STEP.enqueue
    case 'requesting':
    case 'releasing':
      return { step: 'send', to: r.nextTo, kind: r.phase === 'requesting' ? 'REQUEST' : 'RELEASE' }
    case 'sent':
      return STEP.unlock
    case 'waiting':
      return (!o.waitForAcks || r.acks === allAcks(K, kernel)) && atHead(queues, resource, r.ts, kernel) ? STEP.enter : undefined
    case 'holding':
      return STEP.release
    case 'idle':
      return undefined
  }
}

/** Applies a step `lockStep` returned. */
export function takeLockStep<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
  step: LockStep,
): void {
  switch (step.step) {
    case 'stamp':
      return stamp(site, d, kernel, r)
    case 'publish':
      r.phase = 'stamped'
      return
    case 'enqueue':
      return enqueueAndSend(site, d, kernel, r)
    case 'send':
      return sendNext(site, d, kernel, r, step.to, step.kind)
    case 'unlock':
      site.lockKernel(d, kernel).locked = false
      r.phase = 'waiting'
      return
    case 'enter':
      r.phase = 'holding'
      return
    case 'release':
      return release(site, d, kernel, r)
  }
}

/**
 * Starts acquiring `res` (the caller checked `mayStart`): takes the request lock, or
 * fetch-and-adds the timestamp; when atomic, also enqueues and sends.
 */
export function startRequest<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
  res: R,
): void {
  ;(r as { res: R }).res = res
  r.acks = 0
  if (usesRequestLock(site.options)) {
    site.lockKernel(d, kernel).locked = true
    r.phase = 'locked'
    if (!site.options.atomicTimestamp) return
  }
  stamp(site, d, kernel, r)
  if (site.options.atomicTimestamp) enqueueAndSend(site, d, kernel, r)
}

/** The timestamp: fetch-and-add on the shared word, or the kernel's clock ticked. */
function stamp<S, R, M extends { readonly kind: string }>(site: LockSite<S, R, M>, d: Draft<S>, kernel: number, r: Draft<LockRequest<R>>): void {
  const o = site.options
  if (o.clocks !== 'perKernel') r.ts = fetchAndAdd(site.sharedClock(d))
  else r.ts = ++site.lockKernel(d, kernel).clock
  r.phase = o.deferAcks && !o.atomicTimestamp ? 'fetched' : 'stamped'
}

/** A lock message from `from`, with its clock stamp when clocks are per kernel (a send ticks). */
function message<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  from: number,
  m: LockMsg<R>,
): M {
  if (site.options.clocks !== 'perKernel') return site.message(m)
  const stamp = m.kind === 'REQUEST' ? m.ts : ++site.lockKernel(d, from).clock
  return site.message({ ...m, stamp })
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

function requestSent(o: LockOptions): LockPhase {
  return usesRequestLock(o) ? 'sent' : 'waiting'
}

function startBroadcast<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  kernel: number,
  r: Draft<LockRequest<R>>,
  kind: 'REQUEST' | 'RELEASE',
): void {
  if (site.options.atomicBroadcast) {
    broadcast(site.net(d), kernel, message(site, d, kernel, { kind, res: r.res as R, ts: r.ts }))
    if (kind === 'REQUEST') for (let j = 0; j < site.kernels; j++) releaseAcks(site, d, kernel, j)
    r.phase = kind === 'REQUEST' ? requestSent(site.options) : 'idle'
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
  send(site.net(d), kernel, to, message(site, d, kernel, { kind, res: r.res as R, ts: r.ts }))
  if (kind === 'REQUEST') releaseAcks(site, d, kernel, to)
  let n = to + 1
  if (n === kernel) n++
  if (n < site.kernels) r.nextTo = n
  else {
    r.nextTo = 0
    r.phase = kind === 'REQUEST' ? requestSent(site.options) : 'idle'
  }
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

/**
 * Own request stamped (and published) earlier than (ts, from), its REQUEST not yet sent to
 * `from`. A timestamp still in the thread's register (`fetched`) is not seen.
 */
function ownRequestFirst<R>(r: LockRequest<R>, self: number, from: number, ts: number): boolean {
  const unsent = r.phase === 'stamped' || (r.phase === 'requesting' && from >= r.nextTo)
  return unsent && before({ ts: r.ts, kernel: self, heavy: false }, { ts, kernel: from, heavy: false })
}

/** `deferAcks`: the ACKs held for kernel j follow the REQUEST just sent to it. */
function releaseAcks<S, R, M extends { readonly kind: string }>(site: LockSite<S, R, M>, d: Draft<S>, k: number, j: number): void {
  const lk = site.lockKernel(d, k)
  const held = lk.heldAcks as HeldAck<R>[]
  // nothing held (always so without deferAcks): no arrays made, at every REQUEST broadcast
  if (held.length === 0) return
  for (const h of held.filter((x) => x.to === j)) send(site.net(d), k, j, message(site, d, k, { kind: 'ACK', res: h.res, ts: h.ts }))
  lk.heldAcks = held.filter((x) => x.to !== j) as Draft<HeldAck<R>>[]
}

/**
 * The handler of a lock message from `from`, run on kernel `to` (the caller checked
 * `mayHandle`). With per-kernel clocks it first moves the kernel's clock past the stamp.
 */
export function handleLockMessage<S, R, M extends { readonly kind: string }>(
  site: LockSite<S, R, M>,
  d: Draft<S>,
  to: number,
  from: number,
  m: LockMsg<R>,
): void {
  if (site.options.clocks === 'perKernel') {
    const lk = site.lockKernel(d, to)
    lk.clock = Math.max(lk.clock, m.stamp ?? 0) + 1
  }
  switch (m.kind) {
    case 'REQUEST': {
      enqueue(site.queues(d, to, m.res), site.resource(m.res), { ts: m.ts, kernel: from }, site.options.queues)
      const mine = site.requests(d, to) as readonly LockRequest<R>[]
      if (site.options.deferAcks && mine.some((r) => ownRequestFirst(r, to, from, m.ts))) {
        ;(site.lockKernel(d, to).heldAcks as HeldAck<R>[]).push({ to: from, res: m.res, ts: m.ts })
      } else {
        send(site.net(d), to, from, message(site, d, to, { kind: 'ACK', res: m.res, ts: m.ts }))
      }
      break
    }
    case 'ACK':
      // The request it answers: pending (a thread between requests keeps a stale ts).
      for (const r of site.requests(d, to)) {
        if (PENDING_PHASES.has(r.phase) && r.ts === m.ts && site.sameResource(r.res as R, m.res)) r.acks |= 1 << from
      }
      break
    case 'RELEASE':
      dequeue(site.queues(d, to, m.res), site.resource(m.res), m.ts, from, site.options.queues)
      break
  }
}
