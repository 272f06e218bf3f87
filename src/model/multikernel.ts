/**
 * `multikernel`: TLB shootdown by message passing between per-core kernels, as Barrelfish
 * compares it (seed 003_82aa9e2661ed9b79.txt, slides on "The Multikernel", Figure 6
 * "Comparison of TLB shutdown protocols" and Figure 7 "Unmap latency on 8x4-core AMD";
 * the machine is Figure 2's "8x4-core AMD system").
 *
 * What the seed says: "All inter-core communication is performed using explicit
 * messages"; channels are a "Variant of URPC for cache coherent memory: region of shared
 * memory used as channel for cache-line-sized messages", "Implementation tailored to
 * cache-coherence protocol to minimize number of interconnect messages"; receivers "poll
 * incoming channels"; CPU drivers are "single-threaded and nonpreemptable" and
 * "Serially processes events"; the SKB knows the topology for "Selection of appropriate
 * message transports". The four protocols are named by Figure 6 only; our reading of each
 * (the one of the multikernel paper the slides summarize):
 * - `unicast`: the initiator (core 0) writes one message into each other core's
 *   point-to-point channel, one after the other; each core invalidates and acknowledges on
 *   its channel back.
 * - `broadcast`: the initiator writes one message into one channel shared by every core;
 *   each core reads that cache line, invalidates and acknowledges point-to-point.
 * - `multicast`: the initiator sends to the other cores of its own package and to one
 *   core per other package (the first of that package), in package order; that core
 *   forwards to the other cores of its package (they share its L3), collects their
 *   acknowledgements and sends one to the initiator.
 * - `numa-multicast`: the same tree, the initiator sending to the farthest packages first
 *   (most interconnect hops, Figure 2's topology, `hops`), its own package last.
 * Cores are filled package by package (`coresPerSocket` each) up to `cores`. Every step is
 * one core's: writing one message, handling one message (invalidate and, for a leaf, write
 * the acknowledgement), an aggregator's acknowledgement, the initiator's completion. The
 * unmap completes when the initiator holds every acknowledgement it waits for.
 *
 * Mutations: `earlyAggregateAck` (an aggregator acknowledges as soon as it has forwarded,
 * before its package's acknowledgements), `skipLastTarget` (the initiator's send loop stops
 * one target short and waits only for the acknowledgements of what it sent).
 */
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'
import { deliverable, drained, emptyMessaging, send, take, type Messaging } from './popcorn/messaging.ts'

export const PROTOCOLS = ['unicast', 'broadcast', 'multicast', 'numa-multicast'] as const
export type Protocol = (typeof PROTOCOLS)[number]

/** `idle` (not reached yet), `forward` (sending to its children), `collect` (waiting for acknowledgements), `done`. */
export type CorePhase = 'idle' | 'forward' | 'collect' | 'done'

export interface McCore {
  readonly tlb: boolean
  readonly phase: CorePhase
  /** Children sent to so far. */
  readonly sent: number
  readonly acks: number
  /** Has read the broadcast line. */
  readonly read: boolean
}

export interface McMsg {
  readonly kind: 'INV' | 'ACK'
}

export interface McState {
  readonly cores: readonly McCore[]
  readonly net: Messaging<McMsg>
  /** The broadcast channel's cache line holds the message. */
  readonly line: boolean
}

export type McAction =
  | { readonly type: 'start' | 'send' | 'ack' | 'complete' | 'readLine' | 'writeLine'; readonly core: number }
  | { readonly type: 'deliver'; readonly from: number; readonly to: number; readonly index: number; readonly kind: McMsg['kind'] }

export interface MultikernelParams {
  readonly protocol: string
  readonly sockets: number
  readonly coresPerSocket: number
  readonly cores: number
  readonly [k: string]: number | boolean | string
}

/**
 * Figure 2's node layout is a picture the seed's text does not carry. Assumed: the 8
 * packages as a ladder of two rows of four (0-1-2-3 over 4-5-6-7, rungs i to i+4), one
 * HyperTransport hop per link; hops by breadth-first search.
 */
export function hops(a: number, b: number): number {
  if (a === b) return 0
  const links = (n: number): number[] => [n % 4 > 0 ? n - 1 : -1, n % 4 < 3 ? n + 1 : -1, n < 4 ? n + 4 : n - 4].filter((x) => x >= 0 && x < 8)
  const dist = new Map([[a, 0]])
  const queue = [a]
  while (queue.length > 0) {
    const n = queue.shift()!
    for (const m of links(n)) {
      if (dist.has(m)) continue
      dist.set(m, dist.get(n)! + 1)
      if (m === b) return dist.get(m)!
      queue.push(m)
    }
  }
  return Infinity
}

/** The shootdown tree: each core's children in send order, and its parent (-1 for the initiator). */
export interface Tree {
  readonly children: readonly (readonly number[])[]
  readonly parent: readonly number[]
  readonly socket: (core: number) => number
}

export function shootdownTree(protocol: Protocol, cores: number, coresPerSocket: number, skipLast = false): Tree {
  const socket = (c: number): number => Math.floor(c / coresPerSocket)
  const all = Array.from({ length: cores }, (_, c) => c)
  const children: number[][] = all.map(() => [])
  const parent: number[] = all.map((c) => (c === 0 ? -1 : 0))
  if (protocol === 'unicast') children[0] = all.slice(1)
  if (protocol === 'multicast' || protocol === 'numa-multicast') {
    const sockets = [...new Set(all.map(socket))]
    const local = all.filter((c) => c !== 0 && socket(c) === 0)
    const heads = sockets.filter((s) => s !== 0).map((s) => all.find((c) => socket(c) === s)!)
    for (const h of heads) {
      children[h] = all.filter((c) => c !== h && socket(c) === socket(h))
      for (const c of children[h]!) parent[c] = h
    }
    const farFirst = [...heads].sort((x, y) => hops(socket(y), 0) - hops(socket(x), 0) || x - y)
    children[0] = protocol === 'multicast' ? [...local, ...heads] : [...farFirst, ...local]
  }
  if (skipLast && children[0]!.length > 0) children[0] = children[0]!.slice(0, -1)
  return { children, parent, socket }
}

export function multikernelRules(p: MultikernelParams, mutations: ReadonlySet<string>): ModelRules<McState, McAction> {
  const protocol = p.protocol as Protocol
  if (!PROTOCOLS.includes(protocol)) throw new Error(`multikernel: unknown protocol '${p.protocol}'`)
  if (p.cores > p.sockets * p.coresPerSocket) throw new Error(`multikernel: ${p.cores} cores do not fit in ${p.sockets} x ${p.coresPerSocket}`)
  const N = p.cores
  const tree = shootdownTree(protocol, N, p.coresPerSocket, mutations.has('skipLastTarget'))
  const earlyAck = mutations.has('earlyAggregateAck')
  const broadcast = protocol === 'broadcast'
  /** The acknowledgements a core waits for: one per child, or (broadcast) one per reader. */
  const expected = (c: number): number => (broadcast && c === 0 ? N - 1 : tree.children[c]!.length)

  /** A core reached by the shootdown: invalidate, then forward or acknowledge. */
  const reached = (d: Draft<McState>, c: number): void => {
    const core = d.cores[c]!
    core.tlb = false
    if (tree.children[c]!.length > 0) core.phase = 'forward'
    else {
      send(d.net, c, tree.parent[c]!, { kind: 'ACK' })
      core.phase = 'done'
    }
  }

  return {
    name: 'multikernel',
    init: () => [
      {
        cores: Array.from({ length: N }, () => ({ tlb: true, phase: 'idle' as CorePhase, sent: 0, acks: 0, read: false })),
        net: emptyMessaging<McMsg>(N, ['INV', 'ACK']),
        line: false,
      },
    ],
    actions(s) {
      const out: McAction[] = []
      for (let c = 0; c < N; c++) {
        const core = s.cores[c]!
        if (c === 0 && core.phase === 'idle') out.push({ type: 'start', core: c })
        if (core.phase === 'forward') {
          if (broadcast && c === 0) out.push({ type: 'writeLine', core: c })
          else out.push({ type: 'send', core: c })
        }
        if (core.phase === 'collect' && core.acks >= expected(c)) out.push({ type: c === 0 ? 'complete' : 'ack', core: c })
        if (broadcast && c > 0 && s.line && !core.read) out.push({ type: 'readLine', core: c })
      }
      for (const del of deliverable(s.net, false)) out.push({ type: 'deliver', from: del.from, to: del.to, index: del.index, kind: s.net.channels[del.from * N + del.to]![0]!.kind })
      return out
    },
    next: reducer<McState, McAction>((d, a) => {
      if (a.type === 'deliver') {
        const m = take(d.net, a)
        if (m.kind === 'ACK') d.cores[a.to]!.acks++
        else reached(d, a.to)
        return
      }
      const core = d.cores[a.core]!
      switch (a.type) {
        case 'start':
          core.tlb = false
          core.phase = expected(0) > 0 ? 'forward' : 'collect'
          return
        case 'writeLine':
          d.line = true
          core.phase = 'collect'
          return
        case 'readLine':
          core.read = true
          reached(d, a.core)
          return
        case 'send': {
          const kids = tree.children[a.core]!
          send(d.net, a.core, kids[core.sent]!, { kind: 'INV' })
          core.sent++
          if (core.sent === kids.length) {
            core.phase = 'collect'
            if (earlyAck && a.core !== 0) {
              send(d.net, a.core, tree.parent[a.core]!, { kind: 'ACK' })
              core.phase = 'done'
            }
          }
          return
        }
        case 'ack':
          send(d.net, a.core, tree.parent[a.core]!, { kind: 'ACK' })
          core.phase = 'done'
          return
        case 'complete':
          core.phase = 'done'
          return
      }
    }),
    terminal: (s) => s.cores[0]!.phase === 'done' && drained(s.net),
    actionTypes: [
      'start',
      ...(broadcast ? ['writeLine', 'readLine'] : ['send']),
      ...(tree.children.some((k, c) => c > 0 && k.length > 0) && !earlyAck ? ['ack'] : []),
      'complete',
      'deliver',
    ],
    actor: (a) => `core ${a.type === 'deliver' ? a.to : a.core}`,
    describe: (a) => {
      switch (a.type) {
        case 'deliver':
          return `core ${a.to}: handle ${a.kind} from core ${a.from}`
        case 'start':
          return `core ${a.core}: clear the PTE, invalidate the own TLB entry`
        case 'send':
          return `core ${a.core}: send INV to its next child`
        case 'writeLine':
          return `core ${a.core}: write INV into the broadcast channel`
        case 'readLine':
          return `core ${a.core}: read INV from the broadcast channel, invalidate, ACK`
        case 'ack':
          return `core ${a.core}: its package acknowledged, ACK to core ${tree.parent[a.core]}`
        case 'complete':
          return `core ${a.core}: every acknowledgement in, the unmap completes`
      }
    },
  }
}
