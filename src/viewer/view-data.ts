/**
 * Everything the viewer page shows, computed in Node: the trace is replayed through
 * `replayTrace` (the states and actions are the model's own, re-executed, not the file's
 * text), then each step gets its actor, its description, the fields it changed and the
 * state after it, and the chart its messages. The page only draws this.
 */
import { InputError } from '../checker/errors.ts'
import type { ParsedTrace } from '../checker/itf.ts'
import type { Action, ModelFactory } from '../checker/model.ts'
import { describeAction, replayTrace, type ReplayResult } from '../checker/replay.ts'
import { buildChart, type ChartMessage } from './chart.ts'
import { ancestorPaths, changedPaths, stateTree, type TreeNode } from './state-tree.ts'
import { traceExtras, type StepTime } from './trace-extras.ts'

export interface ViewStep {
  readonly index: number
  readonly actor?: string
  /** `initial state`, or the model's description of the action. */
  readonly label: string
  readonly action?: Readonly<Record<string, unknown>>
  /** Paths this step changed, and the paths that lead to them. */
  readonly changed: readonly string[]
  readonly touched: readonly string[]
  readonly state: TreeNode
  readonly time?: StepTime
}

export interface ViewData {
  readonly source: string
  readonly model: string
  readonly params: Readonly<Record<string, number | boolean | string>>
  readonly mutations: readonly string[]
  /** The violated property (or the measure a witness reaches), drawn after the last step. */
  readonly property?: string
  readonly propertyKind?: string
  readonly reproduced: boolean
  /** The replay's one line: what reproduced, or the first step that did not and why. */
  readonly verdict: string
  readonly actors: readonly string[]
  readonly steps: readonly ViewStep[]
  readonly messages: readonly ChartMessage[]
  readonly hinted: boolean
  readonly loop?: number
  readonly timed: boolean
  readonly timeUnit?: string
}

/** Replays the trace; a liveness trace whose property the replay cannot check is still shown. */
function replay(factory: ModelFactory, trace: ParsedTrace, lasso: boolean): ReplayResult {
  try {
    return replayTrace(factory, trace)
  } catch (e) {
    if (!(e instanceof InputError) || !lasso || trace.meta.property === undefined) throw e
    const { property: _p, propertyKind: _k, ...meta } = trace.meta
    const r = replayTrace(factory, { ...trace, meta })
    return { ...r, message: `${r.ok ? `reproduced the ${r.steps.length} states of the lasso` : r.message}; ${e.message}` }
  }
}

/** Fields the trace writer adds to a state (`mbt::time`) are not the model's variables. */
function withoutToolFields(trace: ParsedTrace): ParsedTrace {
  if (!trace.vars.some((v) => v.startsWith('mbt::'))) return trace
  const strip = (s: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith('mbt::')))
  return {
    ...trace,
    vars: trace.vars.filter((v) => !v.startsWith('mbt::')),
    steps: trace.steps.map((st) => ({ ...st, state: strip(st.state) })),
  }
}

export function viewData(factory: ModelFactory, parsed: ParsedTrace, text: string, source: string): ViewData {
  const extras = traceExtras(text, source, parsed.steps.length)
  const trace = withoutToolFields(parsed)
  const r = replay(factory, trace, extras.loop !== undefined)
  const states = r.steps.map((s) => s.state)
  const actions = r.steps.slice(1).map((s) => s.action as Action)
  const chart = buildChart(r.model, states, actions)
  const timed = extras.times.some((t) => t !== undefined)

  const steps = r.steps.map((st, k): ViewStep => {
    const changed = k === 0 ? [] : changedPaths(states[k - 1], states[k])
    const time = extras.times[k]
    return {
      index: k,
      ...(chart.stepActors[k] !== undefined ? { actor: chart.stepActors[k] } : {}),
      label: st.action ? describeAction(r.model, st.action) : 'initial state',
      ...(st.action ? { action: { ...st.action } } : {}),
      changed,
      touched: ancestorPaths(changed),
      state: stateTree(st.state),
      ...(time ? { time } : {}),
    }
  })
  const m = trace.meta
  const property = m.measure ? `${m.measure.name} = ${m.measure.value}` : m.property
  return {
    source,
    model: m.model,
    params: m.params,
    mutations: m.mutations,
    ...(property !== undefined ? { property } : {}),
    ...(m.measure ? { propertyKind: 'measure' } : m.propertyKind ? { propertyKind: m.propertyKind } : {}),
    reproduced: r.ok,
    verdict: r.message,
    actors: chart.actors,
    steps,
    messages: chart.messages,
    hinted: chart.hinted,
    ...(extras.loop !== undefined ? { loop: extras.loop } : {}),
    timed,
    ...(extras.timeUnit !== undefined ? { timeUnit: extras.timeUnit } : {}),
  }
}
