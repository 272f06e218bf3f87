/**
 * Random finite graphs whose steps are taken by actors, as models with liveness
 * properties, and a naive reference for P ~> Q under fairness: every subset of the
 * not-Q states that is strongly connected is tried as the set of states a cycle visits
 * (with every step among them: more steps only help fairness), plus every not-Q state
 * with no step (the behaviour ends there).
 */
import fc from 'fast-check'
import { defineModel, type Model, type ModelFactory } from '../src/checker/model.ts'
import { eventually, leadsTo } from '../src/checker/temporal.ts'

export const ACTORS = ['a', 'b', 'c'] as const

export interface LiveGraph {
  readonly n: number
  /** Per node: its steps, [target, actor]. */
  readonly edges: readonly (readonly (readonly [number, string])[])[]
  readonly init: readonly number[]
  readonly p: ReadonlySet<number>
  readonly q: ReadonlySet<number>
}

export const liveGraphArb = (maxN = 9): fc.Arbitrary<LiveGraph> =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(...ACTORS)), { maxLength: 3 }), {
        minLength: n,
        maxLength: n,
      }),
      init: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 2 }),
      p: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }).map((a) => new Set(a)),
      q: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }).map((a) => new Set(a)),
    }),
  )

type S = { readonly node: number }
type A = { readonly type: 'go'; readonly to: number; readonly actor: string }

export function liveGraphModel(g: LiveGraph): Model<S, A> {
  return {
    name: 'live-graph',
    init: () => g.init.map((node) => ({ node })),
    actions: (s) => g.edges[s.node]!.map(([to, actor]) => ({ type: 'go' as const, to, actor })),
    next: (_s, a) => ({ node: a.to }),
    invariants: {},
    liveness: {
      leadsTo: leadsTo(
        (s) => g.p.has(s.node),
        (s) => g.q.has(s.node),
      ),
      eventually: eventually((s) => g.q.has(s.node)),
    },
    actor: (a) => a.actor,
    actionTypes: ['go'],
  }
}

export function liveGraphFactory(g: LiveGraph): ModelFactory {
  return defineModel({ name: 'live-graph', doc: 'a random graph', params: [], mutations: [], create: () => liveGraphModel(g) })
}

export function reachable(g: LiveGraph, from: readonly number[], allowed: (v: number) => boolean): Set<number> {
  const seen = new Set(from.filter(allowed))
  const todo = [...seen]
  while (todo.length > 0) {
    const v = todo.pop()!
    for (const [w] of g.edges[v]!) {
      if (allowed(w) && !seen.has(w)) {
        seen.add(w)
        todo.push(w)
      }
    }
  }
  return seen
}

/** Whether the set of states `set` carries a cycle through all of it that is fair. */
function fairSet(g: LiveGraph, set: ReadonlySet<number>, fair: ReadonlySet<string>, kind: 'weak' | 'strong'): boolean {
  const nodes = [...set]
  if (nodes.length === 1 && g.edges[nodes[0]!]!.length === 0) return true // the behaviour ends there
  const inside = nodes.flatMap((v) => g.edges[v]!.filter(([w]) => set.has(w)))
  if (inside.length === 0) return false
  for (const v of nodes) {
    if (reachable(g, [v], (w) => set.has(w)).size !== set.size) return false
  }
  const taken = new Set(inside.map(([, a]) => a))
  for (const a of fair) {
    if (taken.has(a)) continue
    const enabledAt = nodes.filter((v) => g.edges[v]!.some(([, b]) => b === a)).length
    if (kind === 'strong' ? enabledAt > 0 : enabledAt === nodes.length) return false
  }
  return true
}

/**
 * The naive verdict for P ~> Q (`p` undefined: <>Q from the initial states): the distance
 * from the initial states of the nearest state where the obligation can stay pending
 * forever, or undefined when it holds.
 */
export function naiveLiveness(g: LiveGraph, p: ((v: number) => boolean) | undefined, fair: ReadonlySet<string>, kind: 'weak' | 'strong'): number | undefined {
  const notQ = (v: number): boolean => !g.q.has(v)
  const reach = reachable(g, g.init, () => true)
  const b = [...reach].filter(notQ)
  const fairStates = new Set<number>()
  for (let mask = 1; mask < 1 << b.length; mask++) {
    const set = new Set(b.filter((_, i) => mask & (1 << i)))
    if (fairSet(g, set, fair, kind)) for (const v of set) fairStates.add(v)
  }
  const pending = (v: number): boolean =>
    notQ(v) && (p === undefined ? g.init.includes(v) : p(v)) && [...reachable(g, [v], notQ)].some((w) => fairStates.has(w))
  // breadth-first distances from the initial states
  const dist = new Map<number, number>(g.init.map((v) => [v, 0]))
  const queue = [...g.init]
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]!
    for (const [w] of g.edges[v]!) {
      if (!dist.has(w)) {
        dist.set(w, dist.get(v)! + 1)
        queue.push(w)
      }
    }
  }
  let best: number | undefined
  for (const [v, d] of dist) if (pending(v) && (best === undefined || d < best)) best = d
  return best
}
