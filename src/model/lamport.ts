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
import { fetchAndAdd } from './popcorn/kernels.ts'
import {
  HEAVY,
  atHead,
  before,
  dequeue,
  emptyQueues,
  enqueue,
  type ProcessQueues,
  type QueueOptions,
} from './popcorn/lamport-queues.ts'
import { broadcast, deliverable, drained, emptyMessaging, send, take, type Messaging } from './popcorn/messaging.ts'

export type LamportMsgKind = 'REQUEST' | 'ACK' | 'RELEASE'
export const LAMPORT_MSG_KINDS: readonly LamportMsgKind[] = ['REQUEST', 'ACK', 'RELEASE']

export interface LamportMsg {
  readonly kind: LamportMsgKind
  readonly res: number
  readonly ts: number
}

/**
 * The requesting thread of one kernel. `stamped`: took a timestamp, not yet enqueued;
 * `requesting` / `releasing`: broadcasting REQUEST / RELEASE one kernel at a time
 * (`nextTo` is the next receiver); `waiting`: for ACKs and the head of the queue.
 */
export type RequesterPhase = 'idle' | 'stamped' | 'requesting' | 'waiting' | 'holding' | 'releasing'

export interface Requester {
  readonly phase: RequesterPhase
  readonly res: number
  readonly ts: number
  /** Bit k set: kernel k has acknowledged the current request. */
  readonly acks: number
  readonly nextTo: number
  readonly left: number
}

/** An ACK held back (`deferAcks`) until the own REQUEST has been sent to `to`. */
export interface HeldAck {
  readonly to: number
  readonly res: number
  readonly ts: number
}

export interface LamportKernel {
  readonly req: Requester
  readonly queues: ProcessQueues
  readonly heldAcks: readonly HeldAck[]
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
  readonly waitForAcks: boolean
}

export function lamportConfig(p: LamportParams, mutations: ReadonlySet<string>): LamportConfig {
  return {
    K: p.kernels,
    queueOptions: {
      mirrorHeavy: !mutations.has('noHeavyMirror'),
      copyOnCreate: !mutations.has('noCopyOnCreate'),
      ordered: !mutations.has('appendQueue'),
      collect: !mutations.has('noGc'),
      gcCountsHeavyCopies: p.gcCountsHeavyCopies,
    },
    unordered: mutations.has('unorderedChannels'),
    waitForAcks: !mutations.has('noAckWait'),
  }
}

const allAcks = (K: number, self: number): number => ((1 << K) - 1) & ~(1 << self)

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

export function lamportRules(p: LamportParams, mutations: ReadonlySet<string>): ModelRules<LamportState, LamportAction> {
  const c = lamportConfig(p, mutations)
  const { K } = c
  const resources = [...Array.from({ length: p.pages }, (_, i) => i), ...(p.heavy ? [HEAVY] : [])]
  if (resources.length === 0) throw new Error('lamport: no resource to lock (pages=0 and heavy=false)')

  /** Enter the own request locally, then send REQUEST to all (or start sending). */
  function enqueueAndSend(d: Draft<LamportState>, k: number): void {
    const r = d.kernels[k]!.req
    enqueue(d.kernels[k]!.queues, r.res, { ts: r.ts, kernel: k }, c.queueOptions)
    startBroadcast(d, k, { kind: 'REQUEST', res: r.res, ts: r.ts }, 'waiting', 'requesting')
  }

  function startBroadcast(
    d: Draft<LamportState>,
    k: number,
    msg: LamportMsg,
    after: RequesterPhase,
    during: RequesterPhase,
  ): void {
    const r = d.kernels[k]!.req
    if (p.atomicBroadcast) {
      broadcast(d.net, k, msg)
      if (msg.kind === 'REQUEST') for (let j = 0; j < K; j++) releaseAcks(d, k, j)
      r.phase = after
    } else {
      r.phase = during
      r.nextTo = k === 0 ? 1 : 0
    }
  }

  /** Own request stamped earlier than (ts, from) and its REQUEST not yet sent to `from`. */
  function ownRequestFirst(r: Requester, self: number, from: number, ts: number): boolean {
    const unsent = r.phase === 'stamped' || (r.phase === 'requesting' && from >= r.nextTo)
    return unsent && before({ ts: r.ts, kernel: self, heavy: false }, { ts, kernel: from, heavy: false })
  }

  /** `deferAcks`: the ACKs held for kernel j follow the REQUEST just sent to it. */
  function releaseAcks(d: Draft<LamportState>, k: number, j: number): void {
    const held = d.kernels[k]!.heldAcks as HeldAck[]
    for (const h of held.filter((x) => x.to === j)) send(d.net, k, j, { kind: 'ACK', res: h.res, ts: h.ts })
    d.kernels[k]!.heldAcks = held.filter((x) => x.to !== j)
  }

  function handle(d: Draft<LamportState>, to: number, from: number, m: LamportMsg): void {
    const here = d.kernels[to]!
    match(m.kind)
      .with('REQUEST', () => {
        enqueue(here.queues, m.res, { ts: m.ts, kernel: from }, c.queueOptions)
        if (p.deferAcks && ownRequestFirst(here.req, to, from, m.ts)) {
          ;(here.heldAcks as HeldAck[]).push({ to: from, res: m.res, ts: m.ts })
        } else {
          send(d.net, to, from, { kind: 'ACK', res: m.res, ts: m.ts })
        }
      })
      .with('ACK', () => {
        if (here.req.ts === m.ts && here.req.res === m.res) here.req.acks |= 1 << from
      })
      .with('RELEASE', () => dequeue(here.queues, m.res, m.ts, from, c.queueOptions))
      .exhaustive()
  }

  return {
    name: 'lamport',
    init: () => [
      {
        clock: 0,
        kernels: Array.from({ length: K }, (_, k) => ({
          req: { phase: 'idle', res: 0, ts: 0, acks: 0, nextTo: 0, left: k < p.requesters ? p.requests : 0 },
          queues: emptyQueues(),
          heldAcks: [],
        })),
        net: emptyMessaging<LamportMsg>(K, LAMPORT_MSG_KINDS),
      },
    ],
    actions(s) {
      const out: LamportAction[] = []
      s.kernels.forEach((kern, kernel) => {
        const r = kern.req
        switch (r.phase) {
          case 'idle':
            if (r.left > 0) for (const res of resources) out.push({ type: 'request', kernel, res })
            break
          case 'stamped':
            out.push({ type: 'enqueue', kernel })
            break
          case 'requesting':
          case 'releasing':
            out.push({ type: 'send', kernel, to: r.nextTo, kind: r.phase === 'requesting' ? 'REQUEST' : 'RELEASE' })
            break
          case 'waiting':
            if ((!c.waitForAcks || r.acks === allAcks(K, kernel)) && atHead(kern.queues, r.res, r.ts, kernel)) {
              out.push({ type: 'enter', kernel })
            }
            break
          case 'holding':
            out.push({ type: 'release', kernel })
            break
        }
      })
      for (const del of deliverable(s.net, c.unordered)) {
        const m = s.net.channels[del.from * K + del.to]![del.index]!
        out.push({ type: 'deliver', ...del, kind: m.kind, res: m.res, ts: m.ts })
      }
      return out
    },
    next: reducer<LamportState, LamportAction>((d, a) => {
      match(a)
        .with({ type: 'request' }, ({ kernel, res }) => {
          const r = d.kernels[kernel]!.req
          r.res = res
          r.ts = fetchAndAdd(d)
          r.acks = 0
          r.phase = 'stamped'
          if (p.atomicTimestamp) enqueueAndSend(d, kernel)
        })
        .with({ type: 'enqueue' }, ({ kernel }) => enqueueAndSend(d, kernel))
        .with({ type: 'send' }, ({ kernel, to, kind }) => {
          const r = d.kernels[kernel]!.req
          send(d.net, kernel, to, { kind, res: r.res, ts: r.ts })
          if (kind === 'REQUEST') releaseAcks(d, kernel, to)
          let n = to + 1
          if (n === kernel) n++
          if (n < K) r.nextTo = n
          else {
            r.nextTo = 0
            r.phase = kind === 'REQUEST' ? 'waiting' : 'idle'
          }
        })
        .with({ type: 'enter' }, ({ kernel }) => {
          d.kernels[kernel]!.req.phase = 'holding'
        })
        .with({ type: 'release' }, ({ kernel }) => {
          const r = d.kernels[kernel]!.req
          dequeue(d.kernels[kernel]!.queues, r.res, r.ts, kernel, c.queueOptions)
          r.left--
          startBroadcast(d, kernel, { kind: 'RELEASE', res: r.res, ts: r.ts }, 'idle', 'releasing')
        })
        .with({ type: 'deliver' }, (del) => handle(d, del.to, del.from, take(d.net, del)))
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
