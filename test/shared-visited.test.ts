/**
 * The parallel search's visited set grows by copying its entries into a table of twice the
 * slots, each worker a part (`rehashPart`), then the entries a part left at its boundary
 * (`rehashLeft`). Here the parts run one after the other, in every order, on full tables:
 * every entry must be found in the larger table with its key, and nothing else.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Insert, SharedVisited, SHARED_LOAD } from '../src/checker/shared-visited.ts'

function filled(slots: number, entries: readonly [number, number][]): SharedVisited {
  const v = new SharedVisited(SharedVisited.allocate(slots), new SharedArrayBuffer(8))
  entries.forEach(([a, b], k) => v.insert(a, b, 3, k, k & 0xfff))
  return v
}

function grownInParts(v: SharedVisited, parts: number, order: readonly number[]): SharedVisited {
  const larger = v.larger()
  const left = order.map((part) => larger.rehashPart(v.table, part, parts))
  for (const l of left) larger.rehashLeft(v.table, l)
  return larger
}

/** Fingerprints that crowd three home slots (of the larger table), so that probes run across part boundaries. */
const crowded = (slots: number) =>
  fc.tuple(
    fc.array(fc.integer({ min: 0, max: 2 * slots - 1 }), { minLength: 3, maxLength: 3 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 })), {
      minLength: 1,
      maxLength: Math.floor(slots * SHARED_LOAD),
    }),
  )

describe('SharedVisited: growing in parts', () => {
  it('every entry keeps its key, whatever the parts and their order', () => {
    const slots = 64
    fc.assert(
      fc.property(crowded(slots), fc.integer({ min: 1, max: 5 }), fc.boolean(), ([homes, raw], parts, reversed) => {
        // lane A: high bits random, low bits one of the homes (the larger table's mask is 127)
        const all = raw.map(([h, hi, b]): [number, number] => [((hi & ~127) | homes[h]!) ^ (b >>> 7) || 1, b])
        const entries = [...new Map(all.map((e) => [`${e[0]},${e[1]}`, e])).values()]
        const v = filled(slots, entries)
        const order = Array.from({ length: parts }, (_, k) => (reversed ? parts - 1 - k : k))
        const g = grownInParts(v, parts, order)
        expect(g.slots).toBe(slots * 2)
        let occupied = 0
        for (let j = 0; j < g.table.length; j += 4) if (g.table[j] !== 0) occupied++
        expect(occupied).toBe(entries.length)
        entries.forEach(([a, b], k) => {
          const slot = g.find(a, b)
          expect(slot).toBeGreaterThanOrEqual(0)
          expect(g.rankAt(slot)).toBe(k)
          expect(g.actionAt(slot)).toBe(k & 0xfff)
          // seen at the same level: the smaller key stays
          expect(g.insert(a, b, 3, k + 1, 0)).toBe(Insert.Seen)
        })
      }),
      { numRuns: 300 },
    )
  })

  it('a part whose probes run past its range leaves those entries to rehashLeft', () => {
    // every entry has the same home, in the middle of the larger table: part 0 of 2 ends there
    const entries: [number, number][] = Array.from({ length: 20 }, (_, k) => [(63 ^ ((k + 1) >>> 7)) | (k << 16), k + 1])
    const v = filled(64, entries)
    const larger = v.larger()
    const left0 = larger.rehashPart(v.table, 0, 2)
    const left1 = larger.rehashPart(v.table, 1, 2)
    expect(left0.length).toBeGreaterThan(0)
    expect(left1).toEqual([])
    larger.rehashLeft(v.table, left0)
    for (const [a, b] of entries) expect(larger.find(a, b)).toBeGreaterThanOrEqual(0)
  })
})
