/**
 * Popcorn's inter-kernel messaging layer (seed 000_e5bbc95a2ea9d194.txt, 4.8 "Messaging
 * Layer"; seed 002_1b73c818e9b10511.txt, 4.5): every message goes from one kernel to
 * another through a buffer private to the receiver, and the receiver's top-half handler
 * runs the handler registered for the message's type.
 *
 * Modeled as one FIFO channel per ordered pair of kernels (`channels[from * K + to]`); a
 * kernel handles one message at a time, as one atomic step. With `unordered` delivery
 * (a mutation) any message of a channel may be handled next. Sent messages are counted
 * by type: the timed executor and the cost tests read the counters.
 *
 * These are immer recipe helpers: they edit a draft of a state that has a `Messaging`.
 */
import type { Draft } from 'immer'

export interface Messaging<M extends { readonly kind: string }> {
  readonly kernels: number
  readonly channels: readonly (readonly M[])[]
  readonly sent: Readonly<Record<string, number>>
}

export function emptyMessaging<M extends { readonly kind: string }>(kernels: number, kinds: readonly M['kind'][]): Messaging<M> {
  return {
    kernels,
    channels: Array.from({ length: kernels * kernels }, () => []),
    sent: Object.fromEntries(kinds.map((k) => [k, 0])),
  }
}

export function send<M extends { readonly kind: string }>(d: Draft<Messaging<M>>, from: number, to: number, msg: M): void {
  ;(d.channels[from * d.kernels + to] as M[]).push(msg)
  d.sent[msg.kind] = (d.sent[msg.kind] ?? 0) + 1
}

/** "Send to all": K-1 sends, in kernel order. */
export function broadcast<M extends { readonly kind: string }>(d: Draft<Messaging<M>>, from: number, msg: M): void {
  for (let to = 0; to < d.kernels; to++) if (to !== from) send(d, from, to, msg)
}

export interface Delivery {
  readonly from: number
  readonly to: number
  /** Position in the channel: always 0 for FIFO channels. */
  readonly index: number
}

/** The messages a handler may take next, in a deterministic order. */
export function deliverable<M extends { readonly kind: string }>(m: Messaging<M>, unordered: boolean): Delivery[] {
  const out: Delivery[] = []
  forEachDeliverable(m, unordered, (from, to, index) => out.push({ from, to, index }))
  return out
}

/** `deliverable`'s messages, in its order, each handed to `f` (no list made: `actions` runs at every state). */
export function forEachDeliverable<M extends { readonly kind: string }>(
  m: Messaging<M>,
  unordered: boolean,
  f: (from: number, to: number, index: number) => void,
): void {
  for (let to = 0; to < m.kernels; to++) {
    for (let from = 0; from < m.kernels; from++) {
      const ch = m.channels[from * m.kernels + to]!
      const n = unordered ? ch.length : Math.min(ch.length, 1)
      for (let index = 0; index < n; index++) f(from, to, index)
    }
  }
}

/** Removes the delivered message from its channel and returns it (a plain copy). */
export function take<M extends { readonly kind: string }>(d: Draft<Messaging<M>>, del: Delivery): M {
  const ch = d.channels[del.from * d.kernels + del.to] as M[]
  const msg = ch[del.index]
  if (msg === undefined) throw new Error(`no message ${del.index} from kernel ${del.from} to kernel ${del.to}`)
  // the head by `shift`: `splice` makes an array of what it removes, at every delivery
  if (del.index === 0) ch.shift()
  else ch.splice(del.index, 1)
  return { ...msg }
}

export function drained<M extends { readonly kind: string }>(m: Messaging<M>): boolean {
  return m.channels.every((c) => c.length === 0)
}
