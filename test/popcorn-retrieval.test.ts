/**
 * Messages per fault of each mapping retrieval protocol (000 8.2, parameter `retrieval`),
 * counted by the messaging layer's counters in every end state (every interleaving), as the
 * 5(K-1) test of `popcorn.test.ts` does for broadcast. The lock is the same for all: REQUEST,
 * ACK and RELEASE to and from every other kernel, 3(K-1).
 */
import { describe, expect, test } from 'vitest'
import { endStates } from './end-states.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { popcorn } from '../src/registry/popcorn.ts'
import type { PopState } from '../src/model/popcorn/state.ts'
import { runScenario } from '../src/executor/experiments/popcorn-runs.ts'

function model(params: Record<string, number | boolean | string>): AnyModel {
  return popcorn.create(resolveTypedParams(popcorn, params), new Set())
}

const sentOf = (s: PopState): Record<string, number> => Object.fromEntries(Object.entries(s.net.sent).filter(([, n]) => n > 0))
const lock = (K: number) => ({ REQUEST: K - 1, ACK: K - 1, RELEASE: K - 1 })

/** One fault of a thread on kernel 0 on a page no kernel has faulted in (kernel 0 has its VMA): nothing complete anywhere. */
const nothingMapped = { threads: 1, spread: false, ops: 1, pages: 1, mapped: 1, write: false, exit: false }
/** One fault of the thread on kernel 1 on page 0, which kernel 0 has mapped (the thread on kernel 0 reads it locally). */
const mappedOnKernel0 = { threads: 2, spread: true, ops: 1, pages: 1, mapped: 1, populated: 1, write: false, exit: false }

describe('popcorn retrieval: messages per fault, counted (000 8.2)', () => {
  for (const K of [2, 3, 4]) {
    const cases: [string, Record<string, number | boolean>, string, Record<string, number>][] = [
      ['nothing mapped', nothingMapped, 'broadcast', { ...lock(K), QUERY: K - 1, ANSWER: K - 1 }],
      // the ring goes all the way round: K-1 RINGs, then the last kernel answers
      ['nothing mapped', nothingMapped, 'ring', { ...lock(K), RING: K - 1, RING_ANSWER: 1 }],
      ['nothing mapped', nothingMapped, 'ring-all', { ...lock(K), RING: K - 1, RING_ANSWER: 1 }],
      // the process lives on kernel 0 only: nobody to ask
      ['nothing mapped', nothingMapped, 'group', lock(K)],
      ['mapped on kernel 0', mappedOnKernel0, 'broadcast', { ...lock(K), QUERY: K - 1, ANSWER: K - 1 }],
      // from kernel 1 the ring reaches kernel 0 last
      ['mapped on kernel 0', mappedOnKernel0, 'ring', { ...lock(K), RING: K - 1, RING_ANSWER: 1 }],
      ['mapped on kernel 0', mappedOnKernel0, 'ring-all', { ...lock(K), RING: K - 1, RING_ANSWER: 1 }],
      // the group is kernels 0 and 1: one QUERY, one ANSWER, whatever K
      ['mapped on kernel 0', mappedOnKernel0, 'group', { ...lock(K), QUERY: 1, ANSWER: 1 }],
    ]
    for (const [what, params, retrieval, want] of cases) {
      const total = Object.values(want).reduce((a, b) => a + b, 0)
      test(`K=${K}, ${what}, ${retrieval}: ${total} messages (${Object.entries(want).map(([k, n]) => `${n} ${k}`).join(', ')})`, () => {
        const ends = endStates<PopState>(model({ ...params, kernels: K, retrieval }))
        expect(ends.length).toBeGreaterThan(0)
        for (const s of ends) {
          // the fault was served on the faulting kernel: its page is mapped
          const faulter = params['threads'] === 1 ? 0 : 1
          expect(s.kernels[faulter]!.mms[0]!.ptes[0]!.frame).toBeGreaterThanOrEqual(0)
          expect(sentOf(s)).toEqual(want)
        }
      })
    }
  }

  test('broadcast asks 2(K-1), a ring at most K, group 2(G-1) for G kernels of the group: K = 4, G = 2', () => {
    const count = (retrieval: string) => {
      const [s] = endStates<PopState>(model({ ...mappedOnKernel0, kernels: 4, retrieval }))
      const { REQUEST: _r, ACK: _a, RELEASE: _l, ...query } = sentOf(s!)
      return Object.values(query).reduce((a, b) => a + b, 0)
    }
    expect(count('broadcast')).toBe(6)
    expect(count('ring')).toBe(4)
    expect(count('group')).toBe(2)
  })
})

describe('popcorn retrieval: a ring stops at a complete mapping, ring-all goes on and imports it (000 8.2.1)', () => {
  // 3 kernels, a thread on each; the thread on kernel 2 reads page 0, which kernel 0 has: the ring's first stop
  const run = (retrieval: string) =>
    runScenario({ params: { kernels: 3, threads: 3, pages: 1, mapped: 1, populated: 1, ops: 1, read: true, retrieval }, plans: { 2: [{ op: 'read', page: 0 }] } }, 1)
  const final = (retrieval: string) => run(retrieval).final as PopState

  test('ring: RING to kernel 0, which answers at once (2 messages besides the lock)', () => {
    const s = final('ring')
    expect(sentOf(s)).toEqual({ ...lock(3), RING: 1, RING_ANSWER: 1 })
    expect(s.kernels[1]!.mms[0]!.ptes[0]!.frame).toBe(-1)
  })

  test('ring-all: kernel 0 forwards to kernel 1, which imports the mapping, then answers (K = 3 messages)', () => {
    const s = final('ring-all')
    expect(sentOf(s)).toEqual({ ...lock(3), RING: 2, RING_ANSWER: 1 })
    expect(s.kernels[1]!.mms[0]!.ptes[0]!.frame).toBe(0)
    expect(s.kernels[2]!.mms[0]!.ptes[0]!.frame).toBe(0)
  })

  test('group: a migration to a kernel new to the group costs a JOIN and a JOINED per other kernel', () => {
    const r = runScenario(
      { params: { kernels: 4, threads: 1, spread: false, pages: 1, mapped: 1, ops: 1, migrate: true, retrieval: 'group' }, plans: { 0: [{ op: 'migrate', arg: 2 }] } },
      1,
    )
    const s = r.final as PopState
    expect(sentOf(s)).toEqual({ MIGRATE: 1, JOIN: 3, JOINED: 3 })
    // every kernel now knows kernels 0 and 2 host the group
    for (const k of s.kernels) expect(k.members![0]).toBe(0b0101)
  })
})
