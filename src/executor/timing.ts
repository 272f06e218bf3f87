/**
 * The clock of a timed execution (spec executor.md, "Semantics"): every step has an actor
 * (`model.actor`) and a cost (the profile's `step`); an actor does one step at a time; a
 * message can be delivered only after its send time plus the profile's transit latency;
 * on a VM model a vCPU acts only while the host scheduler runs it. A step takes effect
 * atomically when it starts (steps are placed in the order they are applied, start times
 * never decrease) and keeps its actor busy until it ends; a message leaves when the
 * step that sends it ends.
 *
 * Messages come from the model's message hints (`model.messages`, the same hints
 * `rkcheck view` draws): a delivery takes the message waiting on its channel.
 */
import type { Action, AnyModel } from '../checker/model.ts'
import type { StepMessages } from '../checker/messages.ts'
import type { ExecutorAdapter } from './adapters.ts'
import { vcpuOfActor, type HostScheduler } from './host.ts'
import type { StepCosts } from './profile.ts'

/** What decided a step's start: nothing (time 0), its actor's previous step, a message's arrival, the step before it in a trace, the host scheduler or the workload. */
export type Cause =
  | { readonly by: 'none' }
  | { readonly by: 'actor' | 'order' | 'wait'; readonly step: number }
  | { readonly by: 'message'; readonly step: number; readonly kind: string }
  | { readonly by: 'host' | 'workload' }

export interface TimedStep {
  /** 1, 2, ...: the step's number (in a trace, its index). */
  readonly index: number
  readonly action: Action
  readonly actor: string
  readonly start: number
  readonly end: number
  readonly cause: Cause
  /** Kinds of the messages the step sent. */
  readonly sent: readonly string[]
  /** The kind of the message the step delivered. */
  readonly delivered?: string
}

interface InFlight {
  readonly kind: string
  readonly readyAt: number
  readonly step: number
}

interface Free {
  readonly at: number
  readonly step: number
}

type Hints = (s: unknown, a: Action, t: unknown) => StepMessages

/** `REQUEST(page 0, ts 1)` -> REQUEST; `IPI: invalidate page 0` -> IPI. */
export function messageKind(label: string): string {
  const m = /^[^(:]+/.exec(label)
  return (m ? m[0] : label).trim().split(' ')[0] ?? label
}

export class Timing {
  private readonly freeAt = new Map<string, Free>()
  readonly busy = new Map<string, number>()
  private readonly inflight = new Map<string, InFlight[]>()
  readonly sent: Record<string, number> = {}
  readonly delivered: Record<string, number> = {}
  private readonly hints: Hints | undefined
  private readonly vcpus: number

  constructor(
    readonly model: AnyModel,
    readonly costs: StepCosts,
    readonly adapter: ExecutorAdapter,
    readonly host?: HostScheduler,
  ) {
    this.hints = (model as { messages?: Hints }).messages
    this.vcpus = host?.vcpus ?? 0
  }

  get hasMessages(): boolean {
    return this.hints !== undefined
  }

  actorOf(a: Action): string {
    return this.model.actor?.(a) ?? 'system'
  }

  /** When the actor is free (and the step that occupies it until then). */
  free(actor: string): Free | undefined {
    return this.freeAt.get(actor)
  }

  messagesOf(s: unknown, a: Action, t: unknown): StepMessages {
    return this.hints ? this.hints(s, a, t) : {}
  }

  /** The earliest start, not before `floor`, of action a from state s to t (t undefined: a lower bound that ignores messages). */
  earliest(s: unknown, a: Action, t: unknown, floor: number, floorCause: Cause): { start: number; cause: Cause } {
    let start = floor
    let cause = floorCause
    const actor = this.actorOf(a)
    const own = this.freeAt.get(actor)
    if (own && own.at > start) {
      start = own.at
      cause = { by: 'actor', step: own.step }
    }
    const waits = this.adapter.waitsFor?.(a, this.vcpus)
    if (waits) {
      for (const w of waits) {
        const f = this.freeAt.get(w)
        if (f && f.at > start) {
          start = f.at
          cause = { by: 'wait', step: f.step }
        }
      }
    }
    // without the successor state (a lower bound only), messages are not looked at
    if (t !== undefined) {
      for (const d of this.messagesOf(s, a, t).delivered ?? []) {
        const m = this.inflight.get(d.channel)?.[d.index ?? 0]
        if (m && m.readyAt > start) {
          start = m.readyAt
          cause = { by: 'message', step: m.step, kind: m.kind }
        }
      }
    }
    if (this.host && !this.adapter.isHostAction(a)) {
      const v = vcpuOfActor(actor)
      const run = v === undefined ? start : this.host.nextRun(v, start)
      if (run > start) {
        start = run
        cause = { by: 'host' }
      }
    }
    return { start, cause }
  }

  /** The work of step a in state s: its cost, nothing for the host's own bookkeeping. */
  work(s: unknown, a: Action): number {
    return this.adapter.isHostAction(a) ? 0 : this.costs.step(s, a)
  }

  /** The end of a step of `work` units by `actor` started at `start`. */
  finish(actor: string, start: number, work: number): number {
    const v = this.host ? vcpuOfActor(actor) : undefined
    return v === undefined ? start + work : this.host!.finish(v, start, work)
  }

  /** Records the step a (s -> t) started at `start`: its actor is busy until its end, its messages are in flight. */
  place(index: number, s: unknown, a: Action, t: unknown, start: number, cause: Cause, work = this.work(s, a)): TimedStep {
    const actor = this.actorOf(a)
    const end = this.finish(actor, start, work)
    this.freeAt.set(actor, { at: end, step: index })
    this.addBusy(actor, work)
    const msgs = this.messagesOf(s, a, t)
    let delivered: string | undefined
    for (const d of msgs.delivered ?? []) {
      const q = this.inflight.get(d.channel)
      const [m] = q?.splice(d.index ?? 0, 1) ?? []
      if (m) {
        delivered = m.kind
        this.delivered[m.kind] = (this.delivered[m.kind] ?? 0) + 1
      }
    }
    const sent: string[] = []
    for (const m of msgs.sent ?? []) {
      const kind = messageKind(m.label)
      const from = m.from ?? actor
      const readyAt = end + this.costs.transit(kind, from, m.to, s)
      const q = this.inflight.get(m.channel) ?? []
      q.push({ kind, readyAt, step: index })
      this.inflight.set(m.channel, q)
      this.sent[kind] = (this.sent[kind] ?? 0) + 1
      sent.push(kind)
    }
    return { index, action: a, actor, start, end, cause, sent, ...(delivered !== undefined ? { delivered } : {}) }
  }

  addBusy(actor: string, work: number): void {
    this.busy.set(actor, (this.busy.get(actor) ?? 0) + work)
  }

  /** An actor that spun from `since` until `until` without changing anything: busy meanwhile, free from `until` on. */
  spun(actor: string, since: number, until: number): void {
    const v = this.host ? vcpuOfActor(actor) : undefined
    const ran = v === undefined ? until - since : this.host!.runningTime(v, since, until)
    this.addBusy(actor, ran)
    const prev = this.freeAt.get(actor)
    this.freeAt.set(actor, { at: Math.max(until, prev?.at ?? 0), step: prev?.step ?? 0 })
  }
}
