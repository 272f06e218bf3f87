import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { compileCodec, coordinatorInterning, encodedWords, genericCodec, reordered } from '../src/checker/codec.ts'
import { SharedInternTable } from '../src/checker/shared-intern.ts'
import { deepEqual } from '../src/checker/equal.ts'
import { canonicalize, DomainError } from '../src/checker/canonical.ts'
import { ordered, valueArb } from './values.ts'

function words(codec: { encode(v: unknown): void }, v: unknown): number[] {
  codec.encode(v)
  return [...encodedWords()]
}

/** `c` writes the words of the generic codec for `v`, and says as it does whether `v` was out of order. */
function expectAsGeneric(c: { encode(v: unknown): void }, v: unknown): void {
  const generic = words(genericCodec, v)
  const moved = reordered()
  expect(words(c, v)).toEqual(generic)
  expect(reordered()).toBe(moved)
}

function decodeAll(codec: ReturnType<typeof compileCodec>, v: unknown): unknown {
  codec.encode(v)
  return codec.decode(Int32Array.from(encodedWords()), 0)
}

const threadArb = fc.record({ pc: fc.constantFrom('idle', 'waiting', 'critical', 'other'), ticket: fc.integer({ min: -5, max: 5 }) })
const ticketLike = fc.record({ head: fc.integer(), tail: fc.oneof(fc.integer(), fc.constant('x')), threads: fc.array(threadArb, { maxLength: 5 }) })

describe('state vectors', () => {
  test.prop([valueArb])('generic: decode(encode(v)) equals v', (v) => {
    expect(deepEqual(decodeAll(genericCodec as ReturnType<typeof compileCodec>, v), v)).toBe(true)
  })

  test.prop([valueArb, valueArb])('a codec compiled for one shape encodes any value as the generic codec does', (sample, v) => {
    const c = compileCodec([sample])
    expect(words(c, v)).toEqual(words(genericCodec, v))
    expect(deepEqual(decodeAll(c, v), v)).toBe(true)
  })

  const sample = { head: 0, tail: 0, threads: [{ pc: 'idle', ticket: 0 }] }
  test.prop([ticketLike])('compiled for a ticket state: same words as generic, exact round trip', (v) => {
    const c = compileCodec([sample])
    expect(words(c, v)).toEqual(words(genericCodec, v))
    expect(deepEqual(decodeAll(c, v), v)).toBe(true)
  })

  const queueSample = { pages: new Map([[0, [{ ts: 1, kernel: 0, heavy: false }]]]), heavy: [] }
  const entryArb = fc.record({ ts: fc.integer({ min: 0, max: 9 }), kernel: fc.integer({ min: 0, max: 3 }), heavy: fc.boolean() })
  // keys near the bounds of a small integer (2^28) and past them, in any insertion order
  const SMALL = 2 ** 28
  const keyArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-SMALL - 1, -SMALL, SMALL - 1, SMALL, 2 ** 31, -(2 ** 40)))
  // fields in canonical order, so that only a Map's order can make the value out of order
  const queuesArb = fc.record({
    heavy: fc.array(entryArb, { maxLength: 2 }),
    pages: fc.uniqueArray(fc.tuple(keyArb, fc.array(entryArb, { maxLength: 3 })), { selector: ([k]) => k, maxLength: 4 }).map((e) => new Map(e)),
  })
  test.prop([fc.oneof(queuesArb, valueArb)])('compiled for integer-keyed Maps: same words as generic, exact round trip', (v) => {
    const c = compileCodec([queueSample])
    expectAsGeneric(c, v)
    expect(deepEqual(decodeAll(c, v), v)).toBe(true)
  })

  test('integer-keyed Maps at the bounds of a small integer: same words as generic, first key or later', () => {
    const c = compileCodec([queueSample])
    for (const k of [-SMALL - 1, -SMALL, SMALL - 1, SMALL, -(2 ** 40)]) {
      for (const keys of [[k], [k, 5], [-5, k]]) {
        expectAsGeneric(c, { heavy: [], pages: new Map(keys.map((x) => [x, []])) })
      }
    }
  })

  test('a record is told from other objects as the generic codec tells it', () => {
    const c = compileCodec([sample])
    class Thread {
      constructor(
        readonly pc: string,
        readonly ticket: number,
      ) {}
    }
    const classed = { head: 0, tail: 0, threads: [new Thread('idle', 0)] }
    expect(() => c.encode(classed)).toThrow(DomainError)
    expect(() => genericCodec.encode(classed)).toThrow(DomainError)
    // a prototype that is a plain object: its constructor reads as Object all the same
    const inherited = { head: 0, tail: 0, threads: [Object.assign(Object.create({}) as object, { pc: 'idle', ticket: 0 })] }
    expect(() => c.encode(inherited)).toThrow(DomainError)
    expect(() => genericCodec.encode(inherited)).toThrow(DomainError)
    const bare = Object.assign(Object.create(null) as object, { pc: 'idle', ticket: 0 })
    const withBare = { head: 0, tail: 0, threads: [bare] }
    expect(words(c, withBare)).toEqual(words(genericCodec, withBare))
    expect(words(c, withBare)).toEqual(words(c, sample))
  })

  test('values off the compiled shape are still told apart', () => {
    const c = compileCodec([sample])
    const variants: unknown[] = [
      sample,
      { ...sample, extra: 1 },
      { head: 0, tail: 0 },
      { head: 0, tail: 0, threads: [{ pc: 'idle' }] },
      { head: 0, tail: 0, threads: [{ pc: 'idle', ticket: 0, more: true }] },
      { head: 2 ** 40, tail: 0, threads: [] },
      { head: -(2 ** 52), tail: 0, threads: [] },
      { head: 0, tail: 0, threads: new Map([[1, 2]]) },
    ]
    const encoded = new Set(variants.map((v) => words(c, v).join(',')))
    expect(encoded.size).toBe(variants.length)
    for (const v of variants) expect(deepEqual(decodeAll(c, v), v)).toBe(true)
  })

  test.prop([valueArb, valueArb])('decoding gives the canonical form, in its iteration order, whatever the codec', (sample, v) => {
    const canon = canonicalize(v)
    expect(ordered(decodeAll(genericCodec as ReturnType<typeof compileCodec>, v))).toEqual(ordered(canon))
    expect(ordered(decodeAll(compileCodec([sample]), v))).toEqual(ordered(canon))
  })

  test('a value outside the domain of states is a DomainError, whichever path meets it', () => {
    const c = compileCodec([sample])
    const bad: unknown[] = [
      { head: 0, tail: undefined, threads: [] },
      { head: 0.5, tail: 0, threads: [] },
      { head: NaN, tail: 0, threads: [] },
      { head: 2 ** 53, tail: 0, threads: [] },
      { head: null, tail: 0, threads: [] },
      { head: 0, tail: 0, threads: [new Date(0)] },
      { head: 0, tail: 0, threads: [() => 1] },
      { head: 0, tail: 0, threads: [1n] },
      { head: 0, tail: 0, threads: new Array(2) },
    ]
    for (const v of bad) {
      expect(() => c.encode(v)).toThrow(DomainError)
      expect(() => genericCodec.encode(v)).toThrow(DomainError)
    }
  })

  test('Maps and Sets encode the same whatever their insertion order', () => {
    const a = new Map<unknown, unknown>([[2, 'b'], ['k', [1]], [1, 'a']])
    const b = new Map<unknown, unknown>([[1, 'a'], [2, 'b'], ['k', [1]]])
    expect(words(genericCodec, a)).toEqual(words(genericCodec, b))
    expect(words(genericCodec, new Set([3, 1, 2]))).toEqual(words(genericCodec, new Set([1, 2, 3])))
    expect(words(genericCodec, { x: 1, y: 2 })).toEqual(words(genericCodec, { y: 2, x: 1 }))
  })
})

describe("the coordinating thread's interning", () => {
  test('made shared, it keeps the ids it gave, and takes in the ids another thread gives', () => {
    const before = { kind: 'a-string-interned-before', shape: { x: 1 } }
    const w1 = words(genericCodec, before)
    const tables = coordinatorInterning()
    // the same tables each time: this thread's ids are process-wide
    expect(coordinatorInterning()).toBe(tables)
    const strings = new SharedInternTable(tables.strings)
    // every string word of the value is the id of that string in the shared table
    const texts = w1.filter((w) => (w & 7) === 1).map((w) => strings.key(w >> 3))
    expect(texts).toContain('a-string-interned-before')
    expect(words(genericCodec, before)).toEqual(w1)
    // another thread appends two strings (as a worker does, under the lock); this thread then
    // encodes the second to that thread's id (not the next id of its own, the first's)
    strings.withLock(() => {
      strings.append('appended-by-another-thread-first')
      strings.append('appended-by-another-thread')
    })
    const id = strings.count - 1
    expect(words(genericCodec, 'appended-by-another-thread')).toEqual([(id << 3) | 1])
  })
})
