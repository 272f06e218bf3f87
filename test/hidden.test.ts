/**
 * Hidden fields (`hidden.ts`): the view `hiding` makes, the spans the codec notes as it
 * encodes (checked against a walk of the words), the fingerprint that skips them, and a
 * search with hidden fields against the same search with a view written by hand.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { compileCodec, encodedBuffer, encodedLength, encodedWords, genericCodec, HiddenWords, hiddenSpans } from '../src/checker/codec.ts'
import { deepEqual } from '../src/checker/equal.ts'
import { explore } from '../src/checker/explorer.ts'
import { fingerprintHidden, fpA, fpB } from '../src/checker/fingerprint.ts'
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

const spansOf = (h: HiddenWords): number[] => Array.from(h.spans.subarray(0, 2 * h.n))
const headsOf = (h: HiddenWords): number[] => Array.from(h.heads.subarray(0, 2 * h.m))

/** Whether `part` occurs in `words` as consecutive words. */
function holds(words: readonly number[], part: readonly number[]): boolean {
  for (let i = 0; i + part.length <= words.length; i++) if (part.every((w, j) => words[i + j] === w)) return true
  return false
}

/** `v` with `val` at `path`, creating the records along it. */
function put(v: unknown, path: FieldPath, val: unknown): unknown {
  if (path.length === 0) return val
  const r = typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype ? (v as Record<string, unknown>) : {}
  return { ...r, [path[0]!]: put(r[path[0]!], path.slice(1), val) }
}

/** `v` without the field at `path` (when the path leads to one). */
function drop(v: unknown, path: FieldPath): unknown {
  return hiding(path)(v)
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
    'where a codec locates the hidden fields is the walk of the words, and the spans hold them',
    (v, paths, sample) => {
      // one path: the compiled encoders note it (when the value fits their shapes); several: walked
      for (const ps of [paths.slice(0, 1), paths]) {
        for (const codec of [compileCodec([v], ps), compileCodec([sample], ps)]) {
          codec.encode(v)
          const located = new HiddenWords(ps.length)
          const walked = new HiddenWords(ps.length)
          codec.locate(located)
          hiddenSpans(encodedBuffer(), ps, walked)
          expect(spansOf(located)).toEqual(spansOf(walked))
          expect(headsOf(located)).toEqual(headsOf(walked))
          // every hidden field's words are inside a span, and the spans are in order
          const words = Array.from(encodedWords())
          for (const p of ps) {
            const field = at(v, p)
            if (field === undefined) continue
            genericCodec.encode(field)
            const fieldWords = Array.from(encodedWords())
            const sp = spansOf(located)
            expect(sp.some((_, i) => i % 2 === 0 && holds(words.slice(sp[i]!, sp[i + 1]!), fieldWords))).toBe(true)
          }
          for (let i = 2; i < 2 * located.n; i += 2) expect(located.spans[i]!).toBeGreaterThan(located.spans[i - 1]!)
        }
      }
    },
  )

  test.prop([recordArb, pathArb, valueArb, valueArb])(
    'two states that differ only in a hidden field, or in holding it, have one fingerprint; in its view, two',
    (base, path, x, y) => {
      const s = put(base, path, x)
      const t = put(base, path, y)
      const codec = compileCodec([s], [path])
      const h = new HiddenWords(1)
      const fp = (v: unknown): string => {
        codec.encode(v)
        codec.locate(h)
        fingerprintHidden(encodedBuffer(), encodedLength(), h)
        return `${fpA()}:${fpB()}`
      }
      expect(fp(s)).toBe(fp(t))
      // the record without the hidden key: the same view, the same state
      expect(fp(drop(s, path))).toBe(fp(s))
      // a field that is not hidden counts, before the hidden words and after them
      expect(fp(put(s, ['__other'], 1))).not.toBe(fp(s))
      expect(fp(put(s, ['zz'], 1))).not.toBe(fp(put(s, ['zz'], 2)))
      expect(deepEqual(hiding(path)(s), hiding(path)(t))).toBe(true)
    },
  )

  test('a hidden key that appears after the first step: the same states as the view written by hand, in both representations', () => {
    type S = { readonly x: number; readonly c: { readonly n: number; readonly sent?: number } }
    const base: AnyModel = {
      name: 'appears',
      init: () => [{ x: 0, c: { n: 0 } }],
      actions: (s: S) => (s.x < 4 ? [{ type: 'up' }, { type: 'wrap' }] : []),
      // `wrap` goes back to x = 0 with the counter set: a state the initial one is, but for it
      next: (s: S, a: { type: string }) => (a.type === 'up' ? { x: s.x + 1, c: { n: s.c.n, sent: (s.c.sent ?? 0) + 1 } } : { x: 0, c: { n: 0, sent: 1 } }),
      invariants: {},
      terminal: () => true,
    }
    const byHand = explore({ ...base, view: (s: S) => ({ x: s.x, c: { n: s.c.n } }) })
    for (const representation of ['vectors', 'objects'] as const) {
      const r = explore({ ...base, view: hiding(['c', 'sent']) }, { representation })
      expect(r.stats.distinct).toBe(byHand.stats.distinct)
    }
    expect(byHand.stats.distinct).toBe(5)
  })

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
