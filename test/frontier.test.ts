import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { VectorFrontier } from '../src/checker/frontier.ts'

/** Operations: push an entry of n words (n may exceed a chunk of `big` words), or take one. */
const opsArb = (big: number) =>
  fc.array(fc.oneof(fc.record({ push: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(big)) }), fc.constant({ take: true })), { maxLength: 300 })

describe('VectorFrontier', () => {
  // small chunks: entries cross many chunks, and dropped chunks are reused (with their old words)
  for (const [lifo, chunkWords] of [[false, undefined], [true, undefined], [false, 16], [true, 16]] as const) {
    test.prop([opsArb(chunkWords === undefined ? 5_000_000 : 20)], { numRuns: 60 })(`behaves as a ${lifo ? 'stack' : 'queue'} of word vectors, across chunks of ${chunkWords ?? 'default'} words`, (ops) => {
      const f = new VectorFrontier(lifo, chunkWords === undefined ? {} : { chunkWords })
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
      while (f.take()) model.pop()
      expect(f.bytes).toBe(0)
    })
  }

  test('a chunk dropped once read is reused for a chunk of its size only, and its old words are never read', () => {
    const f = new VectorFrontier(false, { chunkWords: 16 })
    const vec = (id: number, n: number) => Int32Array.from({ length: n }, (_, i) => id * 1000 + i)
    const expected: [number, number][] = []
    let id = 0
    // sizes that alternate between entries that fit a chunk of 16 words and entries that need a chunk of their own
    for (const n of [1, 40, 2, 30, 40, 1, 3, 40, 40, 1, 25, 2]) {
      f.push(vec(id, n), n, id, 0)
      expected.push([id, n])
      id++
      if (id % 2 === 0) {
        const [want, n] = expected.shift()!
        expect(f.take()).toBe(true)
        expect(f.id).toBe(want)
        expect([...f.current.subarray(0, f.currentLength)]).toEqual([...vec(want, n)])
      }
    }
    for (const [want, n] of expected) {
      expect(f.take()).toBe(true)
      expect(f.id).toBe(want)
      expect([...f.current.subarray(0, f.currentLength)]).toEqual([...vec(want, n)])
    }
    expect(f.take()).toBe(false)
    expect(f.bytes).toBe(0)
  })
})
