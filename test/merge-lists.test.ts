/**
 * The coordinator's merge of the workers' lists (`parallel/merge-lists.ts`) goes by runs
 * against a bound. Here it is compared with the plain reading of what it must do: all
 * entries sorted by key, cut at the first event (an invariant's state included, any other
 * event's key excluded) and at the state budget; ids in that order, and the states to
 * expand in the index with their ids.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mergeLists } from '../src/checker/parallel/merge-lists.ts'
import { ENTRY, keyBefore, type Event } from '../src/checker/parallel/protocol.ts'
import { NO_PARENT, StateLog } from '../src/checker/state-log.ts'

interface Entry {
  rank: number
  action: number
  worker: number
  expand: number
  tag: number
}

/** Distinct keys dealt to `workers` lists, each sorted; ranks come in runs, as a worker takes grains. */
const level = fc
  .record({
    workers: fc.integer({ min: 1, max: 4 }),
    keys: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 5 })), {
      maxLength: 80,
      selector: ([r, a]) => `${r}/${a}`,
    }),
    grain: fc.integer({ min: 1, max: 8 }),
    seed: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 61, maxLength: 61 }),
    expand: fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
  })
  .map(({ workers, keys, grain, seed, expand }) =>
    keys.map(([rank, action], k): Entry => ({
      rank,
      action,
      worker: seed[Math.floor(rank / grain)]! % workers,
      expand: expand[k]! ? 1 : 0,
      tag: k,
    })),
  )

const eventArb = fc.option(
  fc.record({
    rank: fc.integer({ min: 0, max: 61 }),
    action: fc.integer({ min: -1, max: 6 }),
    kind: fc.constantFrom('invariant' as const, 'transition' as const, 'deadlock' as const),
  }),
  { nil: undefined },
)

function lists(entries: readonly Entry[]): Int32Array[] {
  const workers = Math.max(0, ...entries.map((e) => e.worker)) + 1
  return Array.from({ length: workers }, (_, w) => {
    const mine = entries.filter((e) => e.worker === w).sort((x, y) => x.rank - y.rank || x.action - y.action)
    const l = new Int32Array(mine.length * ENTRY)
    mine.forEach((e, k) => l.set([e.rank, e.action, e.worker, e.tag, 0, 0, e.expand], k * ENTRY))
    return l
  })
}

describe('merging the lists of a level', () => {
  it('equals sorting every entry and cutting at the event and the state budget', () => {
    fc.assert(
      fc.property(level, eventArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 3 }), (entries, e, budget, logged) => {
        const event: Event | undefined = e && { ...e, property: 'p', message: 'm' }
        const parentIds = Uint32Array.from({ length: 62 }, (_, r) => 1000 + r)
        const log = new StateLog()
        for (let i = 0; i < logged; i++) log.push(NO_PARENT, i)
        const index = new Int32Array(entries.length * 4)
        const next = new Uint32Array(entries.length)
        const got = mergeLists(lists(entries), event, log, parentIds, logged + budget, index, next)

        // the plain reading
        const sorted = [...entries].sort((x, y) => x.rank - y.rank || x.action - y.action)
        let cut = sorted.length
        let violatingAt = -1
        if (event) {
          const at = sorted.findIndex((x) => !keyBefore(x.rank, x.action, event.rank, event.action))
          if (at >= 0) {
            cut = at
            const x = sorted[at]!
            if (x.rank === event.rank && x.action === event.action && event.kind === 'invariant') violatingAt = at
          }
        }
        const logs = violatingAt >= 0 ? cut + 1 : cut
        const full = logs > budget
        expect(got.full).toBe(full)
        const placed = sorted.slice(0, Math.min(logs, budget))
        expect(log.size).toBe(logged + placed.length)
        placed.forEach((x, k) => {
          expect(log.parent(logged + k)).toBe(1000 + x.rank)
          expect(log.action(logged + k)).toBe(x.action)
        })
        if (full) return
        expect(got.violating).toBe(violatingAt >= 0 ? logged + violatingAt : -1)
        const expanded = sorted.slice(0, cut).map((x, k) => ({ x, id: logged + k })).filter(({ x }) => x.expand === 1)
        expect(got.count).toBe(expanded.length)
        expanded.forEach(({ x, id }, k) => {
          expect([index[4 * k], index[4 * k + 1]]).toEqual([x.worker, x.tag])
          expect(next[k]).toBe(id)
        })
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the initial states no parent', () => {
    const log = new StateLog()
    const l = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1])
    const r = mergeLists([l], undefined, log, undefined, Infinity, new Int32Array(8), new Uint32Array(2))
    expect(r).toEqual({ count: 2, violating: -1, full: false })
    expect([log.parent(0), log.parent(1)]).toEqual([NO_PARENT, NO_PARENT])
  })
})
