/**
 * Random finite graphs as models, and a naive reference explorer (a plain BFS over node
 * numbers with a JavaScript Set) to compare the engine against.
 */
import fc from 'fast-check'
import type { Model } from '../src/checker/model.ts'

export interface Graph {
  readonly n: number
  readonly edges: readonly (readonly number[])[]
  readonly init: readonly number[]
  readonly bad: ReadonlySet<number>
  readonly terminal: ReadonlySet<number>
}

export const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
    init: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 3 }),
    bad: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }).map((a) => new Set(a)),
    terminal: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }).map((a) => new Set(a)),
  }),
)

type S = { readonly node: number }
type A = { readonly type: 'go'; readonly to: number }

/** The graph as a model: a state is a node, an action follows an out-edge. */
export function graphModel(g: Graph, withTerminal = true): Model<S, A> {
  return {
    name: 'graph',
    init: () => g.init.map((node) => ({ node })),
    actions: (s) => g.edges[s.node]!.map((to) => ({ type: 'go' as const, to })),
    next: (_s, a) => ({ node: a.to }),
    invariants: { notBad: (s) => !g.bad.has(s.node) || `node ${s.node} is bad` },
    ...(withTerminal ? { terminal: (s: S) => g.terminal.has(s.node) } : {}),
    actionTypes: ['go'],
  }
}

/** Distance from the initial nodes to every reachable node. */
export function naiveDistances(g: Graph): Map<number, number> {
  const dist = new Map<number, number>()
  let frontier = [...g.init]
  for (const v of frontier) dist.set(v, 0)
  for (let d = 1; frontier.length > 0; d++) {
    const next: number[] = []
    for (const v of frontier) {
      for (const w of g.edges[v]!) {
        if (!dist.has(w)) {
          dist.set(w, d)
          next.push(w)
        }
      }
    }
    frontier = next
  }
  return dist
}

/** Shortest distance to a node satisfying `pred`, or undefined. */
export function naiveShortest(g: Graph, pred: (v: number) => boolean): number | undefined {
  let best: number | undefined
  for (const [v, d] of naiveDistances(g)) if (pred(v) && (best === undefined || d < best)) best = d
  return best
}
