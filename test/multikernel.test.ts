/** The `multikernel` model and the `multikernel-shootdown` experiment (seed 003, Barrelfish Figures 6-7). */
import { describe, expect, test } from 'vitest'
import { builtinModel } from '../src/checker/load.ts'
import { shootdownLatency } from '../src/executor/experiments/multikernel.ts'
import { adapterFor } from '../src/executor/adapters.ts'
import { values } from '../src/executor/profile.ts'
import { barrelfishAmd } from '../src/executor/profiles/barrelfish-amd.ts'
import { costsFor } from '../src/executor/profiles/index.ts'
import { runTimed } from '../src/executor/run.ts'
import { hops, PROTOCOLS, shootdownTree, type McState } from '../src/model/multikernel.ts'
import { invalidatedAtCompletion } from '../src/properties/multikernel.ts'

describe('topology and trees', () => {
  test('the assumed 2 x 4 ladder: hops are symmetric, 1 to a neighbour, 4 corner to corner', () => {
    for (let a = 0; a < 8; a++) for (let b = 0; b < 8; b++) expect(hops(a, b)).toBe(hops(b, a))
    expect(hops(0, 1)).toBe(1)
    expect(hops(0, 4)).toBe(1)
    expect(hops(0, 7)).toBe(4)
    expect(hops(3, 4)).toBe(4)
  })

  test('multicast: one core per other package, which forwards to the rest of its package', () => {
    const t = shootdownTree('multicast', 32, 4)
    expect(t.children[0]).toEqual([1, 2, 3, 4, 8, 12, 16, 20, 24, 28])
    expect(t.children[8]).toEqual([9, 10, 11])
    expect(t.parent[9]).toBe(8)
    expect(t.parent[8]).toBe(0)
  })

  test('NUMA-aware multicast: farthest packages first, the own package last', () => {
    const t = shootdownTree('numa-multicast', 32, 4)
    const distances = t.children[0]!.map((c) => hops(Math.floor(c / 4), 0))
    expect(distances).toEqual([...distances].sort((x, y) => y - x))
    expect(t.children[0]!.slice(-3)).toEqual([1, 2, 3])
    expect(t.children[0]!).toHaveLength(10)
  })
})

function run(protocol: (typeof PROTOCOLS)[number], cores: number) {
  const params = { protocol, sockets: 8, coresPerSocket: 4, cores }
  const model = builtinModel('multikernel').create(params, new Set())
  return runTimed({ model, costs: costsFor(barrelfishAmd, 'multikernel', params), adapter: adapterFor('multikernel'), seed: 1, workload: { admit: () => 0 } })
}

describe('timed runs on the 8x4-core AMD', () => {
  for (const protocol of PROTOCOLS) {
    test(`${protocol}, 32 cores: completes with every TLB entry invalid, one INV and one ACK per core`, () => {
      const r = run(protocol, 32)
      const s = r.final as McState
      expect(s.cores[0]!.phase).toBe('done')
      expect(invalidatedAtCompletion(s)).toBe(true)
      expect(s.cores.every((c) => !c.tlb)).toBe(true)
      expect(r.timing.sent['ACK']).toBe(31)
      expect(r.timing.sent['INV']).toBe(31)
    })
  }

  test('2 cores, unicast: the latency is the sum of its steps and one transit each way', () => {
    const c = values(barrelfishAmd.constants)
    const start = c['pteClear']! + c['invalidate']!
    const send = c['lineLocal']!
    const handle = c['poll']! + c['invalidate']! + c['lineLocal']!
    const expected = start + send + c['lineLocal']! + handle + c['lineLocal']! + c['poll']! + c['poll']!
    expect(shootdownLatency('unicast', 2, 1)).toBe(expected)
  })

  test('the shape of Figure 6: at 32 cores NUMA-aware multicast is the fastest, and the multicasts beat unicast and broadcast', () => {
    const at = Object.fromEntries(PROTOCOLS.map((p) => [p, shootdownLatency(p, 32, 1)]))
    expect(at['numa-multicast']).toBeLessThan(at['multicast']!)
    expect(at['multicast']).toBeLessThan(Math.min(at['unicast']!, at['broadcast']!))
  })

  test('unicast grows with every core, NUMA-aware multicast with every package', () => {
    const uni = [8, 16, 32].map((n) => shootdownLatency('unicast', n, 1))
    const numa = [8, 16, 32].map((n) => shootdownLatency('numa-multicast', n, 1))
    expect(uni[2]! - uni[1]!).toBeGreaterThan(2 * (numa[2]! - numa[1]!))
  })
})
