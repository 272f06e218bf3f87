import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { runCheck } from '../src/checker/check.ts'
import { parseItf } from '../src/checker/itf.ts'
import { replayTrace } from '../src/checker/replay.ts'
import { ACTORS, liveGraphArb, liveGraphFactory, naiveLiveness, reachable, type LiveGraph } from './liveness-graph.ts'

const fairArb = fc.subarray([...ACTORS])

/** Random graphs run with `objects` frontiers (a vector frontier allocates a 16 MiB chunk per search). */
function check(
  g: LiveGraph,
  property: 'leadsTo' | 'eventually',
  fair: readonly string[],
  kind: 'weak' | 'strong',
  strategy: 'bfs' | 'dfs' = 'bfs',
  representation: 'objects' | 'vectors' = 'objects',
) {
  // a pattern must name a unit the search meets: keep the actors that label some step
  const used = new Set([...reachable(g, g.init, () => true)].flatMap((v) => g.edges[v]!.map(([, a]) => a)))
  const named = fair.filter((a) => used.has(a))
  const factory = liveGraphFactory(g)
  const out = runCheck({
    factory,
    params: {},
    mutations: new Set(),
    checkDeadlock: false,
    strategy,
    representation,
    liveness: { properties: [property], fair: named, kind },
  })
  return { out, factory, fair: new Set(named) }
}

describe.each(['weak', 'strong'] as const)('liveness under %s fairness against a naive reference on random graphs', (kind) => {
  test.prop([liveGraphArb(), fairArb], { numRuns: 400 })('P ~> Q: same verdict, shortest prefix, a lasso replay accepts', (g, fairList) => {
    const { out, factory, fair } = check(g, 'leadsTo', fairList, kind)
    const expected = naiveLiveness(g, (v) => g.p.has(v), fair, kind)
    if (expected === undefined) {
      expect(out.result.verdict).toBe('holds')
      return
    }
    expect(out.result.verdict).toBe('violated')
    if (out.result.verdict !== 'violated') return
    const v = out.result.violation
    expect(v.kind).toBe('liveness')
    expect(v.message).toContain(`P holds at state ${expected} and`)
    // the file alone replays: the cycle closes, the obligation is pending, the cycle is fair
    const r = replayTrace(factory, parseItf(JSON.stringify(out.itf), 'trace'))
    expect(r.message).toMatch(/^reproduced/)
    expect(r.ok).toBe(true)
  })

  test.prop([liveGraphArb(), fairArb], { numRuns: 300 })('<>Q: same verdict as the reference, DFS as BFS', (g, fairList) => {
    const { out, fair } = check(g, 'eventually', fairList, kind)
    const expected = naiveLiveness(g, undefined, fair, kind)
    expect(out.result.verdict).toBe(expected === undefined ? 'holds' : 'violated')
    expect(check(g, 'eventually', fairList, kind, 'dfs').out.result.verdict).toBe(out.result.verdict)
    if (g.n <= 1) expect(check(g, 'eventually', fairList, kind, 'bfs', 'vectors').out.result.verdict).toBe(out.result.verdict)
  })
})

describe('liveness traces', () => {
  // 0 -a-> 1, 1 -b-> 1 (b spins), 1 -a-> 2 (Q): P at 0
  const g: LiveGraph = {
    n: 3,
    edges: [[[1, 'a']], [[1, 'b'], [2, 'a']], [[2, 'a']]],
    init: [0],
    p: new Set([0]),
    q: new Set([2]),
  }

  test('without fairness b spins forever; weak fairness of a rules it out', () => {
    const unfair = check(g, 'leadsTo', [], 'weak').out
    expect(unfair.result.verdict).toBe('violated')
    const itf = unfair.itf as { loop: number; states: unknown[]; '#meta': Record<string, unknown> }
    expect(itf.loop).toBe(1)
    expect(itf.states).toHaveLength(2)
    expect(itf['#meta']['propertyKind']).toBe('liveness')
    expect(itf['#meta']['closingAction']).toEqual({ 'mbt::actionTaken': 'go', 'mbt::nondetPicks': { to: { tag: 'Some', value: { '#bigint': '1' } }, actor: { tag: 'Some', value: 'b' } } })
    expect(check(g, 'leadsTo', ['a'], 'weak').out.result.verdict).toBe('holds')
  })

  test('replay rejects a lasso whose cycle does not close, that is not fair, or whose obligation is met', () => {
    const out = check(g, 'leadsTo', [], 'weak')
    const text = JSON.stringify(out.out.itf)
    const replay = (edit: (j: Record<string, any>) => void) => {
      const j = JSON.parse(text)
      edit(j)
      return replayTrace(out.factory, parseItf(JSON.stringify(j), 't'))
    }
    expect(replay(() => {}).ok).toBe(true)
    // closing step to another state: node 2
    const open = replay((j) => (j['#meta'].closingAction['mbt::nondetPicks'] = { to: { tag: 'Some', value: { '#bigint': '2' } }, actor: { tag: 'Some', value: 'a' } }))
    expect(open.ok).toBe(false)
    expect(open.message).toMatch(/cycle does not close|obligation/)
    // a is enabled at every state of the cycle and never steps
    const unfair = replay((j) => (j['#meta'].fairness = { kind: 'weak', fair: ['a'] }))
    expect(unfair.ok).toBe(false)
    expect(unfair.message).toContain('not fair: a')
    // loop 0: the cycle would include state 0, which 1 never returns to
    const wrongLoop = replay((j) => (j.loop = 0))
    expect(wrongLoop.ok).toBe(false)
  })

  test('a pattern that names no unit, and an unknown property, are bad input', () => {
    const factory = liveGraphFactory(g)
    const run = (liveness: { properties: string[]; fair: string[]; kind: 'weak' }) =>
      runCheck({ factory, params: {}, mutations: new Set(), checkDeadlock: false, liveness })
    expect(() => run({ properties: ['leadsTo'], fair: ['kernel *'], kind: 'weak' })).toThrow(/names no fairness unit/)
    expect(() => run({ properties: ['nope'], fair: [], kind: 'weak' })).toThrow(/no liveness property 'nope'/)
  })

  test('a final state where Q does not hold is a lasso of one repeated state', () => {
    const end: LiveGraph = { n: 2, edges: [[[1, 'a']], []], init: [0], p: new Set([0]), q: new Set() }
    const out = check(end, 'eventually', ['a'], 'strong')
    expect(out.out.result.verdict).toBe('violated')
    const itf = out.out.itf as { loop: number; '#meta': Record<string, unknown> }
    expect(itf.loop).toBe(1)
    expect(itf['#meta']['closingAction']).toBeUndefined()
    expect(replayTrace(out.factory, parseItf(JSON.stringify(itf), 't')).ok).toBe(true)
  })
})
