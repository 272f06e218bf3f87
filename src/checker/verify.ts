/**
 * `rkcheck verify`: run every proof of a suite and compare each outcome with the one
 * expected. Passes only when every outcome is the expected one.
 */
import { builtinModel } from './load.ts'
import { runCheck, type CheckOutcome } from './check.ts'
import type { ExploreStats } from './explorer.ts'
import { resolveMutations, resolveTypedParams } from './params.ts'
import { describeExpectation, type ProofEntry, type Suite } from './proofs.ts'
import { proofs } from '../registry/index.ts'

export interface VerifyRow {
  readonly entry: ProofEntry
  readonly expected: string
  readonly outcome: string
  readonly pass: boolean
  readonly traceLength?: number
  readonly stats: ExploreStats
  readonly check: CheckOutcome
}

export function suiteEntries(suite: Suite): readonly ProofEntry[] {
  return proofs.filter((p) => p.suites.includes(suite))
}

export function runProof(entry: ProofEntry, onProgress?: (s: ExploreStats) => void): VerifyRow {
  const factory = builtinModel(entry.model)
  const check = runCheck({
    factory,
    params: resolveTypedParams(factory, entry.params),
    mutations: resolveMutations(factory, entry.mutations ?? []),
    ...(entry.maxStates !== undefined ? { maxStates: entry.maxStates } : {}),
    ...(entry.properties !== undefined ? { properties: entry.properties } : {}),
    ...(onProgress ? { onProgress } : {}),
  })
  const r = check.result
  const outcome =
    r.verdict === 'holds' ? 'holds' : r.verdict === 'violated' ? `violates ${r.violation.property}` : `limit (${r.limit})`
  const expected = describeExpectation(entry.expect)
  return {
    entry,
    expected,
    outcome,
    pass: outcome === expected,
    ...(r.verdict === 'violated' ? { traceLength: r.violation.path.length - 1 } : {}),
    stats: r.stats,
    check,
  }
}
