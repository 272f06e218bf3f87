/**
 * Hidden fields (`hidden.ts`): the view `hiding` makes, the spans the codec notes as it
 * encodes (checked against a walk of the words), the fingerprint that skips them, and a
 * search with hidden fields against the same search with a view written by hand.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { compileCodec, encodedBuffer, encodedLength, encodedWords, genericCodec, hiddenSpans } from '../src/checker/codec.ts'
import { deepEqual } from '../src/checker/equal.ts'
import { explore } from '../src/checker/explorer.ts'
import { fingerprintWordsHiding, fpA, fpB } from '../src/checker/fingerprint.ts'
import { hiddenPaths, hiding, type FieldPath } from '../src/checker/hidden.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { lamport } from '../src/registry/lamport.ts'
import { valueArb } from './values.ts'

const keyArb = fc.constantFrom('a', 'b', 'net', 'sent', 'x')
const pathArb: fc.Arbitrary<FieldPath> = fc.array(keyArb, { minLength: 1, maxLength: 3 })
/** Records of records (so that paths often lead somewhere), with any value at the leaves. */
const recordArb: fc.Arbitrary<unknown> = [1, 2, 3].reduce<fc.Arbitrary<unknown>>(
  (inner) => fc.dictionary(keyArb, fc.oneof(inner, valueArb), { maxKeys: 4 }),
  valueArb,
)

/** The value at `path`, or undefined when the path does not lead to a field. */
function at(v: unknown, path: FieldPath): unknown {
  let x = v
  for (const k of path) {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Map || x instanceof Set) return undefined
    if (!Object.prototype.hasOwnProperty.call(x, k)) return undefined
    x = (x as Record<string, unknown>)[k]
  }
  return x
}

function spansOf(n: number, out: Int32Array): number[] {
  return Array.from(out.subarray(0, 2 * n))
}

describe('hidden fields', () => {
  test('hiding(paths) is a view without those fields, and says which', () => {
    const view = hiding(['net', 'sent'], ['gone'])
    const s = { clock: 1, net: { channels: [[1]], sent: { A: 3 } }, kernels: [{ x: 1 }] }
    expect(view(s)).toEqual({ clock: 1, net: { channels: [[1]] }, kernels: [{ x: 1 }] })
    expect(s.net.sent).toEqual({ A: 3 })
    expect(view({ net: [1, 2] })).toEqual({ net: [1, 2] })
    expect(hiddenPaths(view)).toEqual([['net', 'sent'], ['gone']])
    expect(hiddenPaths((x: unknown) => x)).toBeUndefined()
    expect(() => hiding([])).toThrow(/at least one key/)
  })

  test.prop([recordArb, fc.array(pathArb, { minLength: 1, maxLength: 3 }), recordArb])(
    'the spans a compiled codec notes are the walk of the words, and hold the hidden fields',
    (v, paths, sample) => {
      for (const codec of [compileCodec([v], paths), compileCodec([sample], paths)]) {
        codec.encode(v)
        const noted = new Int32Array(2 * paths.length)
        const walked = new Int32Array(2 * paths.length)
        const n = codec.spans(noted)
        const m = hiddenSpans(encodedBuffer(), paths, walked)
        expect(spansOf(n, noted)).toEqual(spansOf(m, walked))
        // every hidden field's words are inside a span, and the spans are in order
        const words = Array.from(encodedWords())
        for (const p of paths) {
          const field = at(v, p)
          if (field === undefined) continue
          genericCodec.encode(field)
          const fieldWords = Array.from(encodedWords())
          const inside = spansOf(n, noted).some((_, i, a) => i % 2 === 0 && words.slice(a[i]!, a[i + 1]!).join(',').includes(fieldWords.join(',')))
          expect(inside).toBe(true)
        }
        for (let i = 2; i < 2 * n; i += 2) expect(noted[i]!).toBeGreaterThan(noted[i - 1]!)
      }
    },
  )

  test.prop([recordArb, pathArb, valueArb, valueArb])(
    'two states that differ only in a hidden field have one fingerprint; in its view, two',
    (base, path, x, y) => {
      const put = (v: unknown, p: FieldPath, val: unknown): unknown => {
        if (p.length === 0) return val
        const r = typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype ? (v as Record<string, unknown>) : {}
        return { ...r, [p[0]!]: put(r[p[0]!], p.slice(1), val) }
      }
      const s = put(base, path, x)
      const t = put(base, path, y)
      const codec = compileCodec([s], [path])
      const out = new Int32Array(2)
      const fp = (v: unknown): string => {
        codec.encode(v)
        fingerprintWordsHiding(encodedBuffer(), encodedLength(), out, codec.spans(out))
        return `${fpA()}:${fpB()}`
      }
      expect(fp(s)).toBe(fp(t))
      // a field that is not hidden counts, before the hidden words and after them
      expect(fp(put(s, ['__other'], 1))).not.toBe(fp(s))
      expect(fp(put(s, ['zz'], 1))).not.toBe(fp(put(s, ['zz'], 2)))
      expect(deepEqual(hiding(path)(s), hiding(path)(t))).toBe(true)
    },
  )

  const model = (kernels: number): AnyModel => lamport.create(resolveTypedParams(lamport, { kernels, pages: 1, atomicTimestamp: true }), new Set())
  for (const kernels of [2, 3]) {
    test(`lamport, ${kernels} kernels: hidden message counters give the states a view written by hand gives`, () => {
      const m = model(kernels)
      expect(hiddenPaths(m.view)).toEqual([['net', 'sent']])
      const byHand: AnyModel = { ...m, view: (s: { clock: number; kernels: unknown; net: { channels: unknown } }) => ({ clock: s.clock, kernels: s.kernels, channels: s.net.channels }) }
      const hidden = explore(m)
      const hand = explore(byHand)
      expect(hidden.verdict).toBe(hand.verdict)
      expect(hidden.stats.distinct).toBe(hand.stats.distinct)
      expect(hidden.stats.generated).toBe(hand.stats.generated)
    })
  }
})
