/**
 * Counterexample traces rebuilt by re-executing recorded action indices from an
 * initial state: the explorer keeps only (predecessor, action index) per state. The
 * states are canonical (`contract.ts`), as the explorer's were, so each index names the
 * action the explorer took.
 */
import { enabledActions, initialStates, successor } from './contract.ts'
import { ModelError } from './errors.ts'
import type { Action, AnyModel } from './model.ts'

export interface Trace {
  readonly states: readonly unknown[]
  /** `actions[k]` leads from `states[k]` to `states[k + 1]`. */
  readonly actions: readonly Action[]
}

/** `path` is [index in init(), index in actions(s0), index in actions(s1), ...]. */
export function rebuildTrace(model: AnyModel, path: readonly number[]): Trace {
  const [first, ...rest] = path
  const inits = initialStates(model)
  let s = inits[first ?? 0]
  if (s === undefined) throw new ModelError(`init() is not deterministic: it gives ${inits.length} states now, the search started from #${first}`)
  const states: unknown[] = [s]
  const actions: Action[] = []
  rest.forEach((ai, k) => {
    const enabled = enabledActions(model, s, `at state ${k}`)
    const a = enabled[ai]
    if (a === undefined) {
      // the states are canonical as the search's were: only a model that answers the same state differently gets here
      const n = `${enabled.length} action${enabled.length === 1 ? '' : 's'}`
      throw new ModelError(
        `actions() is not deterministic: at state ${k} it gives ${n} now, the search took action #${ai} (the same state must give the same actions in the same order)`,
      )
    }
    s = successor(model, s, a, `at state ${k}`)
    actions.push(a)
    states.push(s)
  })
  return { states, actions }
}
