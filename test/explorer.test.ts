import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { explore } from '../src/checker/explorer.ts'
import { rebuildTrace } from '../src/checker/trace.ts'
import { reducer } from '../src/checker/reducer.ts'
import { graphArb, graphModel, naiveDistances, naiveShortest, type Graph } from './graph-model.ts'

const isDeadEnd = (g: Graph) => (v: number) => g.edges[v]!.length === 0 && !g.terminal.has(v)

/** The rebuilt counterexample must be a real path of the graph from an initial node. */
function expectPath(g: Graph, path: readonly number[]): number[] {
  const t = rebuildTrace(graphModel(g), path)
  const nodes = t.states.map((s) => (s as { node: number }).node)
  expect(g.init).toContain(nodes[0])
  for (let i = 1; i < nodes.length; i++) expect(g.edges[nodes[i - 1]!]).toContain(nodes[i])
  return nodes
}

describe.each(['vectors', 'objects'] as const)('explorer (%s) against a naive reference on random graphs', (representation) => {
  test.prop([graphArb], { numRuns: 300 })('BFS: same distinct count, same verdict, shortest invariant counterexample', (g) => {
    const r = explore(graphModel(g), { checkDeadlock: false, representation })
    const shortestBad = naiveShortest(g, (v) => g.bad.has(v))
    if (shortestBad === undefined) {
      expect(r.verdict).toBe('holds')
      expect(r.stats.distinct).toBe(naiveDistances(g).size)
      expect(r.stats.diameter).toBe(Math.max(...naiveDistances(g).values()))
    } else {
      expect(r.verdict).toBe('violated')
      if (r.verdict !== 'violated') return
      expect(r.violation.property).toBe('notBad')
      expect(r.violation.path.length - 1).toBe(shortestBad)
      const nodes = expectPath(g, r.violation.path)
      expect(g.bad.has(nodes.at(-1)!)).toBe(true)
    }
  })

  test.prop([graphArb], { numRuns: 300 })('BFS: shortest deadlock counterexample', (g) => {
    const clean = { ...g, bad: new Set<number>() }
    const r = explore(graphModel(clean), { representation })
    const shortest = naiveShortest(clean, isDeadEnd(clean))
    if (shortest === undefined) {
      expect(r.verdict).toBe('holds')
      expect(r.stats.distinct).toBe(naiveDistances(clean).size)
    } else {
      expect(r.verdict).toBe('violated')
      if (r.verdict !== 'violated') return
      expect(r.violation.kind).toBe('deadlock')
      expect(r.violation.path.length - 1).toBe(shortest)
      const nodes = expectPath(clean, r.violation.path)
      expect(isDeadEnd(clean)(nodes.at(-1)!)).toBe(true)
    }
  })

  test.prop([graphArb], { numRuns: 300 })('DFS: same verdict and distinct count as BFS, valid counterexample', (g) => {
    const bfs = explore(graphModel(g), { checkDeadlock: false, representation })
    const dfs = explore(graphModel(g), { checkDeadlock: false, strategy: 'dfs', representation })
    expect(dfs.verdict).toBe(bfs.verdict)
    if (dfs.verdict === 'holds') expect(dfs.stats.distinct).toBe(bfs.stats.distinct)
    if (dfs.verdict === 'violated') {
      const nodes = expectPath(g, dfs.violation.path)
      expect(g.bad.has(nodes.at(-1)!)).toBe(true)
    }
  })

  test.prop([graphArb, fc.integer({ min: 1, max: 10 })], { numRuns: 200 })('a limit is never a proof', (g, limit) => {
    const clean = { ...g, bad: new Set<number>() }
    const reachable = naiveDistances(clean)
    const r = explore(graphModel(clean), { checkDeadlock: false, maxStates: limit, representation })
    expect(r.verdict).toBe(reachable.size > limit ? 'limit' : 'holds')
    const depth = explore(graphModel(clean), { checkDeadlock: false, maxDepth: 2, representation })
    const deeper = [...reachable].some(([v, d]) => d >= 2 && g.edges[v]!.length > 0)
    expect(depth.verdict).toBe(deeper ? 'limit' : 'holds')
  })
})

/** `r` holds when no step `bad(v, w)` is reachable, else is violated at the end of a shortest path to one. */
function expectShortestBadStep(g: Graph, bad: (v: number, w: number) => boolean, r: ReturnType<typeof explore>): void {
  let best: number | undefined
  for (const [v, d] of naiveDistances(g)) for (const w of g.edges[v]!) if (bad(v, w) && (best === undefined || d + 1 < best)) best = d + 1
  if (best === undefined) {
    expect(r.verdict).toBe('holds')
    return
  }
  expect(r.verdict).toBe('violated')
  if (r.verdict !== 'violated') return
  expect(r.violation.kind).toBe('transition')
  expect(r.violation.path.length - 1).toBe(best)
  const nodes = expectPath(g, r.violation.path)
  expect(bad(nodes.at(-2)!, nodes.at(-1)!)).toBe(true)
}

describe('transition properties and measures against the naive reference', () => {
  test.prop([graphArb, fc.integer({ min: 0, max: 6 })], { numRuns: 300 })('a forbidden step is found on a shortest path', (g, k) => {
    // forbidden: a step from v to w with (v + w) % 7 === k
    const bad = (v: number, w: number) => (v + w) % 7 === k
    const m = { ...graphModel({ ...g, bad: new Set<number>() }), transitionInvariants: { step: (s: { node: number }, _a: unknown, t: { node: number }) => !bad(s.node, t.node) || `step ${s.node}->${t.node}` } }
    expectShortestBadStep(g, bad, explore(m, { checkDeadlock: false }))
  })

  test.prop([graphArb, fc.integer({ min: 0, max: 6 }), fc.constantFrom('vectors' as const, 'objects' as const)], { numRuns: 300 })(
    'a step property declared (s, a) reads the state the step leaves, also at the last action, whose recipe edits that state',
    (g, k, representation) => {
      const bad = (v: number, w: number) => (v + w) % 7 === k
      const m = {
        ...graphModel({ ...g, bad: new Set<number>() }),
        next: reducer<{ node: number }, { type: 'go'; to: number }>((d, a) => {
          d.node = a.to
        }),
        transitionInvariants: { step: (s: { node: number }, a: { to: number }) => !bad(s.node, a.to) || `step ${s.node}->${a.to}` },
      }
      expectShortestBadStep(g, bad, explore(m, { checkDeadlock: false, representation }))
    },
  )

  test.prop([graphArb], { numRuns: 300 })('a measure reports the largest reachable value and a path to it', (g) => {
    const weight = (v: number) => (v * 37) % 11
    const m = { ...graphModel({ ...g, bad: new Set<number>() }), measures: { weight: (s: { node: number }) => weight(s.node) } }
    const r = explore(m, { checkDeadlock: false })
    const max = Math.max(...[...naiveDistances(g).keys()].map(weight))
    expect(r.stats.measures).toHaveLength(1)
    expect(r.stats.measures[0]!.max).toBe(max)
    const nodes = expectPath(g, r.stats.measures[0]!.path)
    expect(weight(nodes.at(-1)!)).toBe(max)
  })
})

describe('explorer statistics', () => {
  test('coverage flags an action type that never fired', () => {
    const g: Graph = { n: 2, edges: [[1], []], init: [0], bad: new Set(), terminal: new Set([1]) }
    const m = { ...graphModel(g), actionTypes: ['go', 'jump'] }
    const r = explore(m)
    expect(r.verdict).toBe('holds')
    expect(r.stats.coverage).toEqual([
      { type: 'go', fired: 1, distinct: 1 },
      { type: 'jump', fired: 0, distinct: 0 },
    ])
  })

  test('a state outside the constraint is checked but not expanded', () => {
    const g: Graph = { n: 4, edges: [[1], [2], [3], []], init: [0], bad: new Set([3]), terminal: new Set([3]) }
    const r = explore({ ...graphModel(g), constraint: (s) => s.node < 2 }, { checkDeadlock: false })
    expect(r.verdict).toBe('holds')
    expect(r.stats.distinct).toBe(3)
    const bad2: Graph = { ...g, bad: new Set([2]) }
    expect(explore({ ...graphModel(bad2), constraint: (s) => s.node < 2 }, { checkDeadlock: false }).verdict).toBe('violated')
  })
})
