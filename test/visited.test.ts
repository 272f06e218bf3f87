import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { FingerprintSet } from '../src/checker/visited.ts'
import { NO_PARENT, StateLog } from '../src/checker/state-log.ts'

const fpArb = fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }))

describe('FingerprintSet', () => {
  test.prop([fc.array(fpArb, { maxLength: 3000 })])('behaves as a set of pairs, across growth', (fps) => {
    const set = new FingerprintSet(16)
    const ref = new Set<string>()
    for (const [a, b] of fps) {
      const key = (a | b) === 0 ? '0,1' : `${a},${b}`
      expect(set.add(a, b)).toBe(!ref.has(key))
      ref.add(key)
    }
    expect(set.size).toBe(ref.size)
    for (const [a, b] of fps) expect(set.has(a, b)).toBe(true)
    expect(set.capacity * 0.75).toBeGreaterThanOrEqual(set.size)
  })

  test('grows from 16 slots to hold 200,000 fingerprints, all found again', () => {
    const set = new FingerprintSet(16)
    let added = 0
    for (let i = 0; i < 200_000; i++) if (set.add(Math.imul(i, 0x9e3779b1), i ^ 0x5bd1e995)) added++
    expect(added).toBe(200_000)
    expect(set.size).toBe(200_000)
    expect(set.capacity).toBe(1 << 19)
    let found = 0
    for (let i = 0; i < 200_000; i++) if (set.has(Math.imul(i, 0x9e3779b1), i ^ 0x5bd1e995)) found++
    expect(found).toBe(200_000)
    expect(set.has(1, 2)).toBe(false)
  })

  test('fingerprints that land in the same slot are kept apart by linear probing', () => {
    const set = new FingerprintSet(16)
    // slot = (a ^ (b >>> 7)) & mask: a = 5, b < 128 all land in slot 5 of 16
    for (let b = 1; b <= 10; b++) expect(set.add(5, b)).toBe(true)
    for (let b = 1; b <= 10; b++) expect(set.add(5, b)).toBe(false)
    expect(set.has(5, 11)).toBe(false)
    expect(set.size).toBe(10)
    // the same low word with a different high word is a different fingerprint
    expect(set.add(5 + (1 << 20), 1)).toBe(true)
  })

  test('the zero fingerprint is stored (as 0,1)', () => {
    const set = new FingerprintSet(16)
    expect(set.add(0, 0)).toBe(true)
    expect(set.has(0, 0)).toBe(true)
    expect(set.add(0, 0)).toBe(false)
  })
})

describe('StateLog', () => {
  test('keeps predecessor and action index, widening past 255 actions', () => {
    const log = new StateLog()
    const root = log.push(NO_PARENT, 0)
    let cur = root
    for (let i = 0; i < 3000; i++) cur = log.push(cur, i % 7)
    const wide = log.push(cur, 300)
    expect(log.path(wide)).toEqual([0, ...Array.from({ length: 3000 }, (_, i) => i % 7), 300])
    expect(log.parent(wide)).toBe(cur)
  })
})
