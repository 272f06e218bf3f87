/**
 * Replaying an ITF trace: rebuild the model from the trace's #meta, then re-execute it
 * step by step. Each recorded action must be enabled (it is matched by type and fields
 * among `actions(previous state)`), each resulting state must equal the recorded one,
 * and the recorded violation, if any, must hold at the last state.
 *
 * Bad input (malformed file, unknown model, bad parameters) throws `InputError`; a trace
 * that does not reproduce is a normal result with `ok: false`.
 */
import { enabledActions, initialStates, runProperty, successor } from './contract.ts'
import { firstDifference, deepEqual } from './equal.ts'
import { InputError } from './errors.ts'
import { stateVars, type ParsedTrace } from './itf.ts'
import type { Action, AnyModel, ModelFactory } from './model.ts'
import { resolveMutations, resolveTypedParams } from './params.ts'
import { checkLasso } from './liveness/lasso-replay.ts'

export interface ReplayStep {
  readonly index: number
  readonly action?: Action
  readonly state: unknown
}

export interface ReplayResult {
  readonly ok: boolean
  /** One line: what reproduced, or the first step that did not and why. */
  readonly message: string
  /** The states re-executed so far (all of them when ok). */
  readonly steps: readonly ReplayStep[]
  readonly model: AnyModel
}

export function buildModelForTrace(factory: ModelFactory, trace: ParsedTrace): AnyModel {
  const params = resolveTypedParams(factory, trace.meta.params)
  const mutations = resolveMutations(factory, trace.meta.mutations)
  return factory.create(params, mutations)
}

export function replayTrace(factory: ModelFactory, trace: ParsedTrace): ReplayResult {
  const model = buildModelForTrace(factory, trace)
  const steps: ReplayStep[] = []
  const done = (ok: boolean, message: string): ReplayResult => ({ ok, message, steps, model })

  const recorded0 = trace.steps[0]!.state
  let s = initialStates(model).find((init) => deepEqual(stateVars(init), recorded0))
  let prev: unknown = s
  let lastAction: Action | undefined
  if (s === undefined) return done(false, 'state 0 is not an initial state of the model')
  steps.push({ index: 0, state: s })

  for (let k = 1; k < trace.steps.length; k++) {
    const { action, state: recorded } = trace.steps[k]!
    const a = enabledActions(model, s, `at state ${k - 1}`).find((x) => deepEqual(x, action))
    if (a === undefined) return done(false, `step ${k} (${describeAction(model, action!)}) is not enabled in state ${k - 1}`)
    prev = s
    lastAction = a
    s = successor(model, s, a, `at state ${k - 1}`)
    steps.push({ index: k, action: a, state: s })
    const diff = firstDifference(stateVars(s), recorded)
    if (diff !== null) return done(false, `state ${k} differs from the recorded one at ${diff}`)
  }

  const last = trace.steps.length - 1
  const { property, propertyKind } = trace.meta
  const { measure } = trace.meta
  if (measure !== undefined) {
    const f = model.measures?.[measure.name]
    if (!f) throw new InputError(`the trace names measure '${measure.name}', which model ${model.name} does not have`)
    const v = runProperty(measure.name, () => f(s), `at state ${last}`)
    return v === measure.value
      ? done(true, `reproduced: ${measure.name} = ${v} at state ${trace.steps.length - 1}`)
      : done(false, `${measure.name} is ${v} at the last state, not the recorded ${measure.value}`)
  }
  if (property === undefined) return done(true, `${trace.steps.length} states re-executed as recorded`)
  if (propertyKind === 'liveness') {
    const r = checkLasso(model, steps, trace)
    return done(r.ok, r.message)
  }
  if (propertyKind === 'deadlock' || property === 'deadlock') {
    const stuck = enabledActions(model, s, `at state ${last}`).length === 0 && !runProperty('terminal', () => model.terminal?.(s) ?? false, `at state ${last}`)
    return stuck
      ? done(true, `reproduced: deadlock at state ${last}`)
      : done(false, `state ${last} is not a deadlock: the recorded violation does not reproduce`)
  }
  const step = model.transitionInvariants?.[property]
  if (propertyKind === 'transition' || (step && !model.invariants[property])) {
    if (!step) throw new InputError(`the trace names property '${property}', which model ${model.name} does not have`)
    if (lastAction === undefined) return done(false, `a trace of one state cannot violate the step property ${property}`)
    const r = runProperty(property, () => step(prev, lastAction!, s), `at step ${last}`)
    return r === true
      ? done(false, `step ${last} satisfies ${property}: the recorded violation does not reproduce`)
      : done(true, `reproduced: ${property} violated by step ${last}: ${r}`)
  }
  const inv = model.invariants[property]
  if (!inv) throw new InputError(`the trace names property '${property}', which model ${model.name} does not have`)
  const r = runProperty(property, () => inv(s), `at state ${last}`)
  return r === true
    ? done(false, `invariant ${property} holds at state ${last}: the recorded violation does not reproduce`)
    : done(true, `reproduced: ${property} violated at state ${last}: ${r}`)
}

export function describeAction(model: AnyModel, a: Action): string {
  if (model.describe) {
    try {
      return model.describe(a)
    } catch {
      // a recorded action may lack fields the model's describe expects
    }
  }
  return JSON.stringify(a)
}
