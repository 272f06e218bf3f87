/** fast-check arbitraries for state values: what models may put in a state. */
import fc from 'fast-check'

const key = fc.constantFrom('a', 'b', 'pc', 'ticket', 'head', 'x')
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
  ),
})).value
