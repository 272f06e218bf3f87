import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { canonicalize, compareValues, describeDomainViolation } from '../src/checker/canonical.ts'
import { runCheck } from '../src/checker/check.ts'
import { parseItf, toItf } from '../src/checker/itf.ts'
import { defineModel, type Model } from '../src/checker/model.ts'
import { replayTrace } from '../src/checker/replay.ts'
import { simulate } from '../src/checker/simulate.ts'
import { explore } from '../src/checker/explorer.ts'
import { exploreParallel } from '../src/checker/parallel/explore-parallel.ts'
import { rebuildTrace } from '../src/checker/trace.ts'
import { collectionFactory, collectionModelWithoutMeasures, collectionSpecArb, type CollectionSpec } from './collection-model.ts'
import { orderModel } from './order-model.ts'
import { ordered, valueArb } from './values.ts'

/** Checks a model and replays every trace it wrote: the counterexample and every measure's witness. */
function replaysExactly(factory: ReturnType<typeof collectionFactory>, representation: 'vectors' | 'objects', strategy: 'bfs' | 'dfs'): void {
  const out = runCheck({ factory, params: {}, mutations: new Set(), representation, strategy })
  const traces = [...(out.itf ? [out.itf] : []), ...Object.values(out.witnesses)]
  for (const itf of traces) {
    const r = replayTrace(factory, parseItf(JSON.stringify(itf), 'trace'))
    expect(r.message).toMatch(/^reproduced|re-executed as recorded/)
    expect(r.ok).toBe(true)
  }
  if (out.result.verdict === 'violated') expect(out.itf).toBeDefined()
}

describe('one canonical state for actions() everywhere', () => {
  test('the example: a Set filled 1 then 0, one pick action per member in iteration order', () => {
    type S = { s: Set<number>; picked: number }
    type A = { type: 'add'; x: number } | { type: 'pick'; x: number }
    const m: Model<S, A> = {
      name: 'sets',
      init: () => [{ s: new Set(), picked: -1 }],
      actions: (s) => {
        if (!s.s.has(1)) return [{ type: 'add', x: 1 }]
        if (!s.s.has(0)) return [{ type: 'add', x: 0 }]
        return s.picked < 0 ? [...s.s].map((x) => ({ type: 'pick' as const, x })) : []
      },
      next: (s, a) => (a.type === 'add' ? { s: new Set([...s.s, a.x]), picked: s.picked } : { s: s.s, picked: a.x }),
      invariants: { notOne: (s) => s.picked !== 1 || 'picked 1' },
      terminal: () => true,
    }
    const factory = defineModel({ name: 'sets', doc: '', params: [], mutations: [], create: () => m })
    for (const representation of ['vectors', 'objects'] as const) {
      const out = runCheck({ factory, params: {}, mutations: new Set(), representation })
      expect(out.result.verdict).toBe('violated')
      expect(out.trace!.actions.at(-1)).toEqual({ type: 'pick', x: 1 })
      expect(replayTrace(factory, parseItf(JSON.stringify(out.itf), 't')).ok).toBe(true)
    }
  })

  test('invariants and step properties see the canonical form of a state reached out of order', () => {
    type S = { s: Set<number> }
    const m: Model<S, { type: 'add'; x: number }> = {
      name: 'order',
      init: () => [{ s: new Set() }],
      actions: (s) => (s.s.has(1) ? (s.s.has(0) ? [] : [{ type: 'add', x: 0 }]) : [{ type: 'add', x: 1 }]),
      // the Set is filled 1 then 0: its canonical form iterates 0, 1
      next: (s, a) => ({ s: new Set([...s.s, a.x]) }),
      invariants: { inv: (s) => s.s.size < 2 || `members ${[...s.s].join(',')}` },
      transitionInvariants: { step: (_s, _a, t) => t.s.size < 2 || `after ${[...t.s].join(',')}` },
      terminal: () => true,
    }
    for (const representation of ['vectors', 'objects'] as const) {
      const inv = explore(m, { representation, properties: ['inv'] })
      expect(inv.verdict === 'violated' && inv.violation.message).toBe('members 0,1')
      const step = explore(m, { representation, properties: ['step'] })
      expect(step.verdict === 'violated' && step.violation.message).toBe('after 0,1')
    }
  })

  for (const representation of ['vectors', 'objects'] as const) {
    for (const strategy of ['bfs', 'dfs'] as const) {
      test.prop([collectionSpecArb], { numRuns: 80 })(
        `${representation}/${strategy}: every counterexample and every measure witness replays exactly`,
        (spec) => replaysExactly(collectionFactory(spec), representation, strategy),
      )
    }
  }
})

describe('a parallel search sees the same canonical states', () => {
  test('with hidden fields, the checks run on the canonical form of a state reached out of order', async () => {
    const source = { module: new URL('./order-model.ts', import.meta.url).href, exportName: 'orderModel', args: undefined }
    const one = explore(orderModel())
    expect(one.verdict === 'violated' && one.violation.message).toBe('members 0,1')
    const r = await exploreParallel(orderModel(), source, 2, { grain: 1 })
    expect(r.verdict === 'violated' && r.violation.message).toBe('members 0,1')
  }, 60_000)

  test.prop([collectionSpecArb.filter((spec) => spec.members.length >= 2)], { numRuns: 12 })(
    'its counterexample is that of one worker, and replays exactly',
    async (spec) => {
      const model = collectionModelWithoutMeasures(spec)
      const source = { module: new URL('./collection-model.ts', import.meta.url).href, exportName: 'collectionModelWithoutMeasures', args: spec satisfies CollectionSpec }
      const one = explore(model, {})
      fc.pre(one.verdict === 'violated')
      // one state at a time, levels handed out from their last state: the workers' order differs most from one worker's
      const r = await exploreParallel(model, source, 2, { grain: 1, reverse: true })
      expect(r.verdict).toBe(one.verdict)
      if (r.verdict !== 'violated' || one.verdict !== 'violated') return
      expect(r.violation.path).toEqual(one.violation.path)
      const t = rebuildTrace(model, r.violation.path)
      const meta = { model: 'collections', params: {}, mutations: [], property: r.violation.property, propertyKind: r.violation.kind, message: r.violation.message, toolVersion: 'test' }
      const factory = { ...collectionFactory(spec), create: () => model }
      expect(replayTrace(factory, parseItf(JSON.stringify(toItf(meta, t.states, t.actions)), 'run')).message).toMatch(/^reproduced/)
    },
    120_000,
  )
})

describe('simulation sees the same canonical states', () => {
  test.prop([collectionSpecArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 150 })(
    'a violating run and its shrunk trace: their choices name their actions, and they replay exactly',
    async (spec, seed) => {
      const factory = collectionFactory(spec)
      const model = factory.create({}, new Set())
      const r = await simulate(model, { runs: 60, depth: spec.depth, seed })
      if (r.verdict !== 'violated') return
      for (const t of [r.violation.original, r.violation.shrunk]) {
        // a choice is an index in actions() of a state: rebuilding by index gives the actions the run took
        expect(rebuildTrace(model, t.path).actions).toEqual(t.actions)
        const meta = { model: 'collections', params: {}, mutations: [], property: t.violation.property, propertyKind: t.violation.kind, message: t.violation.message, toolVersion: 'test' }
        const replay = replayTrace(factory, parseItf(JSON.stringify(toItf(meta, t.states, t.actions)), 'run'))
        expect(replay.message).toMatch(/^reproduced/)
      }
    },
  )
})

describe('canonical form', () => {
  test.prop([valueArb])('canonicalize is idempotent and keeps the value', (v) => {
    const c = canonicalize(v)
    expect(ordered(canonicalize(c))).toEqual(ordered(c))
    expect(compareValues(c, v)).toBe(0)
  })

  test.prop([fc.uniqueArray(fc.integer({ min: -9, max: 9 })), fc.uniqueArray(fc.string({ maxLength: 2 }))])(
    'Set members and Map keys come out sorted, whatever the insertion order',
    (xs, ks) => {
      expect([...canonicalize(new Set(xs))]).toEqual([...xs].sort((a, b) => a - b))
      expect([...canonicalize(new Map(ks.map((k) => [k, 0]))).keys()]).toEqual([...ks].sort())
    },
  )

  test('a canonical value comes back as the same object (no copy)', () => {
    const v = Object.freeze({ a: 1, b: new Map([[1, 2]]), c: [new Set([1, 2])] })
    expect(canonicalize(v)).toBe(v)
    const w = { b: 1, a: 2 }
    expect(Object.keys(canonicalize(w))).toEqual(['a', 'b'])
  })

  test('where a value leaves the domain, by path', () => {
    expect(describeDomainViolation({ kernels: [{ ts: 1 }, { ts: NaN }] })).toBe('state.kernels[1].ts is NaN')
    expect(describeDomainViolation({ m: new Map([[3, { x: undefined }]]) })).toBe('state.m.get(3).x is undefined (leave the field out instead)')
    expect(describeDomainViolation({ d: new Date(0) })).toBe('state.d is an instance of Date, not plain data')
    expect(describeDomainViolation({ a: [1, 2.5] })).toBe('state.a[1] is 2.5, not an integer')
    expect(describeDomainViolation({ a: [1, 2] })).toBeNull()
  })
})
