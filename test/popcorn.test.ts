import { describe, expect, test } from 'vitest'
import { fingerprintHex } from '../src/checker/fingerprint.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { popcorn } from '../src/registry/popcorn.ts'
import type { PopState } from '../src/model/popcorn/state.ts'

function model(params: Record<string, number | boolean>, mutations: string[] = []): AnyModel {
  return popcorn.create(resolveTypedParams(popcorn, params), new Set(mutations))
}

/** Every reachable end state, message counters included (no view, no merging by view). */
function endStates(m: AnyModel): PopState[] {
  const seen = new Set<string>()
  const ends: PopState[] = []
  const stack = [...m.init()]
  while (stack.length > 0) {
    const s = stack.pop()
    const fp = fingerprintHex(s)
    if (seen.has(fp)) continue
    seen.add(fp)
    const acts = m.actions(s)
    if (acts.length === 0) ends.push(s as PopState)
    for (const a of acts) stack.push(m.next(s, a))
  }
  return ends
}

const fetchOnly = { threads: 1, spread: false, ops: 1, pages: 1, mapped: 1, write: false, exit: false }

describe('popcorn: one mapping fetch costs 5(K-1) messages (000 6.7.4)', () => {
  for (const K of [2, 3, 4]) {
    for (const atomicBroadcast of [true, false]) {
      test(`K=${K}, atomicBroadcast=${atomicBroadcast}: lock request, ACKs, query, answers, release: ${5 * (K - 1)} messages`, () => {
        const ends = endStates(model({ ...fetchOnly, kernels: K, atomicBroadcast }))
        expect(ends.length).toBeGreaterThan(0)
        for (const s of ends) {
          // the read was served: the page is mapped on kernel 0 (a local fault after the remote answers)
          expect(s.kernels[0]!.mms[0]!.ptes[0]!.frame).toBeGreaterThanOrEqual(0)
          const sent = Object.entries(s.net.sent).filter(([, n]) => n > 0)
          expect(Object.fromEntries(sent)).toEqual({ REQUEST: K - 1, ACK: K - 1, QUERY: K - 1, ANSWER: K - 1, RELEASE: K - 1 })
          expect(sent.reduce((a, [, n]) => a + n, 0)).toBe(5 * (K - 1))
        }
      })
    }
  }
})
