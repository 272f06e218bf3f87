/** `rkcheck verify --junit`: a report a real XML parser reads, and a changed outcome is a failure naming its trace. */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { parseItf } from '../src/checker/itf.ts'
import { junitXml } from '../src/checker/junit.ts'
import { builtinModel } from '../src/checker/load.ts'
import type { ProofEntry } from '../src/checker/proofs.ts'
import { replayTrace } from '../src/checker/replay.ts'
import { verifyCommand } from '../src/cli/verify-command.ts'
import { proofs } from '../src/registry/index.ts'
import { plainEnv } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

const BIN = resolve('bin/rkcheck.mjs')
let dir: string

function rk(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: plainEnv() })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

interface Case {
  '@_classname': string
  '@_name': string
  '@_time': string
  failure?: { '@_message': string; '@_type': string; '#text': string }
  'system-out': string
}

/** Parses a report strictly: not well-formed XML fails the test. */
function readReport(path: string): { suite: Record<string, string>; cases: Case[] } {
  const xml = readFileSync(path, 'utf8')
  expect(XMLValidator.validate(xml)).toBe(true)
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' }).parse(xml)
  const suite = doc.testsuites.testsuite
  return { suite, cases: suite.testcase as Case[] }
}

beforeAll(() => {
  dir = tempDir('rkcheck-junit-')
})

afterEach(() => vi.restoreAllMocks())

describe('verify --junit', () => {
  test('one test case per configuration, all passing, from the command line', () => {
    const report = join(dir, 'reports', 'verify.xml')
    const r = rk('verify', '--filter', 'ticket', '--junit', report, '-q')
    expect(r.code).toBe(0)
    const { suite, cases } = readReport(report)
    const ids = proofs.filter((p) => p.suites.includes('ci') && p.id.startsWith('ticket')).map((p) => p.id)
    expect(ids.length).toBeGreaterThan(1)
    expect(cases.map((c) => c['@_name'])).toEqual(ids)
    expect(suite['@_tests']).toBe(String(ids.length))
    expect(suite['@_failures']).toBe('0')
    for (const c of cases) {
      expect(c['@_classname']).toBe('ticket')
      expect(c.failure).toBeUndefined()
      expect(Number(c['@_time'])).toBeGreaterThanOrEqual(0)
    }
    // without --trace-dir, no trace is written for outcomes as expected
    expect(existsSync(join(dir, 'reports', 'changed-traces'))).toBe(false)
  })

  test('a changed outcome is a failure whose message names a trace that replays', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const caught = proofs.find((p) => p.id === 'ticket/nonAtomicTicket')!
    const faithful = proofs.find((p) => p.id === 'ticket')!
    // the registry's expectations, turned around: the mutation "holds", the faithful model "violates"
    const changed: ProofEntry[] = [
      { ...caught, expect: { holds: true } },
      { ...faithful, expect: { violates: 'mutualExclusion' } },
    ]
    const report = join(dir, 'changed', 'verify.xml')
    const code = await verifyCommand({ suite: 'ci', junit: report, quiet: true }, changed)
    expect(code).toBe(1)
    const { suite, cases } = readReport(report)
    expect(suite['@_failures']).toBe('2')

    const [mutant, model] = cases as [Case, Case]
    expect(mutant.failure!['@_type']).toBe('ChangedOutcome')
    const m = /expected holds, got violates mutualExclusion; trace: (\S+\.itf\.json)$/.exec(mutant.failure!['@_message'])
    expect(m, mutant.failure!['@_message']).not.toBeNull()
    const tracePath = m![1]!
    expect(tracePath.startsWith(join(dir, 'changed', 'changed-traces'))).toBe(true)
    const trace = parseItf(readFileSync(tracePath, 'utf8'), tracePath)
    const replay = replayTrace(builtinModel(trace.meta.model), trace)
    expect(replay.ok).toBe(true)
    expect(replay.message).toMatch(/^reproduced: mutualExclusion violated/)

    expect(model.failure!['@_message']).toBe('outcome changed: expected violates mutualExclusion, got holds; no counterexample trace')
  })

  test('the report path is checked before the run: a folder is bad input, and nothing runs', () => {
    const r = rk('verify', '--filter', 'ticket', '--junit', dir)
    expect(r.code).toBe(2)
    const lines = r.err.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]!.startsWith(`rkcheck: --junit ${dir}`)).toBe(true)
    expect(lines[0]).toMatch(/directory|folder/)
    expect(r.out).toBe('')
  })

  test('names and messages are escaped: the parser reads back exactly what was written', () => {
    const odd = `lamport/<a & "b"> 'c'`
    const xml = junitXml(
      'suite & <more>',
      [{ id: odd, model: 'm<1>', expected: 'holds', outcome: 'violates x', pass: false, seconds: 0.5, trace: 'traces/a&b.itf.json', details: 'line\u0001 one' }],
      1,
      new Date(0),
    )
    const path = join(dir, 'odd.xml')
    writeFileSync(path, xml)
    const { suite, cases } = readReport(path)
    expect(suite['@_name']).toBe('suite & <more>')
    expect(cases[0]!['@_name']).toBe(odd)
    expect(cases[0]!['@_classname']).toBe('m<1>')
    expect(cases[0]!.failure!['@_message']).toBe('outcome changed: expected holds, got violates x; trace: traces/a&b.itf.json')
  })
})
