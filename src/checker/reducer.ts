/**
 * Reducers are immer recipes: a function that edits a draft of the state for one
 * action. `reducer(recipe)` turns one into the pure `next(state, action)` of the Model
 * API; the recipe stays attached so that an engine can apply the same rule another way.
 */
import { enableMapSet, produce, type Draft } from 'immer'

// States may hold Maps and Sets (queues created on demand, sets of kernels).
enableMapSet()

export type Recipe<S, A> = (draft: Draft<S>, action: A) => void

export interface Reducer<S, A> {
  (s: S, a: A): S
  readonly recipe: Recipe<S, A>
}

export function reducer<S, A>(recipe: Recipe<S, A>): Reducer<S, A> {
  const next = (s: S, a: A): S =>
    produce(s, (d: Draft<S>) => {
      recipe(d, a)
    })
  return Object.assign(next, { recipe })
}
