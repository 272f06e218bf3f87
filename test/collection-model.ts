/**
 * Random models whose states hold a Set, a Map and a record built in varying insertion
 * orders, and whose `actions()` follow their iteration order: the shape of model that
 * exposed action indices meaning different actions in exploring and in rebuilding a trace.
 */
import fc from 'fast-check'
import { defineModel, type Model, type ModelFactory } from '../src/checker/model.ts'
import { reducer } from '../src/checker/reducer.ts'

export interface CollectionSpec {
  /** Members the model may add to the Set, in the order it offers them. */
  readonly members: readonly number[]
  /** Keys the model may add to the Map, in the order it offers them. */
  readonly mapKeys: readonly string[]
  /** Keys the model may add to the record, in the order it offers them. */
  readonly recKeys: readonly string[]
  /** At most this many steps. */
  readonly depth: number
  /** The invariant fails when `picked` is this member while the Set holds two or more (so that the pick's index depends on the order). */
  readonly bad: number
  /** next as an immer recipe (explored on decoded copies) or as a plain function. */
  readonly recipe: boolean
}

export const collectionSpecArb: fc.Arbitrary<CollectionSpec> = fc.record({
  members: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
  mapKeys: fc.uniqueArray(fc.constantFrom('z', 'a', 'm', '10', '2'), { maxLength: 3 }),
  recKeys: fc.uniqueArray(fc.constantFrom('y', 'b', 'k', '7', '30'), { maxLength: 3 }),
  depth: fc.integer({ min: 2, max: 5 }),
  bad: fc.integer({ min: 0, max: 5 }),
  recipe: fc.boolean(),
})

interface S {
  s: Set<number>
  m: Map<string, number>
  r: Record<string, number>
  picked: number
  steps: number
}

type A =
  | { type: 'add'; x: number }
  | { type: 'put'; k: string }
  | { type: 'set'; k: string }
  | { type: 'pick'; x: number }
  | { type: 'bump'; k: string }
  | { type: 'clear' }

function apply(d: S, a: A): void {
  d.steps++
  switch (a.type) {
    case 'add':
      d.s.add(a.x)
      break
    case 'put':
      d.m.set(a.k, 0)
      break
    case 'set':
      d.r[a.k] = 0
      break
    case 'pick':
      d.picked = a.x
      break
    case 'bump':
      d.m.set(a.k, d.m.get(a.k)! + 1)
      break
    case 'clear':
      // rebuild the collections in reverse iteration order
      d.s = new Set([...d.s].reverse())
      d.m = new Map([...d.m].reverse())
      d.r = Object.fromEntries(Object.entries(d.r).reverse())
      break
  }
}

function copy(s: S): S {
  return { s: new Set(s.s), m: new Map(s.m), r: { ...s.r }, picked: s.picked, steps: s.steps }
}

export function collectionModel(spec: CollectionSpec): Model<S, A> {
  return {
    name: 'collections',
    init: () => [{ s: new Set<number>(), m: new Map<string, number>(), r: {}, picked: -1, steps: 0 }],
    actions: (s) => {
      if (s.steps >= spec.depth) return []
      const out: A[] = []
      for (const x of spec.members) if (!s.s.has(x)) out.push({ type: 'add', x })
      for (const k of spec.mapKeys) if (!s.m.has(k)) out.push({ type: 'put', k })
      for (const k of spec.recKeys) if (!(k in s.r)) out.push({ type: 'set', k })
      // the order of these follows the collections' iteration order
      for (const x of s.s) out.push({ type: 'pick', x })
      for (const k of s.m.keys()) if (s.m.get(k)! < 2) out.push({ type: 'bump', k })
      for (const k of Object.keys(s.r)) if (k === spec.recKeys[0]) out.push({ type: 'clear' })
      return out
    },
    next: spec.recipe
      ? reducer<S, A>((d, a) => apply(d as S, a))
      : (s, a) => {
          const t = copy(s)
          apply(t, a)
          return t
        },
    invariants: { notBad: (s) => s.picked !== spec.bad || s.s.size < 2 || `picked ${s.picked} of ${s.s.size}` },
    measures: {
      // reached by a pick whose index depends on the Set's order
      pickedOfMany: (s) => (s.s.size >= 2 ? s.picked : -1),
      // depends on iteration order itself: the first member of the Set and of the Map
      firstMember: (s) => ([...s.s][0] ?? -1) * 10 + ([...s.m.values()][0] ?? 0),
    },
    terminal: (s) => s.steps >= spec.depth,
    actionTypes: ['add', 'put', 'set', 'pick', 'bump', 'clear'],
  }
}

export function collectionFactory(spec: CollectionSpec): ModelFactory {
  return defineModel({ name: 'collections', doc: 'random collections', params: [], mutations: [], create: () => collectionModel(spec) })
}

/** The model without its measures (a parallel search leaves a model with measures to one worker). */
export function collectionModelWithoutMeasures(spec: CollectionSpec): Model<S, A> {
  const { measures: _, ...rest } = collectionModel(spec)
  return rest
}
