/** `rkcheck verify --junit FILE`: the report, and where the traces of changed outcomes go. */
import { dirname, join } from 'node:path'
import { assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { junitXml, type JunitCase } from '../checker/junit.ts'
import type { VerifyRow } from '../checker/verify.ts'

/**
 * Checks the report's path before the run starts, and returns the folder for the
 * counterexamples of changed outcomes: `--trace-dir`, or `changed-traces/` beside the report.
 */
export function junitTraceDir(junit: string, traceDir: string | undefined): string {
  assertWritableFile(junit, '--junit')
  return traceDir ?? join(dirname(junit), 'changed-traces')
}

export function junitCases(rows: readonly VerifyRow[], traces: ReadonlyMap<string, string>): JunitCase[] {
  return rows.map((r) => {
    const e = r.entry
    const params = Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join(' ')
    const why = 'finding' in e.expect && e.expect.finding ? `finding: ${e.expect.finding}` : 'baseline' in e.expect && e.expect.baseline ? `baseline: ${e.expect.baseline}` : ''
    const trace = traces.get(e.id)
    return {
      id: e.id,
      model: e.model,
      expected: r.expected,
      outcome: r.outcome,
      pass: r.pass,
      seconds: r.stats.elapsedSec,
      ...(trace !== undefined ? { trace } : {}),
      details: [`parameters: ${params || '(defaults)'}`, `mutations: ${(e.mutations ?? []).join(', ') || 'none'}`, `distinct states: ${r.stats.distinct}`, ...(why ? [why] : [])].join('\n'),
    }
  })
}

export function writeJunit(path: string, suiteName: string, rows: readonly VerifyRow[], traces: ReadonlyMap<string, string>, seconds: number): void {
  writeFileAtomic(path, junitXml(suiteName, junitCases(rows, traces), seconds, new Date()))
}
