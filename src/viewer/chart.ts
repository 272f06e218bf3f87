/**
 * The sequence chart of a replayed trace: one lifeline per actor, the actor of each step,
 * and the messages, each matched from the step that sent it to the step that delivered it
 * (from the model's message hints, `Model.messages`).
 */
import { InputError } from '../checker/errors.ts'
import type { MessageSent, StepMessages } from '../checker/messages.ts'
import type { Action, AnyModel } from '../checker/model.ts'

export interface ChartMessage {
  readonly label: string
  readonly from: string
  readonly to: string
  /** The step that sent it (0: before the trace began). */
  readonly sent: number
  /** The step that delivered it; absent (and not dropped): still in flight at the end of the trace. */
  readonly delivered?: number
  /** The step that took it off its channel undelivered (a lost IPI, an overwritten flag). */
  readonly dropped?: number
}

export interface Chart {
  /** Lifelines, left to right. */
  readonly actors: readonly string[]
  /** The actor of each step (index 0, the initial state, has none). */
  readonly stepActors: readonly (string | undefined)[]
  readonly messages: readonly ChartMessage[]
  /** Whether the model gave message hints. */
  readonly hinted: boolean
}

/** The lane of a model without `actor`: every step on one lifeline. */
const ONE_LANE = 'model'

export function actorOf(model: AnyModel, a: Action): string {
  if (!model.actor) return ONE_LANE
  try {
    return String(model.actor(a))
  } catch (e) {
    throw new InputError(`model ${model.name}: actor() threw on ${JSON.stringify(a)}: ${(e as Error).message}`)
  }
}

/** `states[k]` is the state after `actions[k-1]`; `actions[0]` leads from state 0 to state 1. */
export function buildChart(model: AnyModel, states: readonly unknown[], actions: readonly Action[]): Chart {
  const stepActors: (string | undefined)[] = [undefined, ...actions.map((a) => actorOf(model, a))]
  const messages: { -readonly [K in keyof ChartMessage]: ChartMessage[K] }[] = []
  const waiting = new Map<string, number[]>() // channel -> indices into `messages`, oldest first
  const hint = model.messages?.bind(model)

  actions.forEach((a, i) => {
    if (!hint) return
    const step = i + 1
    let m: StepMessages
    try {
      m = hint(states[i], a, states[step])
    } catch (e) {
      throw new InputError(`model ${model.name}: messages() threw at step ${step}: ${(e as Error).message}`)
    }
    const send = (s: MessageSent): void => {
      messages.push({ label: s.label, from: s.from ?? stepActors[step]!, to: s.to, sent: step })
      waiting.set(s.channel, [...(waiting.get(s.channel) ?? []), messages.length - 1])
    }
    // a step handles what was waiting before it sends; a message sent and delivered in the
    // same step (a synchronous call) is matched after the sends
    for (const d of m.dropped ?? []) take(d.channel, d.index ?? 0, 'dropped', step)
    const later = (m.delivered ?? []).filter((d) => !deliver(d.channel, d.index ?? 0, step))
    for (const s of m.sent ?? []) send(s)
    for (const d of later) {
      if (!deliver(d.channel, d.index ?? 0, step)) {
        messages.push({ label: `(${d.channel})`, from: stepActors[step]!, to: stepActors[step]!, sent: 0, delivered: step })
      }
    }
  })

  function take(channel: string, index: number, end: 'delivered' | 'dropped', step: number): boolean {
    const q = waiting.get(channel) ?? []
    const id = q[index]
    if (id === undefined) return false
    q.splice(index, 1)
    messages[id]![end] = step
    return true
  }
  function deliver(channel: string, index: number, step: number): boolean {
    return take(channel, index, 'delivered', step)
  }

  const named = new Set<string>(stepActors.filter((x): x is string => x !== undefined))
  for (const m of messages) named.add(m.from).add(m.to)
  return { actors: [...named].sort(naturalOrder), stepActors, messages, hinted: hint !== undefined }
}

/** `host`, `kernel 2`, `kernel 10`, `vCPU 0`: names with numbers in numeric order. */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })
}
