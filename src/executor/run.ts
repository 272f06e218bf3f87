/**
 * A timed run (spec executor.md, "Semantics"): discrete-event execution of a model's own
 * reducers under a cost profile, a workload and, for VM models, a host scheduler. At each
 * point the executor starts the enabled action with the earliest possible start (its
 * actor free, its message arrived, its vCPU running, the workload ready for it); ties are
 * broken by the executor's seeded random numbers. Same seed, profile and workload: the
 * same run.
 *
 * Steps are applied with the model's `next`; a model whose `next` carries its immer
 * recipe and that has no message hints is stepped by applying the recipe to a private
 * working copy (the same rule, without copying the state at each step).
 */
import type { Action, AnyModel } from '../checker/model.ts'
import { canonicalize } from '../checker/canonical.ts'
import { deepEqual } from '../checker/equal.ts'
import type { ExecutorAdapter } from './adapters.ts'
import type { HostScheduler } from './host.ts'
import type { StepCosts } from './profile.ts'
import { Rng } from './rng.ts'
import { Timing, type Cause, type TimedStep } from './timing.ts'

/** What drives the model: which enabled actions it takes, when, and when the run is over. */
export interface Workload {
  /** `false`: not this action (now); a number: not before that time. */
  admit(s: unknown, a: Action, now: number): false | number
  /** Called after every step that changed the state. */
  observe?(step: TimedStep, s: unknown, t: unknown): void
  /** The run is over. */
  done?(s: unknown, now: number): boolean
}

export interface RunOptions {
  readonly model: AnyModel
  readonly costs: StepCosts
  readonly adapter: ExecutorAdapter
  readonly workload: Workload
  readonly seed: number
  readonly host?: (rng: Rng) => HostScheduler
  readonly maxSteps?: number
  /** Keep every step (for a timeline and the critical path). */
  readonly keepSteps?: boolean
  /** Called every few thousand steps with the time reached. */
  readonly onProgress?: (now: number) => void
}

export interface RunResult {
  readonly steps: readonly TimedStep[]
  readonly stepCount: number
  readonly end: number
  readonly timing: Timing
  readonly final: unknown
  /** Why the run stopped: `done`, `no step enabled`, `step limit`. */
  readonly stop: string
}

type Apply = (s: unknown, a: Action) => unknown

interface Candidate {
  readonly a: Action
  readonly actor: string
  readonly start: number
  readonly cause: Cause
  readonly t: unknown
  readonly floor: number
}

/** A private deep copy of plain state data (records, arrays, Maps, Sets). */
export function copyState<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(copyState) as T
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [copyState(k), copyState(x)])) as T
  if (v instanceof Set) return new Set([...v].map(copyState)) as T
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) out[k] = copyState(x)
  return out as T
}

function stepper(model: AnyModel, inPlace: boolean): { apply: Apply; inPlace: boolean } {
  const recipe = (model.next as { recipe?: (d: unknown, a: Action) => void }).recipe
  if (inPlace && recipe) return { apply: (s, a) => (recipe(s, a), s), inPlace: true }
  return { apply: (s, a) => model.next(s, a), inPlace: false }
}

/** The enabled actions of a state. */
function enabled(model: AnyModel, s: unknown): readonly Action[] {
  return model.actions(canonicalize(s))
}

export function runTimed(o: RunOptions): RunResult {
  const { model, adapter, workload } = o
  const rng = new Rng(o.seed)
  const host = o.host?.(rng)
  const timing = new Timing(model, o.costs, adapter, host)
  const { apply, inPlace } = stepper(model, !timing.hasMessages)
  const steps: TimedStep[] = []
  const parked = new Map<string, { since: number; until: number; key: string | undefined }>()
  const maxSteps = o.maxSteps ?? 5_000_000
  // a canonical working copy stays canonical: the recipes assign to fields that exist
  let s: unknown = inPlace ? copyState(canonicalize(model.init()[0])) : model.init()[0]
  let now = 0
  let count = 0
  let stop = 'no step enabled'
  let idleEvents = 0

  const hostStep = (kind: 'preempt' | 'resume', vcpu: number, at: number): void => {
    const a = adapter.hostAction?.(kind, vcpu)
    if (!a) return
    const t = apply(s, a)
    const step = timing.place(++count, s, a, t, at, { by: 'host' }, 0)
    if (o.keepSteps) steps.push(step)
    s = t
    wake(at)
  }
  /** After a change of the state at `at`: spinning actors see it, unless what they spin on is unchanged. */
  const wake = (at: number): void => {
    for (const [actor, p] of parked) {
      if (p.key !== undefined && adapter.spinKey!(s, actor) === p.key) continue
      timing.spun(actor, p.since, Math.max(at, p.until))
      parked.delete(actor)
    }
  }

  if (host && adapter.hostAction) for (let v = 0; v < host.vcpus; v++) if (!host.initiallyRunning(v)) hostStep('preempt', v, 0)

  for (;;) {
    if (workload.done?.(s, now)) {
      stop = 'done'
      break
    }
    if (count >= maxSteps) {
      stop = 'step limit'
      break
    }
    const best = choose(s, now)
    // the host's decisions are steps of a model that records which vCPUs run; otherwise they only gate vCPUs
    const ev = adapter.hostAction ? host?.nextEvent(now) : undefined
    if (ev && (best === undefined || ev.at <= best.start) && idleEvents++ < 4 * host!.vcpus) {
      now = ev.at
      hostStep(ev.kind, ev.vcpu, ev.at)
      continue
    }
    if (best === undefined) {
      if (parked.size > 0) stop = 'every remaining actor spins on a state nobody changes'
      break
    }
    const { a, actor, start, cause } = best
    const spin = adapter.isSpin?.(a) === true
    const key = spin && adapter.spinKey ? adapter.spinKey(s, actor) : undefined
    const before = spin && inPlace && key === undefined ? copyState(s) : undefined
    const work = timing.work(s, a)
    const t = best.t ?? apply(s, a)
    const unchanged = spin && (key !== undefined ? adapter.spinKey!(t, actor) === key : inPlace ? deepEqual(before, t) : t === s)
    now = start
    idleEvents = 0
    if (unchanged) {
      parked.set(actor, { since: start, until: timing.finish(actor, start, work), key })
      continue
    }
    const step = timing.place(++count, before ?? s, a, t, start, cause, work)
    if (o.keepSteps) steps.push(step)
    workload.observe?.(step, before ?? s, t)
    s = t
    wake(start)
    if (o.onProgress && count % 4096 === 0) o.onProgress(now)
  }
  for (const [actor, p] of parked) timing.spun(actor, p.since, Math.max(now, p.until))
  return { steps, stepCount: count, end: Math.max(now, ...[...timing.busy.keys()].map((k) => timing.free(k)?.at ?? 0)), timing, final: s, stop }

  /**
   * The admitted action with the earliest start (ties: a seeded random pick). Message
   * arrival needs the successor state, so it is computed lazily, in order of the lower
   * bounds, only until no other candidate can start earlier.
   */
  function choose(st: unknown, floor: number): Candidate | undefined {
    const lower: Candidate[] = []
    for (const a of enabled(model, st)) {
      if (host && adapter.isHostAction(a)) continue
      const actor = timing.actorOf(a)
      if (parked.has(actor)) continue
      const admit = workload.admit(st, a, floor)
      if (admit === false) continue
      const f = Math.max(floor, admit)
      const e = timing.earliest(st, a, undefined, f, f > floor ? { by: 'workload' } : { by: 'none' })
      lower.push({ a, actor, t: undefined, ...e, floor: f })
    }
    if (!timing.hasMessages) return pickEarliest(lower)
    lower.sort((x, y) => x.start - y.start)
    const exact: Candidate[] = []
    for (const c of lower) {
      if (exact.length > 0 && c.start > exact[0]!.start) break
      const t = apply(st, c.a)
      const e = timing.earliest(st, c.a, t, c.floor, c.cause)
      const x = { ...c, t, ...e }
      if (exact.length === 0 || x.start < exact[0]!.start) exact.splice(0, exact.length, x)
      else if (x.start === exact[0]!.start) exact.push(x)
    }
    return pickEarliest(exact)
  }

  function pickEarliest(cs: readonly Candidate[]): Candidate | undefined {
    let best: Candidate[] = []
    for (const c of cs) {
      if (best.length === 0 || c.start < best[0]!.start) best = [c]
      else if (c.start === best[0]!.start) best.push(c)
    }
    return best.length === 0 ? undefined : best.length === 1 ? best[0] : rng.pick(best)
  }
}
