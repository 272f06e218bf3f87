/**
 * Equivalences of equation 3.3 (seed 004, 3.3.2.1): tau = inf behaves as the ticket lock
 * (the same acquisition orders), and tau = 0 admits every order the generic lock admits.
 */
import { describe, expect, test } from 'vitest'
import { fingerprintHex } from '../src/checker/fingerprint.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { spinlock } from '../src/registry/spinlock.ts'
import { isHolding, type SpinAction, type SpinState } from '../src/model/spinlock.ts'

/**
 * Every order in which lock requests are served over complete runs: the n-th
 * acquisition records the arrival rank of the request it serves (ranks count lock calls
 * from 0), so the ticket lock's only order is 0,1,2,...
 */
function acquisitionOrders(params: Record<string, number | string | boolean>): Set<string> {
  const m = spinlock.create(resolveTypedParams(spinlock, params), new Set())
  const orders = new Set<string>()
  const seen = new Set<string>()
  type Node = { s: SpinState; order: string; ranks: number[]; calls: number }
  const stack: Node[] = m.init().map((s) => ({ s, order: '', ranks: s.vcpus.map(() => -1), calls: 0 }))
  while (stack.length > 0) {
    const n = stack.pop()!
    const key = `${fingerprintHex(n.s)}|${n.order}|${n.ranks.join(',')}`
    if (seen.has(key)) continue
    seen.add(key)
    const acts = m.actions(n.s) as readonly SpinAction[]
    if (acts.length === 0) orders.add(n.order)
    for (const a of acts) {
      const t = m.next(n.s, a)
      if (a.type === 'schedule') {
        stack.push({ ...n, s: t })
        continue
      }
      const ranks = [...n.ranks]
      let { calls, order } = n
      if (a.type === 'lock') ranks[a.vcpu] = calls++
      if (n.s.vcpus[a.vcpu]!.pc !== 'cs' && t.vcpus[a.vcpu]!.pc === 'cs') order += `${ranks[a.vcpu]},`
      stack.push({ s: t, order, ranks, calls })
    }
  }
  return orders
}

const configs = [
  { V: 3, W: 3, rounds: 1, schedule: 'interleaving' },
  { V: 2, W: 3, rounds: 2, schedule: 'interleaving' },
  { V: 3, P: 2, W: 4, rounds: 1, schedule: 'lockstep', C: 1 },
] as const

describe('spinlock equivalences (equation 3.3)', () => {
  for (const cfg of configs) {
    const name = Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join(' ')
    const ticket = acquisitionOrders({ ...cfg, lock: 'ticket' })
    const generic = acquisitionOrders({ ...cfg, lock: 'generic' })

    test(`${name}: the generic lock admits more orders than the ticket lock`, () => {
      expect(generic.size).toBeGreaterThan(ticket.size)
      for (const o of ticket) expect(generic.has(o)).toBe(true)
    })

    for (const lock of ['pmt-basic', 'pmt-cpt', 'pmt-cpt-st'] as const) {
      test(`${name}: ${lock} with tau = inf has exactly the ticket lock's acquisition orders`, () => {
        expect([...acquisitionOrders({ ...cfg, lock, tau: 'inf' })].sort()).toEqual([...ticket].sort())
      })
      test(`${name}: ${lock} with tau = 0 admits every order of the generic lock`, () => {
        const pmt = acquisitionOrders({ ...cfg, lock, tau: 0 })
        for (const o of generic) expect(pmt.has(o), `order ${o}`).toBe(true)
      })
    }
  }
})

/**
 * Figure 5 of 3.3.1 (seed 004), replayed on the model with pmt-basic: (a) N1 holds the lock,
 * N2..N5 wait with thresholds 1..4 tau, and N2's vCPU is preempted; (b) N1 releases, the
 * thresholds move down one position, the lock is free but nobody takes it; (c) N3 times
 * out and acquires before N2; (d) N3 releases, N4's threshold is set again to tau, and N2,
 * rescheduled, acquires before N4 and N5 without contention. N1..N5 are vCPUs 0..4.
 */
describe('spinlock: the scenario of Figure 5', () => {
  const tau = 6
  const m = spinlock.create(
    resolveTypedParams(spinlock, { lock: 'pmt-basic', V: 5, P: 4, W: 4, C: 1, tau, schedule: 'lockstep', rounds: 1 }),
    new Set(),
  )
  const mask = (vs: readonly number[]): number => vs.reduce((a, v) => a | (1 << v), 0)
  /** One tick: the host runs `vs`, each takes its one step in the order given (every step must be enabled). */
  function tick(s: SpinState, vs: readonly number[]): SpinState {
    const pick = (pred: (a: SpinAction) => boolean): SpinAction => {
      const a = (m.actions(s) as readonly SpinAction[]).find(pred)
      if (a === undefined) throw new Error(`not enabled in ${JSON.stringify(s)}`)
      return a
    }
    s = m.next(s, pick((a) => a.type === 'schedule' && a.running === mask(vs))) as SpinState
    for (const v of vs) s = m.next(s, pick((a) => a.type !== 'schedule' && a.vcpu === v)) as SpinState
    return s
  }
  const holder = (s: SpinState): number => s.vcpus.findIndex(isHolding)

  test('N3 takes the lock out of order while N2 is preempted, then N2 takes it before N4', () => {
    let s = m.init()[0] as SpinState
    // (a) N1 takes ticket 0 and the lock; N2..N5 take tickets 1..4.
    s = tick(s, [0])
    s = tick(s, [0, 1, 2, 3])
    s = tick(s, [0, 1, 2, 4])
    expect(holder(s)).toBe(0)
    expect(s.vcpus.slice(1).map((v) => v.t)).toEqual([1, 2, 3, 4])
    expect(s.vcpus[4]!.timeout).toBe(4 * tau)
    // N2 is preempted from here on. (b) N1 releases; the thresholds move down one position.
    s = tick(s, [0, 2, 3, 4])
    s = tick(s, [0, 2, 3, 4])
    expect(s.vcpus[0]!.pc).toBe('idle')
    expect(s.acquired).toBe(0)
    expect(s.head).toBe(1)
    expect(s.vcpus.slice(2).map((v) => v.h)).toEqual([1, 1, 1])
    expect(s.vcpus[2]!.timeout).toBeLessThanOrEqual(tau)
    expect(s.vcpus[3]!.timeout).toBeGreaterThan(tau)
    // The lock is free, N2's turn, and N2 is preempted: the lock waiter preemption problem.
    // (c) N3 reaches its threshold first and acquires out of order, before N2.
    let ticks = 0
    while (holder(s) < 0) {
      s = tick(s, [2, 3, 4])
      ticks++
      expect(ticks).toBeLessThanOrEqual(tau + 1)
    }
    expect(holder(s)).toBe(2)
    expect(s.vcpus[1]!.pc).toBe('loop')
    expect(s.vcpus[3]!.timedOut || s.vcpus[4]!.timedOut).toBe(false)
    // (d) N3 releases: head = 2, and N4 sets its threshold again, to one position. N2 is
    // rescheduled in that tick. Its ticket is behind head, so it keeps its old threshold
    // (line 20) and spends what is left of it: fewer iterations than N4's fresh tau.
    s = tick(s, [2, 3, 4])
    s = tick(s, [2, 1, 3, 4])
    expect(s.head).toBe(2)
    expect(s.vcpus[3]!.h).toBe(2)
    expect(s.vcpus[3]!.timedOut).toBe(false)
    expect(s.vcpus[1]!.timeout).toBeLessThan(s.vcpus[3]!.timeout)
    ticks = 0
    let before = s
    while (holder(s) < 0 || holder(s) === 2) {
      before = s
      s = tick(s, [2, 1, 3, 4].filter((v) => s.vcpus[v]!.pc !== 'idle'))
      ticks++
      expect(ticks).toBeLessThanOrEqual(tau + 1)
    }
    expect(holder(s)).toBe(1)
    // Without contention: when N2 took its xchg, nobody else was in the xchg loop.
    expect(before.vcpus.flatMap((v, i) => (v.pc === 'spin' ? [i] : []))).toEqual([1])
  })
})
