/** Every liveness property of a built-in model is checked in the ci suite and shown to fail there. */
import { describe, expect, test } from 'vitest'
import { resolveTypedParams } from '../src/checker/params.ts'
import { builtinModels, proofs } from '../src/registry/index.ts'

describe('liveness in the verify registry', () => {
  for (const f of builtinModels) {
    test(`${f.name}: each liveness property holds in some ci entry and is violated in another`, () => {
      const entries = proofs.filter((p) => p.model === f.name && p.suites.includes('ci'))
      const names = new Set<string>()
      for (const e of entries) for (const n of Object.keys(f.create(resolveTypedParams(f, e.params), new Set()).liveness ?? {})) names.add(n)
      const base = (n: string): string => n.replace(/\[.*\]$/, '')
      for (const n of names) {
        const checking = entries.filter((e) => e.liveness?.properties.some((p) => base(p) === n))
        expect(checking.some((e) => 'holds' in e.expect), `no ci entry proves ${n}`).toBe(true)
        expect(
          checking.some((e) => 'violates' in e.expect && e.expect.violates === n),
          `no ci entry violates ${n}`,
        ).toBe(true)
      }
    })
  }
})
