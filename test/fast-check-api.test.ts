/**
 * The fast-check API for users' own tests (`runs`, `checkRun`), used as a user would: with
 * `test.prop` of `@fast-check/vitest` on every configuration that `rkcheck verify` proves
 * at CI bounds, and with `fc.check` on a mutation, whose failure is reported as a shrunk run.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import peterson from '../examples/peterson.ts'
import { deepEqual } from '../src/checker/equal.ts'
import { checkRun, PropertyFailure, runs } from '../src/checker/fast-check.ts'
import { builtinModel } from '../src/checker/load.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { proofs } from '../src/registry/index.ts'

function build(model: string, params: Readonly<Record<string, number | boolean | string>>, mutations: readonly string[] = []): AnyModel {
  const f = builtinModel(model)
  return f.create(resolveTypedParams(f, params), new Set(mutations))
}

const lamport = build('lamport', { kernels: 3, atomicTimestamp: true })

/** What `rkcheck verify` proves at CI bounds: every property holds, so it holds along random runs too. */
const proved = proofs.filter((e) => 'holds' in e.expect && e.suites.includes('ci') && !e.mutations)

describe('runs(model) with test.prop', () => {
  it('there are proofs to run', () => expect(proved.length).toBeGreaterThan(5))
  for (const e of proved) {
    const model = build(e.model, e.params)
    const only = { ...(e.properties ? { properties: e.properties } : {}), deadlock: e.checkDeadlock ?? true }
    test.prop([runs(model, { depth: 50 })], { numRuns: 20 })(`${e.id}: the properties verify proves hold along random runs`, (run) => {
      checkRun(model, run, only)
    })
  }

  test.prop([runs(lamport, { depth: 60 })], { numRuns: 30 })('a run is valid: each action is enabled where it is taken and leads to the next state', (run) => {
    expect(run.states).toHaveLength(run.actions.length + 1)
    expect(lamport.init().some((s) => deepEqual(s, run.states[0]))).toBe(true)
    run.actions.forEach((a, k) => {
      expect(lamport.actions(run.states[k]).some((b) => deepEqual(a, b))).toBe(true)
      expect(deepEqual(lamport.next(run.states[k], a), run.states[k + 1])).toBe(true)
    })
    if (run.end === 'terminal' || run.end === 'deadlock') expect(lamport.actions(run.states.at(-1))).toHaveLength(0)
  })
})

describe('a user model with test.prop (the README example)', () => {
  const model = peterson.create({}, new Set())
  test.prop([runs(model, { depth: 30 })])('peterson keeps mutual exclusion along every run', (run) => {
    checkRun(model, run)
  })
})

describe('a failing property is reported as a shrunk run', () => {
  const mutated = build('ticket', { threads: 3, modulo: 4 }, ['nonAtomicTicket'])
  const property = fc.property(runs(mutated, { depth: 40 }), (run) => {
    checkRun(mutated, run, { properties: ['mutualExclusion'], deadlock: false })
  })

  it('fast-check finds the lost mutual exclusion and shrinks the run', () => {
    const details = fc.check(property, { seed: 7 })
    expect(details.failed).toBe(true)
    const run = details.counterexample![0]
    expect(() => checkRun(mutated, run, { properties: ['mutualExclusion'] })).toThrow(/^mutualExclusion fails at state \d+, after thread \d: (writeTail|enter)/)
    // the shortest counterexample has 6 steps (BFS); fast-check's shrinking of choices gets near it
    expect(run.actions.length).toBeLessThanOrEqual(10)
    expect(String(run)).toMatch(/^run of \d+ steps from initial state #0:\n {2}1: thread \d: readTail/)
  })

  it('the report lists the shrunk run step by step and names the property that fails', () => {
    let error: Error | undefined
    try {
      fc.assert(property, { seed: 7 })
    } catch (e) {
      error = e as Error
    }
    expect(error?.message).toMatch(/Counterexample: \[run of \d+ steps from initial state #0:\n {2}1: thread \d: readTail\n/)
    expect(error?.cause).toBeInstanceOf(PropertyFailure)
    expect((error?.cause as Error).message).toMatch(/^mutualExclusion fails at state \d+, after thread \d: enter: threads \d and \d are in the critical section at once/)
  })

  it('shrinking is deterministic', () => {
    const a = fc.check(property, { seed: 7 })
    const b = fc.check(property, { seed: 7 })
    expect(String(a.counterexample![0])).toBe(String(b.counterexample![0]))
  })
})
