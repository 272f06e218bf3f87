/**
 * The explorer applies a reducer's recipe to a decoded private copy; everything else
 * (replay, traces) runs `next`, that is immer's produce. Both must give the same states.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { compileCodec } from '../src/checker/codec.ts'
import { deepEqual } from '../src/checker/equal.ts'
import { encodedWords } from '../src/checker/codec.ts'
import type { AnyModel } from '../src/checker/model.ts'
import type { Reducer } from '../src/checker/reducer.ts'
import { ticket } from '../src/registry/ticket.ts'
import { lamport } from '../src/registry/lamport.ts'
import { spinlock } from '../src/registry/spinlock.ts'
import { tlb } from '../src/registry/tlb.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import peterson from '../examples/peterson.ts'

const models: [string, AnyModel][] = [
  ['ticket', ticket.create({ threads: 4, modulo: 4 }, new Set())],
  ['ticket nonAtomicTicket', ticket.create({ threads: 3, modulo: 4 }, new Set(['nonAtomicTicket']))],
  ['peterson', peterson.create({}, new Set())],
  ['lamport', lamport.create(resolveTypedParams(lamport, { pages: 2, atomicBroadcast: false }), new Set())],
  ['lamport faithful deferAcks', lamport.create(resolveTypedParams(lamport, { atomicTimestamp: false, atomicBroadcast: false, deferAcks: true, pages: 2 }), new Set())],
  ['lamport unorderedChannels', lamport.create(resolveTypedParams(lamport, {}), new Set(['unorderedChannels']))],
  ['spinlock pmt-basic lockstep', spinlock.create(resolveTypedParams(spinlock, { schedule: 'lockstep', trylock: true }), new Set())],
  ['spinlock pmt-cpt', spinlock.create(resolveTypedParams(spinlock, { lock: 'pmt-cpt', rounds: 3, trylock: true }), new Set())],
  ['tlb pv-flush', tlb.create(resolveTypedParams(tlb, { scheme: 'pv-flush', pages: 2, frames: 3 }), new Set())],
  ['tlb shoot4u flushBeforeClear', tlb.create(resolveTypedParams(tlb, {}), new Set(['flushBeforeClear']))],
]

describe('recipe on a decoded copy = immer produce', () => {
  for (const [name, m] of models) {
    test.prop([fc.array(fc.nat(), { maxLength: 80 })], { numRuns: 200 })(name, (choices) => {
      const recipe = (m.next as Reducer<unknown, never>).recipe
      expect(recipe).toBeTypeOf('function')
      const codec = compileCodec(m.init())
      let s = m.init()[0]
      for (const c of choices) {
        const acts = m.actions(s)
        if (acts.length === 0) break
        const a = acts[c % acts.length]!
        const expected = m.next(s, a)
        codec.encode(s)
        const copy = codec.decode(Int32Array.from(encodedWords()), 0)
        recipe(copy, a as never)
        expect(deepEqual(copy, expected)).toBe(true)
        s = expected
      }
    })
  }
})
