/**
 * `rkcheck verify --junit FILE`: the outcomes of a verify run as a JUnit XML report, the
 * format CI systems read (GitHub Actions reporters, GitLab, Jenkins): one `<testsuite>`,
 * one `<testcase>` per configuration (classname: the model; name: the configuration id).
 * An outcome that is not the expected one is a `<failure>` whose message names the
 * expected and the actual outcome and the path of the counterexample trace, if any.
 */

export interface JunitCase {
  readonly id: string
  readonly model: string
  readonly expected: string
  readonly outcome: string
  readonly pass: boolean
  readonly seconds: number
  /** Where the counterexample of this run was written, if it has one. */
  readonly trace?: string
  /** Extra lines for the case's output (parameters, mutations, the finding). */
  readonly details?: string
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Text for an XML attribute or element: escaped, and without the characters XML 1.0 forbids. */
export function xmlText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!)
}

export function failureMessage(c: JunitCase): string {
  const trace = c.trace !== undefined ? `; trace: ${c.trace}` : '; no counterexample trace'
  return `outcome changed: expected ${c.expected}, got ${c.outcome}${trace}`
}

export function junitXml(suiteName: string, cases: readonly JunitCase[], totalSeconds: number, timestamp: Date): string {
  const failures = cases.filter((c) => !c.pass).length
  const time = (s: number): string => s.toFixed(3)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rkcheck" tests="${cases.length}" failures="${failures}" errors="0" time="${time(totalSeconds)}">`,
    `  <testsuite name="${xmlText(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${time(totalSeconds)}" timestamp="${timestamp.toISOString().slice(0, 19)}">`,
  ]
  for (const c of cases) {
    lines.push(`    <testcase classname="${xmlText(c.model)}" name="${xmlText(c.id)}" time="${time(c.seconds)}">`)
    if (!c.pass) {
      lines.push(`      <failure message="${xmlText(failureMessage(c))}" type="ChangedOutcome">${xmlText(failureMessage(c))}</failure>`)
    }
    const out = [`expected: ${c.expected}`, `outcome: ${c.outcome}`, ...(c.trace !== undefined ? [`trace: ${c.trace}`] : []), ...(c.details ? [c.details] : [])]
    lines.push(`      <system-out>${xmlText(out.join('\n'))}</system-out>`)
    lines.push('    </testcase>')
  }
  lines.push('  </testsuite>', '</testsuites>', '')
  return lines.join('\n')
}
