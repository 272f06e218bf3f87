/** A model that breaks its contract gets one line naming what broke, never a verdict. */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ModelError } from '../src/checker/errors.ts'
import { explore } from '../src/checker/explorer.ts'
import type { Model } from '../src/checker/model.ts'
import { reducer } from '../src/checker/reducer.ts'
import { rebuildTrace } from '../src/checker/trace.ts'
import { tempDir } from './temp-dir.ts'

type S = { n: number; k: { ts: number }[] }
type A = { type: 'inc' } | { type: 'stamp'; kernel: number }

/** A counter to 3 that a test breaks in one place. */
function counter(edit: Partial<Model<S, A>> = {}): Model<S, A> {
  return {
    name: 'counter',
    init: () => [{ n: 0, k: [{ ts: 0 }, { ts: 0 }] }],
    actions: (s) => (s.n < 3 ? [{ type: 'inc' }, { type: 'stamp', kernel: 1 }] : []),
    next: reducer<S, A>((d, a) => {
      if (a.type === 'inc') d.n++
      else d.k[a.kernel]!.ts = d.n === 2 ? NaN : d.n
    }),
    invariants: { small: (s) => s.n < 9 || 'big' },
    terminal: () => true,
    ...edit,
  }
}

function error(m: Model<S, A>, representation: 'vectors' | 'objects'): string {
  try {
    explore(m, { representation })
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError)
    const msg = (e as Error).message
    expect(msg.split('\n')).toHaveLength(1)
    return msg
  }
  throw new Error('the broken model was explored without an error')
}

describe.each(['vectors', 'objects'] as const)('a broken model (%s)', (representation) => {
  test('a value outside the domain: its path, the action and the state it came from', () => {
    expect(error(counter(), representation)).toMatch(/^state\.k\[1\]\.ts is NaN after action stamp\(\{"kernel":1\}\) \(from state #\d+\)$/)
  })

  test('with a view: a bad value in a state whose view was seen, and a bad value in the view itself', () => {
    // the view leaves k out: the state with NaN has the view of a state seen before
    const seenView = counter({ view: (s) => ({ n: s.n }), actions: (s) => (s.n < 3 ? [{ type: 'inc' }, { type: 'stamp', kernel: 1 }] : []) })
    expect(error(seenView, representation)).toMatch(/^state\.k\[1\]\.ts is NaN after action stamp/)
    const badView = counter({ view: (s) => ({ n: s.n === 2 ? NaN : s.n }), next: reducer<S, A>((d, a) => void (a.type === 'inc' ? d.n++ : 0)) })
    expect(error(badView, representation)).toMatch(/^view\(state\)\.n is NaN after action inc\(\) \(from state #\d+\)$/)
  })

  test('init() with no state, or not an array', () => {
    expect(error(counter({ init: () => [] }), representation)).toBe('init() returned no initial state')
    expect(error(counter({ init: (() => undefined) as never }), representation)).toMatch(/^init\(\) returned undefined/)
  })

  test('actions() not an array, an action without a string type', () => {
    expect(error(counter({ actions: (() => ({ type: 'inc' })) as never }), representation)).toMatch(/^actions\(\) returned an object, not an array at state #0$/)
    expect(error(counter({ actions: (() => [{ kind: 'inc' }]) as never }), representation)).toMatch(/^actions\(\) returned an action without a string type \(#0: \{"kind":"inc"\}\)/)
    expect(error(counter({ actions: (() => [null]) as never }), representation)).toMatch(/without a string type \(#0: null\)/)
  })

  test('a function that throws: which one, on which action, from which state', () => {
    const boom = (): never => {
      throw new TypeError('boom')
    }
    expect(error(counter({ actions: boom }), representation)).toBe('actions() threw (from state #0): boom')
    expect(error(counter({ next: boom }), representation)).toMatch(/^next\(\) threw on action inc\(\) \(from state #0\): boom$/)
    expect(error(counter({ invariants: { small: boom } }), representation)).toBe('property small threw: boom')
    expect(error(counter({ terminal: boom, actions: () => [] }), representation)).toBe('terminal() threw (from state #0): boom')
  })

  test('a field set to undefined, a class instance, a fraction in an initial state', () => {
    expect(error(counter({ init: () => [{ n: 0, k: [{ ts: undefined as never }] }] }), representation)).toBe(
      'state.k[0].ts is undefined (leave the field out instead) in an initial state',
    )
    expect(error(counter({ init: () => [{ n: new Date(0) as never, k: [] }] }), representation)).toBe('state.n is an instance of Date, not plain data in an initial state')
    expect(error(counter({ init: () => [{ n: 0.5, k: [] }] }), representation)).toBe('state.n is 0.5, not an integer in an initial state')
  })

  test('every kind of value outside the domain, by its path, after the action that made it', () => {
    class Clock {
      t = 0
    }
    const outside: [unknown, string][] = [
      [undefined, 'is undefined (leave the field out instead)'],
      [null, 'is null'],
      [NaN, 'is NaN'],
      [Infinity, 'is Infinity'],
      [2.5, 'is 2.5, not an integer'],
      [2 ** 60, `is ${2 ** 60}, beyond 2^53`],
      [() => 1, 'is a function'],
      [Symbol('s'), 'is a symbol'],
      [10n, 'is a bigint (10n): use a number'],
      [new Clock(), 'is an instance of Clock, not plain data'],
      [new Map([[1, NaN]]), '.get(1) is NaN'],
      [new Set([null]), ' (a member) is null'],
    ]
    for (const [bad, said] of outside) {
      const next = reducer<S, A>((d, a) => {
        if (a.type === 'inc') d.n++
        else (d.k[a.kernel] as { ts: unknown }).ts = d.n === 1 ? bad : d.n
      })
      const at = said.startsWith('is') ? ` ${said}` : said
      expect(error(counter({ next }), representation)).toBe(`state.k[1].ts${at} after action stamp({"kernel":1}) (from state #1)`)
    }
  })
})

test('rebuilding a trace checks the same contract', () => {
  expect(() => rebuildTrace(counter(), [0, 0, 0, 1])).toThrow(/^state\.k\[1\]\.ts is NaN after action stamp\(\{"kernel":1\}\) at state 2$/)
})

test('a model whose actions() is not deterministic: rebuilding its trace names actions(), not an index', () => {
  let calls = 0
  // the second call of actions() at the initial state gives one action fewer
  const m = counter({ actions: (s) => (s.n < 3 ? (++calls > 1 ? [{ type: 'inc' }] : [{ type: 'inc' }, { type: 'stamp', kernel: 0 }]) : []) })
  expect(m.actions(m.init()[0]!)).toHaveLength(2) // as the search saw it
  const e = (() => {
    try {
      rebuildTrace(m, [0, 1])
    } catch (err) {
      return err
    }
  })()
  expect(e).toBeInstanceOf(ModelError)
  expect((e as Error).message).toBe(
    'actions() is not deterministic: at state 0 it gives 1 action now, the search took action #1 (the same state must give the same actions in the same order)',
  )
})

test('on the command line: one line on stderr, exit 2, never a verdict', () => {
  const dir = tempDir('rkcheck-contract-')
  const file = join(dir, 'broken.ts')
  writeFileSync(
    file,
    `export default { name: 'broken', init: () => [{ x: 0 }], actions: (s: { x: number }) => (s.x < 2 ? [{ type: 'go' }] : []),
      next: (s: { x: number }) => ({ x: s.x + 0.5 }), invariants: {}, terminal: () => true }\n`,
  )
  const r = spawnSync(process.execPath, [resolve('bin/rkcheck.mjs'), 'check', '--model-file', file, '-q'], { encoding: 'utf8' })
  expect(r.status).toBe(2)
  expect(r.stdout).not.toMatch(/Verdict/)
  expect(r.stderr.trim().split('\n')).toEqual(['rkcheck: state.x is 0.5, not an integer after action go() (from state #0)'])
})
