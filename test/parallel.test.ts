/**
 * A parallel search gives one worker's result: verdict, counterexample, distinct states,
 * diameter, and when it holds the coverage (each type's steps and new states), on random
 * graphs (with each optional part of a model) and on built-in models.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { explore, type ExploreOptions, type ExploreResult } from '../src/checker/explorer.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { builtinModel } from '../src/checker/load.ts'
import { exploreParallel } from '../src/checker/parallel/explore-parallel.ts'
import { builtinSource, type ModelSource } from '../src/checker/parallel/source.ts'
import { resolveParams } from '../src/checker/params.ts'
import { graphArb } from './graph-model.ts'
import { buildGraph, type GraphArgs, type Variant } from './parallel-models.ts'

/**
 * How often each action type fired and reached a new state, when the search ran to its end
 * (past a violation or a limit, workers may expand a little more than one worker).
 */
const coverage = (r: ExploreResult) =>
  r.verdict === 'holds'
    ? { coverage: Object.fromEntries(r.stats.coverage.filter((c) => c.fired > 0).map((c) => [c.type, `${c.fired} fired, ${c.distinct} new`])) }
    : {}

const summary = (r: ExploreResult) => ({
  ...coverage(r),
  verdict: r.verdict,
  ...(r.verdict === 'violated' ? { property: r.violation.property, kind: r.violation.kind, path: r.violation.path } : {}),
  ...(r.verdict === 'limit' ? { limit: r.limit } : {}),
  distinct: r.stats.distinct,
  diameter: r.stats.diameter,
})

/** A search's summary, or the line of the error it ended with. */
async function settle(run: () => ExploreResult | Promise<ExploreResult>): Promise<unknown> {
  try {
    return summary(await run())
  } catch (e) {
    return { error: (e as Error).message }
  }
}

const graphSource = (args: GraphArgs): ModelSource => ({ module: new URL('./parallel-models.ts', import.meta.url).href, exportName: 'buildGraph', args })

/** Larger graphs than the explorer's tests: levels must be split between the workers. */
const bigGraphArb = fc.integer({ min: 40, max: 400 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 5 }), { minLength: n, maxLength: n }),
    init: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 3 }),
    bad: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }),
    terminal: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
  }),
)

/**
 * The workers take one state at a time, and, in reverse, each level from its last state:
 * a state is then mostly reached first by a step that comes late in one worker's order.
 * Both workers search from the initial states, or the thread joins at level 2.
 */
async function same(args: GraphArgs, opts: ExploreOptions): Promise<void> {
  const one = summary(explore(buildGraph(args), opts))
  expect(summary(await exploreParallel(buildGraph(args), graphSource(args), 2, { ...opts, grain: 1, joinAt: -1 }))).toEqual(one)
  expect(summary(await exploreParallel(buildGraph(args), graphSource(args), 2, { ...opts, grain: 1, reverse: true, joinAt: -1 }))).toEqual(one)
  expect(summary(await exploreParallel(buildGraph(args), graphSource(args), 2, { ...opts, grain: 1, reverse: true, joinAt: 2 }))).toEqual(one)
}

describe('parallel search equals one worker on random graphs', () => {
  const variants: [Variant, ExploreOptions][] = [
    ['invariant', { checkDeadlock: false }],
    ['deadlock', {}],
    ['transition', { checkDeadlock: false }],
    ['constraint', { checkDeadlock: false }],
    ['view', { checkDeadlock: false }],
    ['hidden', { checkDeadlock: false }],
    ['viewConstraint', { checkDeadlock: false }],
  ]
  for (const [variant, opts] of variants) {
    test(variant, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(bigGraphArb, graphArb.map((g) => ({ ...g, bad: [...g.bad], terminal: [...g.terminal] }))), (g) => same({ ...g, variant }, opts)),
        { numRuns: 4, seed: 7 },
      )
    }, 120_000)
  }

  test('--max-states and --max-depth', async () => {
    await fc.assert(
      fc.asyncProperty(bigGraphArb, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 4 }), async (g, maxStates, maxDepth) => {
        const args = { ...g, bad: [], variant: 'invariant' as const }
        await same(args, { checkDeadlock: false, maxStates })
        await same(args, { checkDeadlock: false, maxDepth })
      }),
      { numRuns: 3, seed: 11 },
    )
  }, 120_000)
})

describe('parallel search equals one worker on built-in models', () => {
  const cases: [string, string[], string[]][] = [
    ['ticket', ['threads=4', 'modulo=4'], []],
    ['ticket', ['threads=3'], ['nonAtomicTicket']],
    ['lamport', ['kernels=3'], []],
    ['spinlock', ['lock=pmt-basic', 'V=3', 'W=3'], []],
    ['tlb', ['scheme=ipi'], []],
  ]
  for (const [name, params, mutations] of cases) {
    test(`${name} ${params.join(' ')} ${mutations.join(' ')}`, async () => {
      const factory = builtinModel(name)
      const p = resolveParams(factory, params)
      const model = () => factory.create(p, new Set(mutations))
      const one = summary(explore(model()))
      expect(summary(await exploreParallel(model(), builtinSource(name, p, mutations), 2))).toEqual(one)
      expect(summary(await exploreParallel(model(), builtinSource(name, p, mutations), 2, { grain: 1, reverse: true, joinAt: -1 }))).toEqual(one)
    }, 120_000)
  }

  test('a thread that joins after the visited set has grown searches the grown set', async () => {
    // 253,219 states: the shared set of 2^18 slots grows at level 14; the thread joins at 16
    const factory = builtinModel('lamport')
    const p = resolveParams(factory, ['kernels=3', 'pages=2', 'atomicTimestamp=true'])
    const one = summary(explore(factory.create(p, new Set())))
    expect(summary(await exploreParallel(factory.create(p, new Set()), builtinSource('lamport', p, []), 2, { joinAt: 16 }))).toEqual(one)
  }, 120_000)
})

describe('a parallel search ends as one worker does', () => {
  const chain: GraphArgs = { n: 3, edges: [[1, 2], [2], [0]], init: [0], bad: [], terminal: [], variant: 'throws' }

  test('a model with a view stops with an error at the depth the shared set keeps levels for; one without goes on', async () => {
    // a chain of 20 nodes: the last level a search with a view may reach is set to 10 here (65,535 otherwise)
    const edges = Array.from({ length: 20 }, (_, i) => (i < 19 ? [i + 1] : []))
    const chainOf = (variant: Variant): GraphArgs => ({ n: 20, edges, init: [0], bad: [], terminal: [19], variant })
    for (const variant of ['view', 'hidden'] as const) {
      await expect(exploreParallel(buildGraph(chainOf(variant)), graphSource(chainOf(variant)), 2, { maxViewLevel: 10 })).rejects.toThrow(
        /^a parallel search of a model with a view or symmetry stops at depth 10 .*--workers 1$/,
      )
      expect(summary(await exploreParallel(buildGraph(chainOf(variant)), graphSource(chainOf(variant)), 2, { maxViewLevel: 20 }))).toEqual(
        summary(explore(buildGraph(chainOf(variant)))),
      )
    }
    const plain = chainOf('invariant')
    expect(summary(await exploreParallel(buildGraph(plain), graphSource(plain), 2, { maxViewLevel: 10 }))).toEqual({ coverage: { go: '19 fired, 19 new' }, verdict: 'holds', distinct: 20, diameter: 19 })
  }, 60_000)

  test('a model that throws in a worker is one line naming the function, as with one worker', async () => {
    const one = (() => {
      try {
        explore(buildGraph(chain), { checkDeadlock: false })
      } catch (e) {
        return (e as Error).message
      }
    })()
    expect(one).toMatch(/^next\(\) threw/)
    await expect(exploreParallel(buildGraph(chain), graphSource(chain), 2, { checkDeadlock: false })).rejects.toThrow(one!)
  }, 60_000)

  test('a model without a view that throws: the error is the search\'s only when nothing comes first in one worker\'s order', async () => {
    const same = async (args: GraphArgs, runs = 1): Promise<void> => {
      const one = await settle(() => explore(buildGraph(args), { checkDeadlock: false }))
      for (let k = 0; k < runs; k++) {
        for (const reverse of [false, true]) {
          expect(await settle(() => exploreParallel(buildGraph(args), graphSource(args), 2, { checkDeadlock: false, grain: 1, reverse }))).toEqual(one)
        }
      }
    }
    // level 1 is [1, 3]: rank 0 reaches bad node 2, next() throws at node 3 (rank 1); before,
    // two workers reported the error in 6 runs of 10
    await same({ n: 4, edges: [[1, 3], [2], [], [0]], init: [0], bad: [2], terminal: [], variant: 'throws' }, 5)
    // the error first in key order, the violation after it
    await same({ n: 4, edges: [[3, 1], [2], [], [0]], init: [0], bad: [2], terminal: [], variant: 'throws' }, 2)
    await fc.assert(
      fc.asyncProperty(bigGraphArb, (g) => same({ ...g, variant: 'throws' })),
      { numRuns: 6, seed: 11 },
    )
  }, 120_000)

  test('a view whose invariant throws: the state kept decides, in key order with violations, and the line is one worker\'s', async () => {
    const same = async (args: GraphArgs, workers = 2): Promise<void> => {
      const one = await settle(() => explore(buildGraph(args), { checkDeadlock: false }))
      for (const reverse of [false, true]) {
        expect(await settle(() => exploreParallel(buildGraph(args), graphSource(args), workers, { checkDeadlock: false, grain: 1, reverse }))).toEqual(one)
      }
    }
    // node 5 (bad) is reached at level 2 from 2 (first in one worker's order: kept, even) and
    // from 3 (odd: its check throws), which one worker of the parallel search, taking the
    // level from its end, reaches first
    const edges = [[2, 3], [], [5], [5], [], [4]]
    await same({ n: 6, edges, init: [0], bad: [5], terminal: [], variant: 'viewThrows' }, 1)
    // a violation reached from rank 0 (node 2 to 200), errors from ranks 1 to 99 (odd nodes to
    // 201...): another worker's error is not the search's when a violation comes first in key order
    const odd = Array.from({ length: 99 }, (_, i) => 2 * i + 3)
    const wide: number[][] = Array.from({ length: 300 }, () => [])
    wide[0] = [2, ...odd]
    wide[2] = [200]
    odd.forEach((k, i) => (wide[k] = [201 + i]))
    await same({ n: 300, edges: wide, init: [0], bad: [200, ...odd.map((_, i) => 201 + i)], terminal: [], variant: 'viewThrows' })
    await fc.assert(
      fc.asyncProperty(bigGraphArb, (g) => same({ ...g, variant: 'viewThrows' })),
      { numRuns: 4, seed: 7 },
    )
  }, 120_000)

  test('a time limit and an interrupt stop the workers with verdict limit', async () => {
    const endless: GraphArgs = { ...chain, variant: 'endless' }
    const timed = await exploreParallel(buildGraph(endless), graphSource(endless), 2, { timeLimitSec: 2 })
    expect(timed.verdict === 'limit' && timed.limit).toBe('time-limit')
    let polls = 0
    const stopped = await exploreParallel(buildGraph(endless), graphSource(endless), 2, { interrupted: () => ++polls > 20 })
    expect(stopped.verdict === 'limit' && stopped.limit).toBe('interrupted')
    expect(stopped.stats.distinct).toBeGreaterThan(0)
  }, 60_000)

  test('worker 0, in the coordinating thread, sees an interrupt in the middle of a level', async () => {
    // one level of 40,000 states, each taking a tenth of a millisecond to expand: about 2 s for
    // each worker (a search looks at the clock every 1,024 states, about every 0.1 s here)
    const n = 40_001
    const edges = Array.from({ length: n }, (_, k) => (k === 0 ? Array.from({ length: n - 1 }, (_, i) => i + 1) : []))
    const wide: GraphArgs = { n, edges, init: [0], bad: [], terminal: [], variant: 'slow' }
    const base = buildGraph(wide)
    let stop = false
    let expandedHere = 0
    const slow: AnyModel = {
      ...base,
      actions: (s: unknown) => {
        // the interrupt comes 50 ms into the level, from a timer of this thread
        if ((s as { node: number }).node > 0 && expandedHere++ === 0) setTimeout(() => (stop = true), 50)
        return base.actions(s)
      },
    }
    const r = await exploreParallel(slow, graphSource(wide), 2, { checkDeadlock: false, interrupted: () => stop })
    expect(r.verdict === 'limit' && r.limit).toBe('interrupted')
    // worker 0 let the timer run: it stopped long before the end of its share of the level (about 20,000)
    expect(expandedHere).toBeLessThan(10_000)
  }, 60_000)
})
