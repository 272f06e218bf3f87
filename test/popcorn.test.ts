import { describe, expect, test } from 'vitest'
import { endStates } from './end-states.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { popcorn } from '../src/registry/popcorn.ts'
import type { PopState } from '../src/model/popcorn/state.ts'
import { InputError } from '../src/checker/errors.ts'

function model(params: Record<string, number | boolean>, mutations: string[] = []): AnyModel {
  return popcorn.create(resolveTypedParams(popcorn, params), new Set(mutations))
}

const fetchOnly = { threads: 1, spread: false, ops: 1, pages: 1, mapped: 1, write: false, exit: false }

describe('popcorn: one mapping fetch costs 5(K-1) messages (000 6.7.4)', () => {
  for (const K of [2, 3, 4]) {
    for (const atomicBroadcast of [true, false]) {
      test(`K=${K}, atomicBroadcast=${atomicBroadcast}: lock request, ACKs, query, answers, release: ${5 * (K - 1)} messages`, () => {
        const ends = endStates<PopState>(model({ ...fetchOnly, kernels: K, atomicBroadcast }))
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

describe('popcorn: tasks and the address space', () => {
  test('a task migrates to a new kernel and back to its shadow (000 5.6.1, 5.6.2)', () => {
    const ends = endStates<PopState>(model({ threads: 1, spread: false, ops: 2, read: false, write: false, migrate: true, exit: false }))
    const back = ends.filter((s) => s.kernels[0]!.tasks[0] === 'live' && s.kernels[1]!.tasks[0] === 'shadow')
    expect(back.length).toBeGreaterThan(0)
    for (const s of back) expect(s.tasks[0]!.visited).toBe(0b11)
    // the way there and back: a new task on kernel 1 (MIGRATE handled), then the shadow on kernel 0 woken
    for (const s of back) expect(s.net.sent['MIGRATE']).toBe(2)
  })

  test('a mapping answer carries prefetch slots, and the requester installs them (000 5.7.6)', () => {
    const base = { threads: 2, ops: 1, pages: 2, mapped: 2, populated: 2, write: false, exit: false, atomicTimestamp: true }
    const neighbour = (s: PopState): number => s.kernels[1]!.mms[0]!.ptes[1]!.frame
    const read0 = (s: PopState): boolean => s.kernels[1]!.mms[0]!.ptes[0]!.frame === 0
    const withSlots = endStates<PopState>(model({ ...base, prefetch: 2 })).filter(read0)
    expect(withSlots.length).toBeGreaterThan(0)
    // kernel 1 read page 0: it holds page 1 too, at kernel 0's frame 1, unless it read page 1 itself
    for (const s of withSlots) expect(neighbour(s)).toBe(1)
    const without = endStates<PopState>(model({ ...base, prefetch: 0 })).filter(read0)
    expect(without.length).toBeGreaterThan(0)
    for (const s of without) expect(neighbour(s)).toBe(-1)
  })

  test('exit with the fixes leaves nothing behind: no mm, no queue, every frame free (000 5.5)', () => {
    const ends = endStates<PopState>(model({ ops: 1, pages: 1, mapped: 1, atomicTimestamp: true, exitLock: true }))
    expect(ends.length).toBeGreaterThan(0)
    for (const s of ends) {
      expect(s.tasks.every((t) => t.op === 'gone')).toBe(true)
      expect(s.kernels.every((k) => k.mms.every((mm) => mm.status === 'none'))).toBe(true)
      expect(s.frames.every((f) => !f.used)).toBe(true)
      expect(s.net.sent['GROUP_EXIT']).toBe(1)
    }
  })

  test('a configuration the model cannot build is bad input, said in one line', () => {
    expect(() => model({ mapped: 1, populated: 2 })).toThrow(/^popcorn: populated=2 exceeds mapped=1/)
    expect(() => model({ mapped: 1, populated: 2 })).toThrow(InputError)
  })
})
