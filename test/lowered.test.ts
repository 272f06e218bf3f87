/**
 * The fingerprints whose key another worker lowered (`parallel/lowered.ts`): a worker reads
 * the final key back only for its states in this set, so a fingerprint missed here would
 * keep a stale key. The set must hold exactly the listed fingerprints, a lane A of 0 being
 * the same as 1, as the visited set stores it.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { LoweredList, LoweredSet } from '../src/checker/parallel/lowered.ts'

const lane = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -2, max: 2 }))
const fingerprint = fc.tuple(lane, lane)
const same = ([a, b]: [number, number], [c, d]: [number, number]): boolean => (a === 0 ? 1 : a) === (c === 0 ? 1 : c) && b === d

describe('the set of lowered fingerprints', () => {
  it('holds exactly the fingerprints of every list', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fingerprint, { maxLength: 300 }), { minLength: 1, maxLength: 4 }), fc.array(fingerprint, { maxLength: 300 }), (lists, probes) => {
        const set = new LoweredSet(
          lists.map((fs) => {
            const l = new LoweredList()
            for (const [a, b] of fs) l.add(a, b)
            return l.list
          }),
        )
        const held = lists.flat()
        for (const f of held) expect(set.has(f[0], f[1])).toBe(true)
        for (const p of probes) expect(set.has(p[0], p[1])).toBe(held.some((f) => same(f, p)))
      }),
      { numRuns: 300 },
    )
  })

  it('a list starts empty again when cleared, and keeps what it held past its first buffer', () => {
    const l = new LoweredList()
    for (let i = 0; i < 1000; i++) l.add(i, -i)
    expect(l.list.count).toBe(1000)
    const set = new LoweredSet([l.list])
    expect([set.has(999, -999), set.has(0, 0), set.has(1000, -1000)]).toEqual([true, true, false])
    l.clear()
    expect(l.list.count).toBe(0)
  })
})
