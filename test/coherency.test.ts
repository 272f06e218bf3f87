/** The `coherency` model (seed 001, Sadini et al.): its transitions, its message cost, and the workload experiment. */
import { describe, expect, test } from 'vitest'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { coherencyIterations } from '../src/executor/experiments/coherency.ts'
import type { CohAction, CohState, PageState } from '../src/model/coherency.ts'
import { readReturnsLastWrite, singleWriterOrReaders } from '../src/properties/coherency.ts'
import { coherency } from '../src/registry/coherency.ts'

function model(params: Record<string, number | boolean | string>, mutations: string[] = []): AnyModel {
  return coherency.create(resolveTypedParams(coherency, params), new Set(mutations))
}

const states = (s: CohState, page = 0): PageState[] => s.kernels.map((k) => k.pages[page]!.state)

/**
 * Runs kernel `kernel`'s access to completion with no other thread acting: its fault (if
 * any), every delivery, its decision, and the access itself.
 */
function access(m: AnyModel, s0: CohState, kernel: number, type: 'read' | 'write', page = 0): CohState {
  let s = s0
  for (let i = 0; i < 100; i++) {
    const acts = m.actions(s) as CohAction[]
    const own = acts.find((a) => a.type !== 'deliver' && a.kernel === kernel && (a.type === 'send' || a.type === 'decide' || ('page' in a && a.page === page && a.access === type)))
    const del = acts.find((a) => a.type === 'deliver')
    const a = del ?? own
    if (!a) throw new Error(`kernel ${kernel} cannot ${type} page ${page}`)
    s = m.next(s, a) as CohState
    if (a.type === type) return s
  }
  throw new Error('no end')
}

describe('coherency transitions (our reading of the poster)', () => {
  const m = model({ kernels: 3, pages: 1, ops: 3 })
  const init = m.init()[0] as CohState

  test('pages are Unmapped at initialization; the first touch makes a fresh NotReplicated page', () => {
    expect(states(init)).toEqual(['U', 'U', 'U'])
    const s = access(m, init, 1, 'read')
    expect(states(s)).toEqual(['U', 'N', 'U'])
    expect(s.kernels[1]!.pages[0]!.data).toBe(0)
  })

  test('a read elsewhere turns N into S on both; a write invalidates every replica and makes M', () => {
    let s = access(m, init, 1, 'write')
    expect(states(s)).toEqual(['U', 'N', 'U'])
    s = access(m, s, 0, 'read')
    expect(states(s)).toEqual(['S', 'S', 'U'])
    expect(s.kernels[0]!.pages[0]!.data).toBe(1)
    s = access(m, s, 2, 'write')
    expect(states(s)).toEqual(['I', 'I', 'M'])
    expect(s.kernels[2]!.pages[0]!.data).toBe(2)
    expect(singleWriterOrReaders(s)).toBe(true)
  })

  test('a read of an I copy faults and brings the last write back', () => {
    let s = access(m, init, 0, 'write')
    s = access(m, s, 1, 'write')
    expect(states(s)).toEqual(['I', 'M', 'U'])
    const read = (m.actions(s) as CohAction[]).find((a) => a.type !== 'deliver' && a.kernel === 0 && 'access' in a && a.access === 'read')
    expect(read?.type).toBe('fault')
    s = access(m, s, 0, 'read')
    expect(s.kernels[0]!.pages[0]!.data).toBe(s.written[0])
  })

  test('two faults at once: each copy is locked, each votes NO, both abort, nobody waits forever', () => {
    let s = init
    for (const k of [0, 1]) {
      const f = (m.actions(s) as CohAction[]).find((a) => a.type === 'fault' && a.kernel === k && a.access === 'write')!
      s = m.next(s, f) as CohState
    }
    while (s.net.channels.some((c) => c.length > 0)) s = m.next(s, (m.actions(s) as CohAction[]).find((a) => a.type === 'deliver')!) as CohState
    const decisions = (m.actions(s) as CohAction[]).filter((a) => a.type === 'decide')
    expect(decisions).toEqual([
      { type: 'decide', kernel: 0, commit: false },
      { type: 'decide', kernel: 1, commit: false },
    ])
  })
})

describe('coherency message cost', () => {
  for (const K of [2, 3, 4]) {
    test(`K=${K}: a fault without conflict is 3(K-1) = ${3 * (K - 1)} messages: REQUEST, VOTE, COMMIT to and from each other kernel`, () => {
      for (const atomicBroadcast of [true, false]) {
        const m = model({ kernels: K, pages: 1, ops: 1, atomicBroadcast })
        const s = access(m, m.init()[0] as CohState, 0, 'read')
        expect(s.net.sent).toEqual({ REQUEST: K - 1, VOTE: K - 1, COMMIT: K - 1, ABORT: 0 })
      }
    })
  }
})

describe('mutations, step by step', () => {
  test('readHitInvalid: a read hits on an I copy and returns a value older than the last write', () => {
    const m = model({ kernels: 2, pages: 1, ops: 2 }, ['readHitInvalid'])
    let s = access(m, m.init()[0] as CohState, 0, 'write')
    s = access(m, s, 1, 'write')
    const read = (m.actions(s) as CohAction[]).find((a) => a.type === 'read' && a.kernel === 0)!
    expect(read).toBeDefined()
    expect(readReturnsLastWrite(s, read)).toMatch(/reads 1 from page 0, whose last write stored 2/)
  })
})

describe('coherency-workloads: the poster\'s statements, on counts from the timed executor', () => {
  for (const pages of [1, 4]) {
    test(`R/R, ${pages} page(s): every page copied in the first iteration, no request after it`, () => {
      const it = coherencyIterations('rr', pages, 4, 1)
      expect(it[0]!.requests).toBeGreaterThanOrEqual(2 * pages)
      for (const c of it.slice(1)) expect(c.requests + c.total).toBe(0)
    })

    test(`W/W, ${pages} page(s): requests in every iteration`, () => {
      for (const c of coherencyIterations('ww', pages, 4, 1)) expect(c.requests).toBeGreaterThan(0)
    })
  }

  test('messages are 3 per request without conflicts, 2 kernels', () => {
    for (const c of coherencyIterations('rw', 4, 4, 3).slice(1)) expect(c.total).toBe(3 * c.requests)
  })
})
