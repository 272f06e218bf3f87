/**
 * Every liveness property of a built-in model is checked in the ci suite and shown to fail
 * there, by a mutation too: a ci entry with a mutation violates it, and the same
 * configuration without the mutation (same parameters, same fairness) holds.
 */
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, test } from 'vitest'
import { resolveTypedParams } from '../src/checker/params.ts'
import type { ProofEntry } from '../src/checker/proofs.ts'
import { builtinModels, proofs } from '../src/registry/index.ts'

/** `waiterAcquires[vCPU 0]` -> `waiterAcquires`. */
const base = (n: string): string => n.replace(/\[.*\]$/, '')

describe('liveness in the verify registry', () => {
  for (const f of builtinModels) {
    test(`${f.name}: each liveness property holds in some ci entry and is violated in another`, () => {
      const entries = proofs.filter((p) => p.model === f.name && p.suites.includes('ci'))
      const names = new Set<string>()
      for (const e of entries) for (const n of Object.keys(f.create(resolveTypedParams(f, e.params), new Set()).liveness ?? {})) names.add(n)
      for (const n of names) {
        const checking = entries.filter((e) => e.liveness?.properties.some((p) => base(p) === n))
        expect(checking.some((e) => 'holds' in e.expect), `no ci entry proves ${n}`).toBe(true)
        expect(
          checking.some((e) => 'violates' in e.expect && e.expect.violates === n),
          `no ci entry violates ${n}`,
        ).toBe(true)
      }
    })

    test(`${f.name}: each liveness property is broken by a mutation whose faithful twin holds`, () => {
      const all = proofs.filter((p) => p.model === f.name)
      const params = (e: ProofEntry) => resolveTypedParams(f, e.params)
      const twinHolds = (m: ProofEntry): boolean =>
        all.some(
          (e) =>
            (e.mutations ?? []).length === 0 &&
            'holds' in e.expect &&
            isDeepStrictEqual(params(e), params(m)) &&
            isDeepStrictEqual(e.liveness, m.liveness),
        )
      const names = new Set(proofs.filter((p) => p.model === f.name && p.liveness).flatMap((p) => p.liveness!.properties.map(base)))
      for (const n of names) {
        const mutants = all.filter(
          (e) => e.suites.includes('ci') && (e.mutations ?? []).length > 0 && 'violates' in e.expect && e.expect.violates === n,
        )
        expect(mutants.length, `no ci entry with a mutation violates ${n}`).toBeGreaterThan(0)
        expect(mutants.some(twinHolds), `no mutation of ${n} has a twin without it that holds`).toBe(true)
      }
    })
  }
})
