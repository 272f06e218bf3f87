/**
 * `lamport`: Popcorn's Lamport locks alone, over its kernels and messaging layer (seed
 * 000_e5bbc95a2ea9d194.txt, 5.7.4-5.7.5; messaging 4.8 and seed 002_1b73c818e9b10511.txt,
 * 4.5). One distributed process; resources are its `pages` per-page locks and, with
 * `heavy`, its heavy lock. Each of the first `requesters` kernels runs `threads` threads,
 * each taking `requests` locks one after the other, on a resource it picks each time
 * (5.7.5: "no kernel instance (even another task on this kernel instance) can operate on
 * the address space"). The protocol's rules are `popcorn/lamport-lock.ts`, shared with
 * `popcorn`.
 *
 * Acquire (as in Lamport's algorithm): take a timestamp, enter the request in the local
 * queue, send REQUEST to every other kernel; each receiver enters it and answers ACK. The
 * lock is held with an ACK from every other kernel and the request at the head of the local
 * queue(s). Release: remove the entry and send RELEASE to all; receivers remove it. 2(K-1)
 * messages to acquire, K-1 to release.
 *
 * Why mutual exclusion is lost in the faithful reading: a kernel instance may be several
 * cores (000 4.8, "a cluster of x86 64bit cores") and its message handlers run in a work
 * queue (4.8, "The top-half, which executes within a workqueue context"), so the requesting
 * thread and the REQUEST handler of one kernel run concurrently. Lamport's algorithm assumes
 * the request event (take the timestamp, send to all) is atomic within a sequential process;
 * here a handler can ACK a later request between the two, and that ACK overtakes the own
 * REQUEST on the FIFO channel. The clock is not the cause: with `clocks=perKernel` (classic
 * Lamport clocks) the same interleaving breaks mutual exclusion.
 *
 * Readings the thesis leaves open, as parameters:
 * - `atomicTimestamp` (default false): in Popcorn the fetch-and-add runs in the faulting
 *   thread and message handlers in a work queue, so a handler may run between taking the
 *   timestamp and enqueueing/sending the REQUEST (two steps). True makes it one step.
 * - `atomicBroadcast` (default true): "send to all" is one step, or K-1 steps.
 * - `clocks` (default `shared`): the shared counter of 5.7.4, or per-kernel Lamport clocks.
 * - `gcCountsHeavyCopies` (default false): see lamport-queues.ts.
 * Two changes the checker motivated (not in Popcorn), see lamport-lock.ts:
 * - `deferAcks`: a kernel whose own request is stamped earlier but not yet sent to a
 *   requester holds that requester's ACK. The handler reads the own timestamp, so storing it
 *   is a step of its own after the fetch-and-add; in between the handler cannot see it.
 * - `requestLock`: a per-kernel lock held by the requesting thread from before its
 *   fetch-and-add until its REQUEST has gone to every kernel, and taken by the REQUEST
 *   handler: the request event is atomic again with respect to the kernel's handler and its
 *   other threads.
 *
 * Mutations: `noHeavyMirror` (heavy entries are not copied into per-page queues),
 * `unorderedChannels` (a channel may deliver any of its messages), `noAckWait` (enter at
 * the head of the local queue without waiting for ACKs: the text of 5.7.4 read literally,
 * "A party has gained critical access to resource Ri once its request is at the front of
 * the queue"), `noCopyOnCreate` (a per-page queue created later does not receive the heavy
 * entries), `appendQueue` (entries appended, not in timestamp order), `noGc` (per-page
 * queues never collected).
 *
 * The message counters are hidden fields (`view: hiding(...)`, as Promela's `hidden`): left out
 * of the fingerprint, since no rule reads them.
 */
import { match } from 'ts-pattern'
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { hiding } from '../checker/hidden.ts'
import { reducer } from '../checker/reducer.ts'
import { HEAVY, emptyQueues, type ProcessQueues, type QueueOptions } from './popcorn/lamport-queues.ts'
import {
  LOCK_MSG_KINDS,
  emptyLockKernel,
  handleLockMessage,
  idleRequest,
  lockStep,
  mayHandle,
  mayStart,
  startRequest,
  takeLockStep,
  type ClockKind,
  type LockKernel,
  type LockMsg,
  type LockMsgKind,
  type LockOptions,
  type LockRequest,
  type LockSite,
  type LockStep,
} from './popcorn/lamport-lock.ts'
import { drained, emptyMessaging, forEachDeliverable, take, type Messaging } from './popcorn/messaging.ts'

export type LamportMsgKind = LockMsgKind
export const LAMPORT_MSG_KINDS = LOCK_MSG_KINDS
export type LamportMsg = LockMsg<number>

/** A requesting thread: its lock request, and how many locks it has left to take. */
export interface Requester extends LockRequest<number> {
  readonly left: number
}

export interface LamportKernel extends LockKernel<number> {
  readonly threads: readonly Requester[]
  readonly queues: ProcessQueues
}

export interface LamportState {
  /** The shared logical-clock word (000 5.7.4). */
  readonly clock: number
  readonly kernels: readonly LamportKernel[]
  readonly net: Messaging<LamportMsg>
}

/** A thread's own step: `lockStep`'s steps, plus `request` (start, on resource `res`). */
type ThreadStep = Exclude<LockStep['step'], 'send'>

export type LamportAction =
  | { readonly type: 'request'; readonly kernel: number; readonly thread: number; readonly res: number }
  | { readonly type: ThreadStep; readonly kernel: number; readonly thread: number }
  | {
      readonly type: 'send'
      readonly kernel: number
      readonly thread: number
      readonly to: number
      readonly kind: 'REQUEST' | 'RELEASE'
    }
  | {
      readonly type: 'deliver'
      readonly from: number
      readonly to: number
      readonly index: number
      /** The message, for readable traces (it is determined by the channel). */
      readonly kind: LamportMsgKind
      readonly res: number
      readonly ts: number
    }

export interface LamportParams {
  readonly kernels: number
  readonly pages: number
  readonly heavy: boolean
  readonly requests: number
  readonly requesters: number
  readonly threads: number
  readonly clocks: string
  readonly atomicTimestamp: boolean
  readonly atomicBroadcast: boolean
  readonly gcCountsHeavyCopies: boolean
  readonly deferAcks: boolean
  readonly requestLock: boolean
  readonly [k: string]: number | boolean | string
}

export interface LamportConfig {
  readonly K: number
  readonly queueOptions: QueueOptions
  readonly unordered: boolean
  readonly lock: LockOptions
}

export function lamportConfig(p: LamportParams, mutations: ReadonlySet<string>): LamportConfig {
  const queueOptions: QueueOptions = {
    mirrorHeavy: !mutations.has('noHeavyMirror'),
    copyOnCreate: !mutations.has('noCopyOnCreate'),
    ordered: !mutations.has('appendQueue'),
    collect: !mutations.has('noGc'),
    gcCountsHeavyCopies: p.gcCountsHeavyCopies,
  }
  return {
    K: p.kernels,
    queueOptions,
    unordered: mutations.has('unorderedChannels'),
    lock: {
      queues: queueOptions,
      clocks: p.clocks as ClockKind,
      atomicTimestamp: p.atomicTimestamp,
      atomicBroadcast: p.atomicBroadcast,
      deferAcks: p.deferAcks,
      requestLock: p.requestLock,
      waitForAcks: !mutations.has('noAckWait'),
    },
  }
}

/** Every thread's request, with where it runs. */
export function allRequests(s: LamportState): { kernel: number; thread: number; r: Requester }[] {
  const out: { kernel: number; thread: number; r: Requester }[] = []
  someRequest(s, (r, kernel, thread) => {
    out.push({ kernel, thread, r })
    return false
  })
  return out
}

/**
 * Does some thread's request satisfy `f` (given where the thread runs)? In loops, with no
 * list made: the properties ask at every state or grant.
 */
export function someRequest(s: LamportState, f: (r: Requester, kernel: number, thread: number) => boolean): boolean {
  for (let kernel = 0; kernel < s.kernels.length; kernel++) {
    const threads = s.kernels[kernel]!.threads
    for (let thread = 0; thread < threads.length; thread++) if (f(threads[thread]!, kernel, thread)) return true
  }
  return false
}

/** Does every thread's request satisfy `ok`? */
function everyRequest(s: LamportState, ok: (r: Requester) => boolean): boolean {
  return !someRequest(s, (r) => !ok(r))
}

const notMidBroadcast = (r: Requester): boolean => r.phase !== 'requesting' && r.phase !== 'releasing'
const done = (r: Requester): boolean => r.phase === 'idle' && r.left === 0

/** Every message delivered and no broadcast half done. */
export function quiescent(s: LamportState): boolean {
  return drained(s.net) && everyRequest(s, notMidBroadcast)
}

export function finished(s: LamportState): boolean {
  return quiescent(s) && everyRequest(s, done)
}

/** Where the lock rules find this model's state: one process, `threads` threads per kernel. */
function lamportSite(c: LamportConfig): LockSite<LamportState, number, LamportMsg> {
  return {
    kernels: c.K,
    options: c.lock,
    net: (d) => d.net,
    message: (m) => m,
    queues: (d, k) => d.kernels[k]!.queues,
    resource: (res) => res,
    sameResource: (a, b) => a === b,
    lockKernel: (d, k) => d.kernels[k]!,
    requests: (d, k) => d.kernels[k]!.threads,
    sharedClock: (d) => d,
  }
}

export function lamportRules(p: LamportParams, mutations: ReadonlySet<string>): ModelRules<LamportState, LamportAction> {
  const c = lamportConfig(p, mutations)
  const { K } = c
  const site = lamportSite(c)
  const resources = [...Array.from({ length: p.pages }, (_, i) => i), ...(p.heavy ? [HEAVY] : [])]
  if (resources.length === 0) throw new Error('lamport: no resource to lock (pages=0 and heavy=false)')
  const thread = (d: Draft<LamportState>, a: { kernel: number; thread: number }) => d.kernels[a.kernel]!.threads[a.thread]!

  return {
    name: 'lamport',
    init: () => [
      {
        clock: 0,
        kernels: Array.from({ length: K }, (_, k) => ({
          threads: Array.from({ length: k < p.requesters ? p.threads : 0 }, () => ({ ...idleRequest(0), left: p.requests })),
          queues: emptyQueues(),
          ...emptyLockKernel<number>(),
        })),
        net: emptyMessaging<LamportMsg>(K, LAMPORT_MSG_KINDS),
      },
    ],
    actions(s) {
      const out: LamportAction[] = []
      for (let kernel = 0; kernel < K; kernel++) {
        const kern = s.kernels[kernel]!
        for (let thread = 0; thread < kern.threads.length; thread++) {
          const r = kern.threads[thread]!
          if (r.phase === 'idle') {
            if (r.left > 0 && mayStart(c.lock, kern)) for (const res of resources) out.push({ type: 'request', kernel, thread, res })
            continue
          }
          const step = lockStep(c.lock, K, kern.queues, r.res, kernel, r)
          if (step === undefined) continue
          if (step.step === 'send') out.push({ type: 'send', kernel, thread, to: step.to, kind: step.kind })
          else out.push({ type: step.step, kernel, thread })
        }
      }
      forEachDeliverable(s.net, c.unordered, (from, to, index) => {
        const m = s.net.channels[from * K + to]![index]!
        if (mayHandle(c.lock, s.kernels[to]!, m)) out.push({ type: 'deliver', from, to, index, kind: m.kind, res: m.res, ts: m.ts })
      })
      return out
    },
    // a switch, not ts-pattern: `next` runs at every transition (README, "How the engine works")
    next: reducer<LamportState, LamportAction>((d, a) => {
      switch (a.type) {
        case 'request':
          return startRequest(site, d, a.kernel, thread(d, a), a.res)
        case 'deliver':
          return handleLockMessage(site, d, a.to, a.from, take(d.net, a))
        case 'send':
          return takeLockStep(site, d, a.kernel, thread(d, a), { step: 'send', to: a.to, kind: a.kind })
        default:
          if (a.type === 'release') thread(d, a).left--
          return takeLockStep(site, d, a.kernel, thread(d, a), { step: a.type })
      }
    }),
    terminal: finished,
    view: hiding(['net', 'sent']),
    actionTypes: [
      'request',
      ...(p.requestLock && !(p.atomicTimestamp && p.atomicBroadcast) ? ['unlock'] : []),
      ...(p.requestLock && !p.atomicTimestamp ? ['stamp'] : []),
      ...(p.deferAcks && !p.atomicTimestamp ? ['publish'] : []),
      ...(p.atomicTimestamp ? [] : ['enqueue']),
      ...(p.atomicBroadcast ? [] : ['send']),
      'enter',
      'release',
      'deliver',
    ],
    actor: (a) => (a.type === 'deliver' ? `kernel ${a.to}` : threadName(p, a.kernel, a.thread)),
    describe: (a) =>
      match(a)
        .with({ type: 'request' }, (a) => `${threadName(p, a.kernel, a.thread)}: request ${resName(a.res)} (${startWord(c.lock)})`)
        .with({ type: 'send' }, (a) => `${threadName(p, a.kernel, a.thread)}: send ${a.kind} to kernel ${a.to}`)
        .with(
          { type: 'deliver' },
          ({ from, to, index, kind, res, ts }) =>
            `kernel ${to}: handle ${kind}(${resName(res)}, ts ${ts}) from kernel ${from}${index > 0 ? ` (message ${index} of the channel)` : ''}`,
        )
        .otherwise((a) => `${threadName(p, a.kernel, a.thread)}: ${a.type}`),
  }
}

function startWord(o: LockOptions): string {
  if (o.requestLock && !(o.atomicTimestamp && o.atomicBroadcast)) return 'take the request lock'
  return o.clocks !== 'perKernel' ? 'fetch-and-add a timestamp' : "tick the kernel's clock"
}

/** "kernel 1", or "kernel 1 thread 0" when kernels run several requesting threads. */
export function threadName(p: LamportParams, kernel: number, thread: number): string {
  return p.threads > 1 ? `kernel ${kernel} thread ${thread}` : `kernel ${kernel}`
}

export function resName(res: number): string {
  return res === HEAVY ? 'heavy' : `page ${res}`
}
