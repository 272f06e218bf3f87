import { describe, expect, test } from 'vitest'
import { explore } from '../src/checker/explorer.ts'
import { ticket } from '../src/registry/ticket.ts'


/**
 * Reachable states of the ticket lock, counted by hand: head takes any of `m` values;
 * the n threads holding tickets hold head..head+n-1 in some order (T!/(T-n)! ways), and
 * the one holding head is waiting or inside (x2) when n >= 1. Valid while T < m.
 */
function expectedCount(T: number, m: number): number {
  let sum = 1
  let perms = 1
  for (let n = 1; n <= T; n++) {
    perms *= T - n + 1
    sum += 2 * perms
  }
  return m * sum
}

describe('ticket model', () => {
  for (const [T, m] of [
    [1, 2],
    [2, 4],
    [3, 4],
    [4, 8],
    [5, 8],
  ] as const) {
    test(`threads=${T} modulo=${m}: mutual exclusion holds in all ${expectedCount(T, m)} states`, () => {
      const r = explore(ticket.create({ threads: T, modulo: m }, new Set()))
      expect(r.verdict).toBe('holds')
      expect(r.stats.distinct).toBe(expectedCount(T, m))
      expect(r.stats.coverage.every((c) => c.fired > 0)).toBe(true)
    })
  }

  test('nonAtomicTicket breaks mutual exclusion in 6 steps (2 reads, 2 writes, 2 enters)', () => {
    const r = explore(ticket.create({ threads: 2, modulo: 4 }, new Set(['nonAtomicTicket'])))
    expect(r.verdict).toBe('violated')
    if (r.verdict === 'violated') {
      expect(r.violation.property).toBe('mutualExclusion')
      expect(r.violation.path.length - 1).toBe(6)
    }
  })

  test('more threads than ticket values breaks mutual exclusion', () => {
    expect(explore(ticket.create({ threads: 3, modulo: 2 }, new Set())).verdict).toBe('violated')
  })
})
