/**
 * `verify --jobs N`: configurations run in worker threads, and the outcomes, the table, the
 * JSON and JUnit reports and the traces are the same as with one job, in the registry's
 * order whatever order the workers end in. SIGINT stops the running searches cleanly.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { InputError } from '../src/checker/errors.ts'
import type { ProofEntry } from '../src/checker/proofs.ts'
import { runProofs } from '../src/checker/verify-pool.ts'
import { verifyCommand } from '../src/cli/verify-command.ts'
import { proofs } from '../src/registry/index.ts'
import { plainEnv } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

const BIN = resolve('bin/rkcheck.mjs')
let dir: string

const entry = (id: string): ProofEntry => {
  const e = proofs.find((p) => p.id === id)
  if (e === undefined) throw new Error(`no proof ${id} in the registry`)
  return e
}

/** A slower configuration first, then small ones of every model, holding and violating. */
const ENTRIES: readonly ProofEntry[] = [
  'spinlock/pmt-basic',
  'ticket',
  'ticket/nonAtomicTicket',
  'lamport/noAckWait',
  'lamport/appendQueue',
  'tlb/ipi',
  'tlb/pvPlainStore',
  'spinlock/generic',
  'spinlock/nonAtomicTicket',
].map(entry)

beforeAll(() => {
  dir = tempDir('rkcheck-jobs-')
})

afterEach(() => vi.restoreAllMocks())

interface Run {
  code: number
  /** The table's cells, run-time columns (seconds, states/s) left out. */
  table: string[][]
  json: { pass: boolean; results: Record<string, unknown>[] }
  traces: Map<string, string>
  junit: unknown
}

async function run(jobs: string): Promise<Run> {
  const out = join(dir, `jobs${jobs}`)
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(String(s)))
  const code = await verifyCommand({ suite: 'ci', jobs, quiet: true, json: join(out, 'v.json'), traceDir: join(out, 'traces'), junit: join(out, 'v.xml') }, ENTRIES)
  vi.restoreAllMocks()
  const header = lines.join('\n').split('\n').find((l) => l.includes('configuration'))!
  const cells = (l: string): string[] => l.split('│').slice(1, -1).map((c) => c.trim())
  const names = cells(header)
  const keep = names.map((n, i) => (n === 'seconds' || n === 'states/s' ? -1 : i)).filter((i) => i >= 0)
  const table = lines
    .join('\n')
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => keep.map((i) => cells(l)[i]!))
  const json = JSON.parse(readFileSync(join(out, 'v.json'), 'utf8'))
  delete json.seconds
  for (const r of json.results) {
    delete r.seconds
    delete r.statesPerSec
  }
  const traceDir = join(out, 'traces')
  const traces = new Map(readdirSync(traceDir).sort().map((f) => [f, readFileSync(join(traceDir, f), 'utf8')]))
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testcase' }).parse(readFileSync(join(out, 'v.xml'), 'utf8'))
  // trace paths name this run's folder
  const junit = (doc.testsuites.testsuite.testcase as Record<string, unknown>[]).map(({ '@_time': _time, ...c }) =>
    JSON.parse(JSON.stringify(c).replaceAll(out, 'OUT')),
  )
  return { code, table, json, traces, junit }
}

describe('verify --jobs', () => {
  test('one job and two give the same outcomes, table, JSON, JUnit report and traces, in the registry order', async () => {
    const one = await run('1')
    const two = await run('2')
    expect(one.code).toBe(0)
    expect(one.json.pass).toBe(true)
    expect(one.json.results.map((r) => r['id'])).toEqual(ENTRIES.map((e) => e.id))
    expect(one.table.map((r) => r[0])).toEqual(['configuration', ...ENTRIES.map((e) => e.id)])
    // violations and witnesses were written: the comparison of traces is not vacuous
    expect(one.traces.size).toBeGreaterThanOrEqual(4)
    expect(two.code).toBe(one.code)
    expect(two.table).toEqual(one.table)
    expect(two.json).toEqual(one.json)
    expect(two.junit).toEqual(one.junit)
    expect([...two.traces.keys()]).toEqual([...one.traces.keys()])
    for (const [f, text] of one.traces) expect(two.traces.get(f), f).toBe(text)
  })

  test('two workers run at once: the small configurations end before the slower first one', async () => {
    const entries = ['spinlock/pmt-basic', 'ticket/overflow', 'tlb/ipi', 'lamport/appendQueue'].map(entry)
    const ended: number[] = []
    await runProofs(entries, { jobs: 2, progressEveryMs: 1000, interrupted: () => false }, { onProgress: () => {}, onDone: (i) => void ended.push(i) })
    expect([...ended].sort((a, b) => a - b)).toEqual(entries.map((_, i) => i))
    // in one thread they would end in the registry's order, the slower first one first
    expect(ended[0]).not.toBe(0)
  })

  test('an error in a worker is the same one-line error as in this thread', async () => {
    const bad: ProofEntry[] = [entry('ticket'), { ...entry('ticket'), id: 'ticket/bad', params: { threads: 99 } }]
    for (const jobs of ['1', '2']) {
      const r = verifyCommand({ suite: 'ci', jobs, quiet: true }, bad)
      await expect(r).rejects.toThrow(InputError)
      await expect(r).rejects.toThrow(/threads/)
    }
  })

  test('--jobs takes a positive integer (bad input: one line, exit 2)', () => {
    for (const v of ['0', 'x', '-1']) {
      const r = spawnSync(process.execPath, [BIN, 'verify', '--filter', 'ticket', '--jobs', v], { cwd: dir, encoding: 'utf8' })
      expect(r.status).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/--jobs/)
    }
  })

  test('SIGINT stops the running configurations, starts no more, writes the JSON and exits 3', async () => {
    const json = join(dir, 'stopped.json')
    const child = spawn(process.execPath, [BIN, 'verify', '--filter', 'lamport', '--jobs', '2', '--json', json], {
      cwd: dir,
      env: plainEnv(),
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (b) => (out += b))
    // the first configuration that ends shows that both workers are searching
    child.stderr.on('data', (b) => {
      err += b
      if (/^ok /m.test(err) && !child.killed) child.kill('SIGINT')
    })
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)))
    expect(code, err).toBe(3)
    expect(err).toMatch(/SIGINT: stopping/)
    expect(err).not.toMatch(/\n\s+at /)
    expect(out).toMatch(/interrupted: \d+ of \d+ configurations ran to a verdict, \d+ stopped, \d+ not run/)
    const j = JSON.parse(readFileSync(json, 'utf8'))
    expect(j.pass).toBe(false)
    expect(j.interrupted).toBe(true)
    const total = proofs.filter((p) => p.suites.includes('ci') && p.id.startsWith('lamport')).length
    expect(j.results.length + j.notRun.length).toBe(total)
    expect(j.notRun.length).toBeGreaterThan(0)
    for (const r of j.results) expect(r.pass || r.outcome === 'limit (interrupted)').toBe(true)
  }, 120_000)
})
