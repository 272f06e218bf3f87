import { fc, test } from '@fast-check/vitest'
import { freeze } from 'immer'
import { describe, expect } from 'vitest'
import { fingerprintHex, fingerprintWordsHiding, fpA, fpB } from '../src/checker/fingerprint.ts'
import { valueArb } from './values.ts'

/** A canonical text of a value (sorted keys, sorted Map/Set entries), independent of the hasher. */
function canonical(v: unknown): string {
  if (typeof v === 'number') return `n${v}`
  if (typeof v === 'string') return `s${JSON.stringify(v)}`
  if (typeof v === 'boolean') return `b${v}`
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v instanceof Map) return `M{${[...v].map(([k, x]) => `${canonical(k)}:${canonical(x)}`).sort().join(',')}}`
  if (v instanceof Set) return `S{${[...v].map(canonical).sort().join(',')}}`
  const o = v as Record<string, unknown>
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`
}

function shuffledCopy(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffledCopy(x, seed))
  if (v instanceof Map) return new Map([...v].reverse().map(([k, x]) => [k, shuffledCopy(x, seed)]))
  if (v instanceof Set) return new Set([...v].reverse())
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v)
    if (seed % 2) keys.reverse()
    return Object.fromEntries(keys.map((k) => [k, shuffledCopy((v as Record<string, unknown>)[k], seed)]))
  }
  return v
}

describe('structural fingerprints', () => {
  test.prop([valueArb, fc.integer()])('equal values have equal fingerprints, whatever the key or entry order', (v, seed) => {
    expect(fingerprintHex(shuffledCopy(v, seed))).toBe(fingerprintHex(v))
  })

  test.prop([fc.array(valueArb, { minLength: 2, maxLength: 40 })])('distinct values get distinct fingerprints', (vs) => {
    const byCanon = new Map(vs.map((v) => [canonical(v), v]))
    const fps = new Set([...byCanon.values()].map(fingerprintHex))
    expect(fps.size).toBe(byCanon.size)
  })

  test('near-identical states differ', () => {
    const base = { head: 0, tail: 1, threads: [{ pc: 'idle', ticket: 0 }, { pc: 'waiting', ticket: 1 }] }
    const variants = [
      base,
      { ...base, head: 1 },
      { ...base, tail: 0 },
      { ...base, threads: [base.threads[1], base.threads[0]] },
      { head: 0, tail: 1, threads: [{ pc: 'idle', ticket: 1 }, { pc: 'waiting', ticket: 0 }] },
      { head: 1, tail: 0, threads: base.threads },
      { head: '0', tail: 1, threads: base.threads },
      { ...base, extra: 0 },
      [0, 1],
      [1, 0],
      new Map([[0, 1]]),
      new Map([[1, 0]]),
      new Set([0, 1]),
      { 0: 1 },
      { 1: 0 },
    ]
    expect(new Set(variants.map(fingerprintHex)).size).toBe(variants.length)
  })

  test('memoized (frozen, large) subtrees hash as their unfrozen copies do', () => {
    const big = Array.from({ length: 50 }, (_, i) => ({ i, tag: `t${i % 3}` }))
    const frozen = freeze({ big, n: 1 }, true)
    const copy = JSON.parse(JSON.stringify({ big, n: 1 })) as unknown
    expect(fingerprintHex(frozen)).toBe(fingerprintHex(copy))
    expect(fingerprintHex(frozen)).toBe(fingerprintHex(frozen))
    const changed = freeze({ big, n: 2 }, true)
    expect(fingerprintHex(changed)).not.toBe(fingerprintHex(frozen))
  })
})

describe('fingerprint of state vectors', () => {
  const fp = (words: number[], spans: number[] = []): string => {
    fingerprintWordsHiding(Int32Array.from(words), words.length, Int32Array.from(spans), spans.length / 2)
    return `${fpA()}:${fpB()}`
  }
  const wordsArb = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 0, maxLength: 40 })

  test.prop([fc.array(wordsArb, { minLength: 2, maxLength: 30 })])('distinct vectors get distinct fingerprints', (vs) => {
    const seen = new Map(vs.map((v) => [fp(v), v.join(',')]))
    expect(seen.size).toBe(new Set(vs.map((v) => v.join(','))).size)
  })

  test.prop([wordsArb.filter((v) => v.length >= 2), fc.nat()])('a word moved by one place counts (words of even and odd rank are hashed apart)', (v, at) => {
    const i = at % (v.length - 1)
    fc.pre(v[i] !== v[i + 1])
    const w = [...v]
    ;[w[i], w[i + 1]] = [w[i + 1]!, w[i]!]
    expect(fp(w)).not.toBe(fp(v))
  })

  test.prop([fc.array(fc.tuple(wordsArb, wordsArb), { minLength: 1, maxLength: 5 }), wordsArb])(
    'hidden spans of any length leave the fingerprint of the kept words as it is',
    (parts, tail) => {
      // kept words, then a hidden span, in turn; once with the spans' words, once without
      const withHidden: number[] = []
      const spans: number[] = []
      const kept: number[] = []
      for (const [k, h] of parts) {
        withHidden.push(...k)
        kept.push(...k)
        spans.push(withHidden.length, withHidden.length + h.length)
        withHidden.push(...h)
      }
      withHidden.push(...tail)
      kept.push(...tail)
      expect(fp(withHidden, spans)).toBe(fp(kept))
    },
  )
})
