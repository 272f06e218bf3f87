/**
 * Message hints: a model may say which of its steps send and which deliver messages, so
 * that `rkcheck view` draws a sequence chart with an arrow from each send to its delivery
 * (`Model.messages`). Nothing else in the engine reads them; a model without hints is
 * shown as steps per actor.
 *
 * Sends and deliveries are matched per `channel` (any name the model picks): a delivery
 * takes the `index`-th message still waiting on its channel, the oldest by default, so a
 * FIFO channel needs no index at all.
 */

export interface MessageSent {
  /** Sends and deliveries on one channel are matched in order. */
  readonly channel: string
  /** The receiving actor (as `Model.actor` names actors). */
  readonly to: string
  /** What the chart writes on the arrow: `REQUEST(page 0, ts 1)`. */
  readonly label: string
  /** The sending actor, when it is not the actor of the step. */
  readonly from?: string
}

export interface MessageDelivered {
  readonly channel: string
  /** Position among the messages waiting on the channel (default 0: the oldest). */
  readonly index?: number
}

/** What one step did with messages. */
export interface StepMessages {
  readonly sent?: readonly MessageSent[]
  readonly delivered?: readonly MessageDelivered[]
  /** Messages the step took off their channel without delivering them (lost, overwritten). */
  readonly dropped?: readonly MessageDelivered[]
}

/**
 * Hints for a state that keeps messages in FIFO channels, one array per ordered pair of
 * nodes: `channels[from * nodes + to]` (the layout of Popcorn's messaging layer,
 * `src/model/popcorn/messaging.ts`). A step's deliveries and sends are read off the
 * difference between the channels before and after it: a message gone from a channel was
 * delivered (at its position), messages appended were sent.
 */
export function fifoChannelMessages<M>(
  before: { readonly channels: readonly (readonly M[])[] },
  after: { readonly channels: readonly (readonly M[])[] },
  actorOf: (node: number) => string,
  label: (m: M) => string,
): StepMessages {
  const nodes = Math.round(Math.sqrt(before.channels.length))
  const sent: MessageSent[] = []
  const delivered: MessageDelivered[] = []
  before.channels.forEach((was, i) => {
    const now = after.channels[i] ?? []
    if (was === now) return
    const channel = `${Math.floor(i / nodes)}->${i % nodes}`
    const gone = removedIndex(was, now)
    if (gone !== undefined) delivered.push({ channel, index: gone })
    const kept = gone === undefined ? was.length : was.length - 1
    for (const m of now.slice(kept)) sent.push({ channel, to: actorOf(i % nodes), label: label(m) })
  })
  return { sent, delivered }
}

/** The position of the one message taken out of `was`, if `now` is `was` without it plus appended messages. */
function removedIndex<M>(was: readonly M[], now: readonly M[]): number | undefined {
  const samePrefix = (n: number): boolean => was.slice(0, n).every((m, j) => sameMessage(m, now[j]))
  if (now.length >= was.length && samePrefix(was.length)) return undefined
  for (let i = 0; i < was.length; i++) {
    const rest = [...was.slice(0, i), ...was.slice(i + 1)]
    if (rest.every((m, j) => sameMessage(m, now[j]))) return i
  }
  return undefined
}

function sameMessage(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

/** `REQUEST(res 0, ts 1)` for `{kind: 'REQUEST', res: 0, ts: 1}`; other values as JSON. */
export function messageLabel(m: unknown): string {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return JSON.stringify(m)
  const { kind, ...rest } = m as Record<string, unknown>
  const fields = Object.entries(rest).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return typeof kind === 'string' ? `${kind}(${fields.join(', ')})` : `{${fields.join(', ')}}`
}
