/**
 * Equivalences of equation 3.3 (seed 004, 3.3.2.1): tau = inf behaves as the ticket lock
 * (the same acquisition orders), and tau = 0 admits every order the generic lock admits.
 */
import { describe, expect, test } from 'vitest'
import { fingerprintHex } from '../src/checker/fingerprint.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { spinlock } from '../src/registry/spinlock.ts'
import { type SpinAction, type SpinState } from '../src/model/spinlock.ts'

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
