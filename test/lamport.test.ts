import { describe, expect, test } from 'vitest'
import { fingerprintHex } from '../src/checker/fingerprint.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { lamport } from '../src/registry/lamport.ts'
import { type LamportState } from '../src/model/lamport.ts'

function model(params: Record<string, number | boolean>, mutations: string[] = []): AnyModel {
  return lamport.create(resolveTypedParams(lamport, params), new Set(mutations))
}

/** Every reachable end state, message counters included (no view, no merging by view). */
function endStates(m: AnyModel): LamportState[] {
  const seen = new Set<string>()
  const ends: LamportState[] = []
  const stack = [...m.init()]
  while (stack.length > 0) {
    const s = stack.pop()
    const fp = fingerprintHex(s)
    if (seen.has(fp)) continue
    seen.add(fp)
    const acts = m.actions(s)
    if (acts.length === 0) ends.push(s as LamportState)
    for (const a of acts) stack.push(m.next(s, a))
  }
  return ends
}

describe('lamport message cost', () => {
  for (const K of [2, 3, 4]) {
    for (const resource of ['page', 'heavy'] as const) {
      for (const atomicBroadcast of [true, false]) {
        test(`K=${K}, ${resource}, atomicBroadcast=${atomicBroadcast}: one uncontended acquire + release is 3(K-1) = ${3 * (K - 1)} messages`, () => {
          const m = model({
            kernels: K,
            requesters: 1,
            requests: 1,
            pages: resource === 'page' ? 1 : 0,
            heavy: resource === 'heavy',
            atomicBroadcast,
          })
          const ends = endStates(m)
          expect(ends.length).toBeGreaterThan(0)
          for (const s of ends) {
            expect(s.kernels.every((k) => k.threads.every((r) => r.phase === 'idle' && r.left === 0))).toBe(true)
            expect(s.net.sent).toEqual({ REQUEST: K - 1, ACK: K - 1, RELEASE: K - 1 })
          }
        })
      }
    }
  }
})
