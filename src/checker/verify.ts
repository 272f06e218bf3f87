/**
 * `rkcheck verify`: run every proof of a suite and compare each outcome with the one
 * expected. Passes only when every outcome is the expected one.
 */
import { builtinModel } from './load.ts'
import { runCheck, runCheckAsync, type CheckOutcome, type CheckRequest } from './check.ts'
import type { ExploreStats } from './explorer.ts'
import { resolveMutations, resolveTypedParams } from './params.ts'
import { describeExpectation, type ProofEntry, type Suite } from './proofs.ts'
import { proofs } from '../registry/index.ts'

/** What `verify` keeps of a check: plain data, so that a worker thread can send it back. */
export type ProofOutcome = Pick<CheckOutcome, 'result' | 'itf' | 'witnesses'>

export interface VerifyRow {
  readonly entry: ProofEntry
  readonly expected: string
  readonly outcome: string
  readonly pass: boolean
  /** The search was stopped (SIGINT, SIGTERM) before a verdict: neither a pass nor a change. */
  readonly interrupted: boolean
  readonly traceLength?: number
  readonly stats: ExploreStats
  readonly check: ProofOutcome
}

/** How a proof runs: progress, and the flag that stops it (polled by the explorer). */
export interface ProofRunOptions {
  readonly onProgress?: (s: ExploreStats) => void
  readonly progressEveryMs?: number
  readonly interrupted?: () => boolean
}

export function suiteEntries(suite: Suite): readonly ProofEntry[] {
  return proofs.filter((p) => p.suites.includes(suite))
}

/** Runs one proof in this thread (the event loop waits). */
export function runProof(entry: ProofEntry, opts: ProofRunOptions = {}): VerifyRow {
  return proofRow(entry, plainOutcome(runCheck(proofRequest(entry, opts))))
}

/** Runs one proof in slices, so that signal handlers run while it searches. */
export async function runProofAsync(entry: ProofEntry, opts: ProofRunOptions = {}): Promise<VerifyRow> {
  return proofRow(entry, plainOutcome(await runCheckAsync(proofRequest(entry, opts))))
}

function proofRequest(entry: ProofEntry, o: ProofRunOptions): CheckRequest {
  const factory = builtinModel(entry.model)
  return {
    factory,
    params: resolveTypedParams(factory, entry.params),
    mutations: resolveMutations(factory, entry.mutations ?? []),
    ...(entry.maxStates !== undefined ? { maxStates: entry.maxStates } : {}),
    ...(entry.properties !== undefined ? { properties: entry.properties } : {}),
    ...(entry.liveness !== undefined ? { liveness: entry.liveness } : {}),
    ...(entry.checkDeadlock !== undefined ? { checkDeadlock: entry.checkDeadlock } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.progressEveryMs !== undefined ? { progressEveryMs: o.progressEveryMs } : {}),
    ...(o.interrupted ? { interrupted: o.interrupted } : {}),
  }
}

function plainOutcome(c: CheckOutcome): ProofOutcome {
  return { result: c.result, ...(c.itf !== undefined ? { itf: c.itf } : {}), witnesses: c.witnesses }
}

/** The row of a proof's outcome: expected, actual, pass. */
export function proofRow(entry: ProofEntry, check: ProofOutcome): VerifyRow {
  const r = check.result
  const outcome =
    r.verdict === 'holds' ? 'holds' : r.verdict === 'violated' ? `violates ${r.violation.property}` : `limit (${r.limit})`
  const expected = describeExpectation(entry.expect)
  return {
    entry,
    expected,
    outcome,
    pass: outcome === expected,
    interrupted: r.verdict === 'limit' && r.limit === 'interrupted',
    ...(r.verdict === 'violated' ? { traceLength: r.violation.path.length - 1 } : {}),
    stats: r.stats,
    check,
  }
}
