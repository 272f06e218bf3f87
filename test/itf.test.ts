import { test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { deepEqual } from '../src/checker/equal.ts'
import { InputError } from '../src/checker/errors.ts'
import { decodeValue, encodeValue, parseItf, toItf, type TraceMeta } from '../src/checker/itf.ts'
import { explore } from '../src/checker/explorer.ts'
import { rebuildTrace } from '../src/checker/trace.ts'
import { ticket } from '../src/registry/ticket.ts'

import { valueArb } from './values.ts'

const meta: TraceMeta = { model: 'ticket', params: { threads: 3, modulo: 4 }, mutations: ['nonAtomicTicket'], property: 'mutualExclusion', propertyKind: 'invariant', toolVersion: 'test' }

describe('ITF values', () => {
  test.prop([valueArb])('round trip through JSON text', (v) => {
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v))), 'v')
    expect(deepEqual(back, v)).toBe(true)
  })

  test('integers are #bigint, as Quint writes them; plain JSON numbers are read too', () => {
    expect(encodeValue({ x: 3, s: new Set([1]), m: new Map([['k', true]]) })).toEqual({
      x: { '#bigint': '3' },
      s: { '#set': [{ '#bigint': '1' }] },
      m: { '#map': [['k', true]] },
    })
    expect(decodeValue({ x: 3, t: { '#tup': [1, 'a'] } }, 'v')).toEqual({ x: 3, t: [1, 'a'] })
  })
})

describe('ITF traces', () => {
  const model = ticket.create({ threads: 3, modulo: 4 }, new Set(['nonAtomicTicket']))
  const r = explore(model)
  if (r.verdict !== 'violated') throw new Error('the mutation must be caught')
  const trace = rebuildTrace(model, r.violation.path)
  const text = JSON.stringify(toItf(meta, trace.states, trace.actions))

  test('round trip: states and actions come back', () => {
    const parsed = parseItf(text, 't')
    expect(parsed.meta).toMatchObject({ model: 'ticket', mutations: ['nonAtomicTicket'], property: 'mutualExclusion' })
    expect(parsed.steps).toHaveLength(trace.states.length)
    parsed.steps.forEach((st, i) => {
      expect(deepEqual(st.state, trace.states[i])).toBe(true)
      if (i > 0) expect(st.action).toEqual(trace.actions[i - 1])
    })
  })

  test('Quint conventions: init, actionTaken, nondetPicks as options', () => {
    const j = JSON.parse(text)
    expect(j.vars).toEqual(['head', 'tail', 'threads', 'mbt::actionTaken', 'mbt::nondetPicks'])
    expect(j.states[0]['mbt::actionTaken']).toBe('init')
    expect(j.states[1]['mbt::actionTaken']).toBe('readTail')
    expect(j.states[1]['mbt::nondetPicks']).toEqual({ thread: { tag: 'Some', value: { '#bigint': '0' } } })
  })

  const broken: [string, string][] = [
    ['not JSON', text.slice(0, text.length / 2)],
    ['no #meta', JSON.stringify({ vars: [], states: [] })],
    ['no model', JSON.stringify({ '#meta': {}, vars: [], states: [{}] })],
    ['no states', JSON.stringify({ ...JSON.parse(text), states: [] })],
    ['a variable missing', text.replace('"tail"', '"tial"')],
    ['a bad integer', text.replace('"#bigint":"1"', '"#bigint":"one"')],
    ['no action', text.replace('"mbt::actionTaken":"readTail"', '"mbt::actionTaken":7')],
  ]
  for (const [what, t] of broken) {
    test(`malformed (${what}) is an InputError`, () => {
      expect(() => parseItf(t, 't')).toThrow(InputError)
    })
  }
})
