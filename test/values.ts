/** fast-check arbitraries for state values: what models may put in a state. */
import fc from 'fast-check'

const key = fc.constantFrom('a', 'b', 'pc', 'ticket', 'head', 'x', '10', '9', '0')
export const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -1000, max: 1000 }),
    fc.boolean(),
    fc.constantFrom('idle', 'waiting', 'critical', ''),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), tie('value')), { maxLength: 3, selector: ([k]) => k }).map((e) => new Map(e)),
    fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }).map((e) => new Set(e)),
    fc.uniqueArray(fc.constantFrom('k0', 'k1', 'b', 'a'), { maxLength: 3 }).map((e) => new Set(e)),
    fc.uniqueArray(fc.tuple(fc.constantFrom('x', 'y', 'z'), tie('value')), { maxLength: 3, selector: ([k]) => k }).map((e) => new Map(e)),
  ),
})).value

/**
 * A value as nested arrays that keep every container's iteration order (Map entries, Set
 * members, record keys), so that `toEqual` tells two orders apart.
 */
export function ordered(v: unknown): unknown {
  if (Array.isArray(v)) return ['array', ...v.map(ordered)]
  if (v instanceof Map) return ['map', ...[...v].map(([k, x]) => [ordered(k), ordered(x)])]
  if (v instanceof Set) return ['set', ...[...v].map(ordered)]
  if (typeof v === 'object' && v !== null) return ['record', ...Object.entries(v).map(([k, x]) => [k, ordered(x)])]
  return v
}
