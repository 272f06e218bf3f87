/** Packed state vectors (`packed.ts`): every word comes back, whatever its size and sign. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pack, packedBound, unpack } from '../src/checker/packed.ts'

describe('packed vectors', () => {
  it('unpack(pack(words)) gives the words back, one after another in one buffer', () => {
    const word = fc.oneof(fc.integer({ min: -200, max: 200 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)))
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 40 }), { minLength: 1, maxLength: 5 }), (vectors) => {
        const out = new Uint8Array(vectors.reduce((n, v) => n + packedBound(v.length), 0))
        const ends: number[] = []
        let at = 0
        for (const v of vectors) ends.push((at = pack(Int32Array.from(v), v.length, out, at)))
        let from = 0
        vectors.forEach((v, k) => {
          const back = new Int32Array(Math.max(1, ends[k]! - from))
          const n = unpack(out, from, ends[k]!, back)
          expect(Array.from(back.subarray(0, n))).toEqual(v)
          from = ends[k]!
        })
      }),
      { numRuns: 500 },
    )
  })

  it("words from -64 to 63 take a byte each", () => {
    const v = Int32Array.from([0, 1, -1, 63, -64, 7 << 3])
    expect(pack(v, v.length, new Uint8Array(64), 0)).toBe(6)
  })
})
