/**
 * The fingerprints whose key another worker lowered (`parallel/lowered.ts`): a worker reads
 * the final key back only for its states in this set, so a fingerprint missed here would
 * keep a stale key. The set must hold exactly the listed fingerprints, a lane A of 0 being
 * the same as 1, as the visited set stores it. Then the states are put in key order: those
 * keeping their own key come in the order reached, the lowered ones are merged in.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { inKeyOrder, LoweredList, LoweredSet } from '../src/checker/parallel/lowered.ts'

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

describe('a worker\'s states in key order', () => {
  /** Distinct keys; `own` in the order given (sorted unless `shuffled`), `moved` in any order. */
  const states = fc
    .record({
      keys: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 4 })), { maxLength: 60, selector: ([r, a]) => r * 8 + a }),
      movedFlags: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
      shuffled: fc.boolean(),
      seed: fc.integer(),
    })
    .map(({ keys, movedFlags, shuffled, seed }) => {
      const rank = Int32Array.from(keys.map((k) => k[0]))
      const act = Int32Array.from(keys.map((k) => k[1]))
      const ids = keys.map((_, id) => id)
      const byKey = (x: number, y: number): number => rank[x]! - rank[y]! || act[x]! - act[y]!
      const own = ids.filter((id) => !movedFlags[id]).sort(byKey)
      if (shuffled) own.sort((x, y) => ((x * 7919 + seed) % 13) - ((y * 7919 + seed) % 13))
      const moved = ids.filter((id) => movedFlags[id]).reverse()
      return { rank, act, own, moved, expected: [...ids].sort(byKey) }
    })

  it('equals sorting them all', () => {
    fc.assert(
      fc.property(states, ({ rank, act, own, moved, expected }) => {
        expect([...inKeyOrder(Int32Array.from(own), [...moved], rank, act)]).toEqual(expected)
      }),
      { numRuns: 1000 },
    )
  })
})
