import { describe, expect, test } from 'vitest'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { lamport } from '../src/registry/lamport.ts'
import { type LamportState } from '../src/model/lamport.ts'
import { endStates as allEndStates } from './end-states.ts'

function model(params: Record<string, number | boolean | string>, mutations: string[] = []): AnyModel {
  return lamport.create(resolveTypedParams(lamport, params), new Set(mutations))
}

/** Every reachable end state, message counters included (no view, no merging by view). */
const endStates = (m: AnyModel): LamportState[] => allEndStates<LamportState>(m)

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

describe('lamport per-kernel Lamport clocks', () => {
  test('a request ticks its kernel, a receipt sets C := max(C, stamp) + 1, a send ticks', () => {
    const m = model({ kernels: 2, requesters: 1, pages: 1, heavy: false, atomicTimestamp: true, clocks: 'perKernel' })
    const step = (s: LamportState, type: string): LamportState => {
      const a = m.actions(s).find((x: { type: string }) => x.type === type)
      expect(a).toBeDefined()
      return m.next(s, a) as LamportState
    }
    let s = m.init()[0] as LamportState
    s = step(s, 'request')
    expect(s.kernels[0]!.clock).toBe(1)
    expect(s.kernels[0]!.threads[0]!.ts).toBe(1)
    expect(s.net.channels[1]).toEqual([{ kind: 'REQUEST', res: 0, ts: 1, stamp: 1 }])
    s = step(s, 'deliver') // kernel 1: receipt (max(0, 1) + 1 = 2), then the ACK's send ticks to 3
    expect(s.kernels[1]!.clock).toBe(3)
    expect(s.net.channels[2]).toEqual([{ kind: 'ACK', res: 0, ts: 1, stamp: 3 }])
    s = step(s, 'deliver') // kernel 0: max(1, 3) + 1
    expect(s.kernels[0]!.clock).toBe(4)
    expect(s.kernels[0]!.threads[0]!.acks).toBe(2)
    expect(s.clock).toBe(0) // the shared word is not used
  })

  for (const K of [2, 3]) {
    test(`K=${K}, per-kernel clocks and the request lock, every step apart: still 3(K-1) messages`, () => {
      const m = model({
        kernels: K,
        requesters: 1,
        pages: 1,
        heavy: false,
        atomicTimestamp: false,
        atomicBroadcast: false,
        requestLock: true,
        clocks: 'perKernel',
      })
      const ends = endStates(m)
      expect(ends.length).toBeGreaterThan(0)
      for (const s of ends) expect(s.net.sent).toEqual({ REQUEST: K - 1, ACK: K - 1, RELEASE: K - 1 })
    })
  }
})
