/**
 * `lamport`: Popcorn's Lamport locks alone, over its kernels and messaging layer (seed
 * 000_e5bbc95a2ea9d194.txt, 5.7.4-5.7.5; messaging 4.8 and seed 002_1b73c818e9b10511.txt,
 * 4.5). One distributed process; resources are its `pages` per-page locks and, with
 * `heavy`, its heavy lock. Each of the first `requesters` kernels runs a thread that takes
 * `requests` locks one after the other, on a resource it picks each time.
 *
 * Acquire (the spec's reading, as in Lamport's algorithm): take a timestamp from the shared
 * clock with fetch-and-add, enter the request in the local queue, send REQUEST to every
 * other kernel; each receiver enters it and answers ACK. The lock is held with an ACK from
 * every other kernel and the request at the head of the local queue(s). Release: remove
 * the entry and send RELEASE to all; receivers remove it. 2(K-1) messages to acquire,
 * K-1 to release.
 *
 * Readings the thesis leaves open, as parameters:
 * - `atomicTimestamp` (default false): in Popcorn the fetch-and-add runs in the faulting
 *   thread and message handlers in a work queue, so a handler may run between taking the
 *   timestamp and enqueueing/sending the REQUEST (two steps). True makes it one step.
 * - `atomicBroadcast` (default true): "send to all" is one step, or K-1 steps.
 * - `gcCountsHeavyCopies` (default false): see lamport-queues.ts.
 * And one change the checker motivated (not in Popcorn): `deferAcks` (default false): a
 * kernel whose own request is stamped earlier but not yet sent to a requester holds that
 * requester's ACK until its own REQUEST has gone out on the same channel.
 *
 * Mutations: `noHeavyMirror` (heavy entries are not copied into per-page queues),
 * `unorderedChannels` (a channel may deliver any of its messages), `noAckWait` (enter at
 * the head of the local queue without waiting for ACKs: the text of 5.7.4 read literally,
 * "A party has gained critical access to resource Ri once its request is at the front of
 * the queue"), `noCopyOnCreate` (a per-page queue created later does not receive the heavy
 * entries), `appendQueue` (entries appended, not in timestamp order), `noGc` (per-page
 * queues never collected).
 *
 * The message counters are left out of the fingerprint (`view`): no rule reads them.
 */
import { match } from 'ts-pattern'
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'
import { HEAVY, emptyQueues, type ProcessQueues, type QueueOptions } from './popcorn/lamport-queues.ts'
import {
  LOCK_MSG_KINDS,
  emptyLockKernel,
  enqueueAndSend,
  enter,
  handleLockMessage,
  idleRequest,
  lockStep,
  release,
  sendNext,
  startRequest,
  type LockKernel,
  type LockMsg,
  type LockMsgKind,
  type LockOptions,
  type LockRequest,
  type LockSite,
} from './popcorn/lamport-lock.ts'
import { deliverable, drained, emptyMessaging, take, type Messaging } from './popcorn/messaging.ts'

export type LamportMsgKind = LockMsgKind
export const LAMPORT_MSG_KINDS = LOCK_MSG_KINDS
export type LamportMsg = LockMsg<number>
export type RequesterPhase = LockRequest<number>['phase']

/** The requesting thread of one kernel: its lock request, and how many locks it has left to take. */
export interface Requester extends LockRequest<number> {
  readonly left: number
}

export interface LamportKernel extends LockKernel<number> {
  readonly req: Requester
  readonly queues: ProcessQueues
}

export interface LamportState {
  readonly clock: number
  readonly kernels: readonly LamportKernel[]
  readonly net: Messaging<LamportMsg>
}

export type LamportAction =
  | { readonly type: 'request'; readonly kernel: number; readonly res: number }
  | { readonly type: 'enqueue'; readonly kernel: number }
  | { readonly type: 'send'; readonly kernel: number; readonly to: number; readonly kind: LamportMsgKind }
  | { readonly type: 'enter'; readonly kernel: number }
  | { readonly type: 'release'; readonly kernel: number }
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
  readonly atomicTimestamp: boolean
  readonly atomicBroadcast: boolean
  readonly gcCountsHeavyCopies: boolean
  readonly deferAcks: boolean
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
      atomicTimestamp: p.atomicTimestamp,
      atomicBroadcast: p.atomicBroadcast,
      deferAcks: p.deferAcks,
      waitForAcks: !mutations.has('noAckWait'),
    },
  }
}

/** The lock a kernel's thread holds: its resource, or undefined. */
export function heldBy(s: LamportState, k: number): number | undefined {
  const r = s.kernels[k]!.req
  return r.phase === 'holding' ? r.res : undefined
}

/** Every message delivered and no broadcast half done. */
export function quiescent(s: LamportState): boolean {
  return drained(s.net) && s.kernels.every((k) => k.req.phase !== 'requesting' && k.req.phase !== 'releasing')
}

export function finished(s: LamportState): boolean {
  return quiescent(s) && s.kernels.every((k) => k.req.phase === 'idle' && k.req.left === 0)
}

/** Where the lock rules find this model's state: one process, one thread per kernel. */
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
    requests: (d, k) => [d.kernels[k]!.req],
    sharedClock: (d) => d,
  }
}

export function lamportRules(p: LamportParams, mutations: ReadonlySet<string>): ModelRules<LamportState, LamportAction> {
  const c = lamportConfig(p, mutations)
  const { K } = c
  const site = lamportSite(c)
  const resources = [...Array.from({ length: p.pages }, (_, i) => i), ...(p.heavy ? [HEAVY] : [])]
  if (resources.length === 0) throw new Error('lamport: no resource to lock (pages=0 and heavy=false)')
  const req = (d: Draft<LamportState>, k: number) => d.kernels[k]!.req

  return {
    name: 'lamport',
    init: () => [
      {
        clock: 0,
        kernels: Array.from({ length: K }, (_, k) => ({
          req: { ...idleRequest(0), left: k < p.requesters ? p.requests : 0 },
          queues: emptyQueues(),
          ...emptyLockKernel<number>(),
        })),
        net: emptyMessaging<LamportMsg>(K, LAMPORT_MSG_KINDS),
      },
    ],
    actions(s) {
      const out: LamportAction[] = []
      s.kernels.forEach((kern, kernel) => {
        const r = kern.req
        if (r.phase === 'idle') {
          if (r.left > 0) for (const res of resources) out.push({ type: 'request', kernel, res })
          return
        }
        const step = lockStep(c.lock, K, kern.queues, r.res, kernel, r)
        if (step === undefined) return
        if (step.step === 'send') out.push({ type: 'send', kernel, to: step.to, kind: step.kind })
        else out.push({ type: step.step, kernel })
      })
      for (const del of deliverable(s.net, c.unordered)) {
        const m = s.net.channels[del.from * K + del.to]![del.index]!
        out.push({ type: 'deliver', ...del, kind: m.kind, res: m.res, ts: m.ts })
      }
      return out
    },
    next: reducer<LamportState, LamportAction>((d, a) => {
      match(a)
        .with({ type: 'request' }, ({ kernel, res }) => startRequest(site, d, kernel, req(d, kernel), res))
        .with({ type: 'enqueue' }, ({ kernel }) => enqueueAndSend(site, d, kernel, req(d, kernel)))
        .with({ type: 'send' }, ({ kernel, to, kind }) => {
          if (kind === 'ACK') throw new Error('lamport: ACKs are sent by the handler')
          sendNext(site, d, kernel, req(d, kernel), to, kind)
        })
        .with({ type: 'enter' }, ({ kernel }) => enter(req(d, kernel)))
        .with({ type: 'release' }, ({ kernel }) => {
          req(d, kernel).left--
          release(site, d, kernel, req(d, kernel))
        })
        .with({ type: 'deliver' }, (del) => handleLockMessage(site, d, del.to, del.from, take(d.net, del)))
        .exhaustive()
    }),
    terminal: finished,
    view: (s) => ({ clock: s.clock, kernels: s.kernels, channels: s.net.channels }),
    actionTypes: [
      'request',
      ...(p.atomicTimestamp ? [] : ['enqueue']),
      ...(p.atomicBroadcast ? [] : ['send']),
      'enter',
      'release',
      'deliver',
    ],
    actor: (a) => `kernel ${a.type === 'deliver' ? a.to : a.kernel}`,
    describe: (a) =>
      match(a)
        .with({ type: 'request' }, ({ kernel, res }) => `kernel ${kernel}: request ${resName(res)} (fetch-and-add a timestamp)`)
        .with({ type: 'send' }, ({ kernel, to, kind }) => `kernel ${kernel}: send ${kind} to kernel ${to}`)
        .with(
          { type: 'deliver' },
          ({ from, to, index, kind, res, ts }) =>
            `kernel ${to}: handle ${kind}(${resName(res)}, ts ${ts}) from kernel ${from}${index > 0 ? ` (message ${index} of the channel)` : ''}`,
        )
        .otherwise(({ type, kernel }) => `kernel ${kernel}: ${type}`),
  }
}

export function resName(res: number): string {
  return res === HEAVY ? 'heavy' : `page ${res}`
}
