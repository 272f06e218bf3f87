/** The timed executor: replay --timed of every kept trace, determinism, message transit, exit codes, fitted profiles. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseItf } from '../src/checker/itf.ts'
import { builtinModel } from '../src/checker/load.ts'
import { replayTrace } from '../src/checker/replay.ts'
import { fairbenchRun, jainIndex } from '../src/executor/experiments/fairbench.ts'
import { fetchRun, popcornCostRows, POPCORN_FIT } from '../src/executor/experiments/popcorn.ts'
import { runScenario } from '../src/executor/experiments/popcorn-runs.ts'
import { shootdownLatencies, TABLE3 } from '../src/executor/experiments/shootdown.ts'
import { values } from '../src/executor/profile.ts'
import { ouyangKvm } from '../src/executor/profiles/ouyang-kvm.ts'
import { popcornKatz } from '../src/executor/profiles/popcorn-katz.ts'
import { costsFor, defaultProfile } from '../src/executor/profiles/index.ts'
import { timeReplay } from '../src/executor/replay-timed.ts'
import { plainEnv } from './cli-run.ts'

const BIN = resolve('bin/rkcheck.mjs')
const files = readdirSync('traces').filter((f) => f.endsWith('.itf.json'))

function rk(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: plainEnv() })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

describe('replay --timed of every kept trace', () => {
  for (const f of files) {
    test(f, () => {
      const trace = parseItf(readFileSync(`traces/${f}`, 'utf8'), f)
      const r = replayTrace(builtinModel(trace.meta.model), trace)
      expect(r.ok, r.message).toBe(true)
      const t = timeReplay(r.model, r.steps, costsFor(defaultProfile(trace.meta.model), trace.meta.model, trace.meta.params))
      expect(t.steps).toHaveLength(trace.steps.length - 1)
      for (let k = 0; k < t.steps.length; k++) {
        const s = t.steps[k]!
        expect(s.end).toBeGreaterThanOrEqual(s.start)
        if (k > 0) expect(s.start).toBeGreaterThanOrEqual(t.steps[k - 1]!.start)
      }
    })
  }
})

describe('timing rules', () => {
  test('a message is handled no earlier than its send time plus transit, and every delivery has its send', () => {
    const r = fetchRun(3, 1)
    const sends = new Map<number, number>()
    for (const s of r.steps) if (s.sent.length > 0) sends.set(s.index, s.end)
    let deliveries = 0
    for (const s of r.steps) {
      if (s.delivered === undefined) continue
      deliveries++
      expect(s.start).toBeGreaterThanOrEqual(Math.min(...sends.values()) + 8_592)
    }
    expect(deliveries).toBe(Object.values(r.timing.sent).reduce((a, b) => a + b, 0))
  })

  test('an actor does one step at a time', () => {
    const r = fetchRun(4, 2)
    const byActor = new Map<string, { start: number; end: number }[]>()
    for (const s of r.steps) byActor.set(s.actor, [...(byActor.get(s.actor) ?? []), s])
    for (const steps of byActor.values()) for (let k = 1; k < steps.length; k++) expect(steps[k]!.start).toBeGreaterThanOrEqual(steps[k - 1]!.end)
  })

  test("Jain's index: 1 for equal shares, 1/n for one taker", () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1)
    expect(jainIndex([8, 0, 0, 0])).toBe(0.25)
  })
})

describe('determinism', () => {
  test('the same seed gives the same run, byte for byte; another seed may differ', () => {
    const a = JSON.stringify(fairbenchRun('pmt-basic', 2, 2, 240, 7))
    const b = JSON.stringify(fairbenchRun('pmt-basic', 2, 2, 240, 7))
    expect(a).toBe(b)
    const runs = new Set([1, 2, 3, 4].map((seed) => JSON.stringify(fairbenchRun('pmt-basic', 2, 2, 240, seed))))
    expect(runs.size).toBeGreaterThan(1)
  })

  test('replay --timed prints the same report twice', () => {
    const f = 'traces/lamport.faithful.itf.json'
    const x = rk('replay', f, '--timed')
    const y = rk('replay', f, '--timed')
    expect(x.code).toBe(0)
    expect(x.out).toMatch(/Critical path: \d+ steps/)
    expect(x.out).toBe(y.out)
  })
})

describe('rkcheck replay --timed at the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rkcheck-exec-'))

  test('a step that is not enabled: one line naming the step, exit 1', () => {
    const j = JSON.parse(readFileSync('traces/lamport.faithful.itf.json', 'utf8'))
    // deliver a message that was never sent
    j.states[2]['mbt::nondetPicks'] = { ...j.states[2]['mbt::nondetPicks'] }
    j.states[2]['mbt::actionTaken'] = 'enter'
    const f = join(dir, 'bad.itf.json')
    writeFileSync(f, JSON.stringify(j))
    const r = rk('replay', f, '--timed')
    expect(r.code).toBe(1)
    expect(r.out.trim().split('\n')).toHaveLength(1)
    expect(r.out).toMatch(/step 2 \(.*\) is not enabled in state 1/)
  })

  test('an unknown cost profile is bad input: one line, exit 2', () => {
    const r = rk('replay', 'traces/lamport.faithful.itf.json', '--timed', '--costs', 'nope')
    expect(r.code).toBe(2)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/unknown cost profile 'nope'/)
  })

  test('--svg writes a picture with a bar per step', () => {
    const svg = join(dir, 't.svg')
    const r = rk('replay', 'traces/tlb.freeBeforeAck.itf.json', '--timed', '--svg', svg)
    expect(r.code).toBe(0)
    const text = readFileSync(svg, 'utf8')
    expect(text.startsWith('<svg')).toBe(true)
    expect((text.match(/aria-roledescription="bar"/g) ?? []).length).toBeGreaterThan(0)
  })
})

describe('fitted constants of the cost profiles', () => {
  test('popcorn-katz reproduces the rows of Tables 6.1 / 6.5 it was fitted on (within 2%)', () => {
    const rows = popcornCostRows()
    for (const p of POPCORN_FIT) {
      const measured = rows.get(p.row)!.measure(1, values(popcornKatz.constants))
      expect(Math.abs(measured - p.paper) / p.paper, p.row).toBeLessThan(0.02)
    }
  })

  test('ouyang-kvm reproduces the two 1-VM means of Table 3 it was fitted on (within 2%)', () => {
    const c = values(ouyangKvm.constants)
    for (const scheme of ['ipi', 'shoot4u'] as const) {
      const l = shootdownLatencies(scheme, 1, 10, 1, c)
      const mean = l.reduce((a, b) => a + b, 0) / l.length / 1000
      expect(Math.abs(mean - TABLE3[1][scheme].mean) / TABLE3[1][scheme].mean, scheme).toBeLessThan(0.02)
    }
  })

  test('fetch-messages counts 5(N-1) messages per mapping fetch on the popcorn model', () => {
    for (const N of [2, 5, 9]) {
      const r = runScenario({ params: { kernels: N, threads: 2, pages: 1, mapped: 1, frames: 2, ops: 1, read: true }, plans: { 1: [{ op: 'read', page: 0 }] } }, 1)
      expect(Object.values(r.timing.sent).reduce((a, b) => a + b, 0)).toBe(5 * (N - 1))
    }
  })
})
