/**
 * `replay --timed`: the steps of a replayed trace (already checked to be enabled and to
 * reproduce every recorded state, `src/checker/replay.ts`) placed in time in their order:
 * each starts when the step before it has started, its actor is free, the actors it waits
 * for are free and its message has arrived. The trace fixes the host's decisions, so no
 * host scheduler runs here.
 */
import type { ReplayStep } from '../checker/replay.ts'
import type { AnyModel } from '../checker/model.ts'
import { adapterFor } from './adapters.ts'
import type { StepCosts } from './profile.ts'
import { Timing, type TimedStep } from './timing.ts'

export interface TimedTrace {
  readonly steps: readonly TimedStep[]
  readonly timing: Timing
  readonly end: number
}

export function timeReplay(model: AnyModel, replayed: readonly ReplayStep[], costs: StepCosts): TimedTrace {
  const timing = new Timing(model, costs, adapterFor(model.name))
  const steps: TimedStep[] = []
  let floor = 0
  for (let k = 1; k < replayed.length; k++) {
    const s = replayed[k - 1]!.state
    const { action, state: t } = replayed[k]!
    const prev = steps[steps.length - 1]
    const e = timing.earliest(s, action!, t, floor, prev ? { by: 'order', step: prev.index } : { by: 'none' })
    const step = timing.place(k, s, action!, t, e.start, e.cause)
    steps.push(step)
    floor = step.start
  }
  return { steps, timing, end: Math.max(0, ...steps.map((x) => x.end)) }
}

/**
 * The trace text with every step's time added (in each state's `#meta.time`, the unit in
 * the top-level `#meta.timeUnit`): what `rkcheck view` draws on a time axis.
 */
export function timedTraceText(text: string, timed: TimedTrace, unit: string, profile: string): string {
  const j = JSON.parse(text) as { '#meta'?: Record<string, unknown>; states: Record<string, unknown>[] }
  j['#meta'] = { ...(j['#meta'] ?? {}), timeUnit: unit, costProfile: profile }
  for (const s of timed.steps) {
    const st = j.states[s.index]!
    st['#meta'] = { ...((st['#meta'] as Record<string, unknown> | undefined) ?? {}), time: { start: s.start, end: s.end } }
  }
  return `${JSON.stringify(j, null, 1)}\n`
}
