/**
 * Counterexample traces rebuilt by re-executing recorded action indices from an
 * initial state: the explorer keeps only (predecessor, action index) per state.
 */
import type { Action, AnyModel } from './model.ts'

export interface Trace {
  readonly states: readonly unknown[]
  /** `actions[k]` leads from `states[k]` to `states[k + 1]`. */
  readonly actions: readonly Action[]
}

/** `path` is [index in init(), index in actions(s0), index in actions(s1), ...]. */
export function rebuildTrace(model: AnyModel, path: readonly number[]): Trace {
  const [first, ...rest] = path
  let s = model.init()[first ?? 0]
  if (s === undefined) throw new Error(`trace rebuild: no initial state #${first}`)
  const states: unknown[] = [s]
  const actions: Action[] = []
  rest.forEach((ai, k) => {
    const a = model.actions(s)[ai]
    if (a === undefined) throw new Error(`trace rebuild: step ${k + 1} has no action #${ai}`)
    s = model.next(s, a)
    actions.push(a)
    states.push(s)
  })
  return { states, actions }
}
