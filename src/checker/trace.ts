/**
 * Counterexample traces rebuilt by re-executing recorded action indices from an
 * initial state: the explorer keeps only (predecessor, action index) per state. The
 * states are canonical (`contract.ts`), as the explorer's were, so each index names the
 * action the explorer took.
 */
import { enabledActions, initialStates, successor } from './contract.ts'
import type { Action, AnyModel } from './model.ts'

export interface Trace {
  readonly states: readonly unknown[]
  /** `actions[k]` leads from `states[k]` to `states[k + 1]`. */
  readonly actions: readonly Action[]
}

/** `path` is [index in init(), index in actions(s0), index in actions(s1), ...]. */
export function rebuildTrace(model: AnyModel, path: readonly number[]): Trace {
  const [first, ...rest] = path
  let s = initialStates(model)[first ?? 0]
  if (s === undefined) throw new Error(`trace rebuild: no initial state #${first}`)
  const states: unknown[] = [s]
  const actions: Action[] = []
  rest.forEach((ai, k) => {
    const a = enabledActions(model, s, `at state ${k}`)[ai]
    if (a === undefined) throw new Error(`trace rebuild: step ${k + 1} has no action #${ai}`)
    s = successor(model, s, a, `at state ${k}`)
    actions.push(a)
    states.push(s)
  })
  return { states, actions }
}
