/** The verify registry: every property of every model can fail, and every mutation is caught. */
import { describe, expect, test } from 'vitest'
import { resolveMutations, resolveTypedParams } from '../src/checker/params.ts'
import { builtinModels, proofs } from '../src/registry/index.ts'

describe('verify registry', () => {
  for (const f of builtinModels) {
    const entries = proofs.filter((p) => p.model === f.name && p.suites.includes('ci'))
    test(`${f.name}: entries are well formed`, () => {
      for (const e of entries) {
        expect(() => resolveTypedParams(f, e.params)).not.toThrow()
        expect(() => resolveMutations(f, e.mutations ?? [])).not.toThrow()
      }
    })

    test(`${f.name}: every mutation is expected to be caught in the ci suite`, () => {
      for (const m of f.mutations) {
        const e = entries.find((x) => x.mutations?.includes(m.name))
        expect(e, `no ci entry for mutation ${m.name}`).toBeDefined()
        expect('violates' in e!.expect).toBe(true)
      }
    })

    test(`${f.name}: every property, of every configuration, is shown to fail by some ci entry`, () => {
      const names = new Set<string>()
      for (const e of entries) {
        const model = f.create(resolveTypedParams(f, e.params), new Set())
        for (const n of [...Object.keys(model.invariants), ...Object.keys(model.transitionInvariants ?? {})]) names.add(n)
      }
      expect(names.size).toBeGreaterThan(0)
      for (const inv of names) {
        expect(
          entries.some((e) => 'violates' in e.expect && e.expect.violates === inv),
          `no ci entry violates ${inv}`,
        ).toBe(true)
      }
    })
  }
})
