import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { VectorFrontier } from '../src/checker/frontier.ts'

/** Operations: push an entry of n words (n may exceed a chunk), or take one. */
const opsArb = fc.array(fc.oneof(fc.record({ push: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(5_000_000)) }), fc.constant({ take: true })), { maxLength: 300 })

describe('VectorFrontier', () => {
  for (const lifo of [false, true]) {
    test.prop([opsArb], { numRuns: 60 })(`behaves as a ${lifo ? 'stack' : 'queue'} of word vectors, across chunks`, (ops) => {
      const f = new VectorFrontier(lifo)
      const model: { id: number; words: number[] }[] = []
      let nextId = 0
      for (const op of ops) {
        if ('push' in op) {
          const n = op.push
          const words = Int32Array.from({ length: Math.min(n, 64) }, (_, i) => nextId * 1000 + i)
          const big = n > 64 ? new Int32Array(n) : words
          if (n > 64) big.set(words)
          f.push(big, n, nextId, nextId % 7)
          model.push({ id: nextId, words: [...big.subarray(0, Math.min(n, 64))] })
          nextId++
        } else {
          const expected = lifo ? model.pop() : model.shift()
          expect(f.take()).toBe(expected !== undefined)
          if (expected) {
            expect(f.id).toBe(expected.id)
            expect(f.depth).toBe(expected.id % 7)
            expect([...f.current.subarray(0, Math.min(f.currentLength, 64))]).toEqual(expected.words)
          }
        }
        expect(f.size).toBe(model.length)
      }
    })
  }
})
