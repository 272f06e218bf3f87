/**
 * What `replay` checks of a liveness counterexample, once its states have re-executed as
 * recorded: the cycle closes (the closing action is enabled at the last state and leads to
 * the state `loop`, equal up to the model's view; or the last state has no enabled action
 * and is the loop), some obligation of the property is pending on the lasso (P at some
 * state, Q at no state from there on, nor anywhere on the cycle), and the cycle is fair
 * (every fair unit enabled at every state of the cycle, or with strong fairness at some
 * state, takes a step on it).
 */
import { enabledActions, runProperty, successor } from '../contract.ts'
import { firstDifference, deepEqual } from '../equal.ts'
import { InputError } from '../errors.ts'
import type { ParsedTrace } from '../itf.ts'
import type { Action, AnyModel } from '../model.ts'
import { describeFairness, fairUnits } from './fairness.ts'
import { unitsOf } from './graph.ts'

export interface LassoStep {
  readonly action?: Action
  readonly state: unknown
}

export function checkLasso(model: AnyModel, steps: readonly LassoStep[], trace: ParsedTrace): { ok: boolean; message: string } {
  const { loop } = trace
  const { property, fairness, closingAction } = trace.meta
  if (loop === undefined) throw new InputError('a liveness trace without its loop index: malformed trace')
  if (fairness === undefined) throw new InputError('a liveness trace without #meta.fairness: malformed trace')
  const prop = model.liveness?.[property!]
  if (prop === undefined) throw new InputError(`the trace names liveness property '${property}', which model ${model.name} does not have`)
  const states = steps.map((s) => s.state)
  const last = states.length - 1
  const bad = (message: string) => ({ ok: false, message })

  // the cycle closes
  const cycleActions: Action[] = steps.slice(loop + 1).map((s) => s.action!)
  if (closingAction === undefined) {
    if (loop !== last) return bad(`the lasso has no closing step, so its loop must be the last state ${last}, not ${loop}`)
    if (enabledActions(model, states[last], `at state ${last}`).length > 0) return bad(`state ${last} has enabled actions: the behaviour does not end there`)
  } else {
    const a = enabledActions(model, states[last], `at state ${last}`).find((x) => deepEqual(x, closingAction))
    if (a === undefined) return bad(`the closing step (${closingAction.type}) is not enabled in state ${last}`)
    const back = successor(model, states[last], a, `at state ${last}`)
    const view = (s: unknown): unknown => (model.view ? model.view(s) : s)
    const diff = firstDifference(view(back), view(states[loop]))
    if (diff !== null) return bad(`the cycle does not close: the closing step leads to a state that differs from state ${loop} at ${diff}`)
    cycleActions.push(a)
  }

  // an obligation is pending forever
  const pending = prop.obligations.findIndex((o) => pendingFrom(o, states, loop) !== undefined)
  if (pending < 0) return bad(`no obligation of ${property} is pending on this lasso: Q holds after every state where P does`)
  const o = prop.obligations[pending]!
  const from = pendingFrom(o, states, loop)!

  // the cycle is fair
  const isFair = fairUnits(fairness.fair)
  const units = (a: Action): string[] => runProperty('fairness', () => unitsOf(model, a), 'on the cycle').filter(isFair)
  const taken = new Set(cycleActions.flatMap(units))
  const enabledSets = states.slice(loop).map((s, k) => new Set(enabledActions(model, s, `at state ${loop + k}`).flatMap(units)))
  const candidates = new Set(enabledSets.flatMap((e) => [...e]))
  for (const u of candidates) {
    if (taken.has(u)) continue
    const everywhere = enabledSets.every((e) => e.has(u))
    if (fairness.kind === 'strong' || everywhere) {
      return bad(`the cycle is not fair: ${u} is enabled ${everywhere ? 'at every state' : 'at some state'} of it and never steps (${describeFairness(fairness)})`)
    }
  }
  const who = o.label !== undefined ? ` (${o.label})` : ''
  return {
    ok: true,
    message: `reproduced: ${property}${who} violated by a lasso: pending from state ${from}, states ${loop}..${last} repeat forever (${describeFairness(fairness)})`,
  }
}

/** The first state from which the obligation is pending forever on the lasso, or undefined. */
function pendingFrom(o: { p?: (s: unknown) => boolean; q: (s: unknown) => boolean }, states: readonly unknown[], loop: number): number | undefined {
  const q = states.map((s, k) => runProperty('liveness Q', () => o.q(s), `at state ${k}`))
  for (let k = 0; k < states.length; k++) {
    const p = o.p === undefined ? k === 0 : runProperty('liveness P', () => o.p!(states[k]), `at state ${k}`)
    if (!p) continue
    if (q.slice(Math.min(k, loop)).every((x) => !x)) return k
  }
  return undefined
}
