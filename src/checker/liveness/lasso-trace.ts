/**
 * A liveness counterexample as ITF: the states from an initial state to the last state of
 * the cycle, `loop` (top level, as ADR-015 has it) the index of the state that starts the
 * cycle, which ends in the last state. The step from the last state back to state `loop`
 * is `#meta.closingAction` (absent when the last state has no enabled action and repeats
 * forever), and `#meta.fairness` the fairness the cycle is fair under, so that `replay`
 * can check all of it from the file alone.
 */
import { enabledActions } from '../contract.ts'
import type { Violation } from '../explorer.ts'
import { toItf, type Json, type TraceMeta } from '../itf.ts'
import type { Action, AnyModel } from '../model.ts'
import type { Trace } from '../trace.ts'
import type { FairnessOptions } from './fairness.ts'

/** The step that closes the cycle of a lasso violation, or undefined for a final state. */
export function closingAction(model: AnyModel, trace: Trace, v: Violation): Action | undefined {
  if (v.closing === undefined) return undefined
  const last = trace.states.at(-1)
  const a = enabledActions(model, last, `at state ${trace.states.length - 1}`)[v.closing]
  if (a === undefined) throw new Error(`lasso: the last state has no action #${v.closing}`)
  return a
}

export function lassoItf(model: AnyModel, meta: TraceMeta, trace: Trace, v: Violation, fairness: FairnessOptions): Json {
  const closing = closingAction(model, trace, v)
  const full: TraceMeta = {
    ...meta,
    fairness: { kind: fairness.kind, fair: [...fairness.fair] },
    ...(closing !== undefined ? { closingAction: closing } : {}),
  }
  const itf = toItf(full, trace.states, trace.actions, model.describe?.bind(model)) as Record<string, Json>
  return { ...itf, loop: v.loop! }
}
