/** The timed executor: replay --timed of every kept trace, determinism, message transit, exit codes, fitted profiles. */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseItf } from '../src/checker/itf.ts'
import { PROT_R } from '../src/model/popcorn/state.ts'
import { builtinModel } from '../src/checker/load.ts'
import { replayTrace } from '../src/checker/replay.ts'
import { fairbenchRun, jainIndex } from '../src/executor/experiments/fairbench.ts'
import {
  countRun,
  countSpan,
  cowBreakStep,
  distributedExitRun,
  fitPopcorn,
  mprotectRun,
  mprotectSpans,
  popcornCostRows,
  POPCORN_FIT,
} from '../src/executor/experiments/popcorn-cost-rows.ts'
import { fetchRun, runScenario } from '../src/executor/experiments/popcorn-runs.ts'
import { shootdownLatencies, shootdownParams, TABLE3 } from '../src/executor/experiments/shootdown.ts'
import { values } from '../src/executor/profile.ts'
import { ouyangKvm } from '../src/executor/profiles/ouyang-kvm.ts'
import { popcornKatz } from '../src/executor/profiles/popcorn-katz.ts'
import { costsFor, defaultProfile } from '../src/executor/profiles/index.ts'
import { timeReplay } from '../src/executor/replay-timed.ts'
import { plainEnv } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

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
  const dir = tempDir('rkcheck-exec-')

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

describe('popcorn-costs: each predicted row is a timed run of the popcorn model', () => {
  const base = values(popcornKatz.constants)
  const rows = [...popcornCostRows().values()]
  const predicted = rows.filter((r) => !POPCORN_FIT.some((p) => p.row === r.name))
  /** A constant each predicted row's timed span is priced by. */
  const pricedBy: Record<string, string> = {
    'Mapping fetch processing, 4 prefetch slots': 'prefetchSlot',
    'Distributed mprotect': 'lookup',
    'Distributed task exit': 'taskStep',
    'Distributed group exit': 'send',
    'Counting remote thread group members': 'transit',
    'Break COW page': 'pageCopy',
  }

  test('every row of Table 6.1 and 6.5 runs; each predicted row grows with a constant its steps are priced by', () => {
    expect(rows.filter((r) => r.table === '6.1')).toHaveLength(7)
    expect(predicted.map((r) => r.name).sort()).toEqual(Object.keys(pricedBy).sort())
    for (const r of predicted) {
      const v = r.measure(1, base)
      expect(v, r.name).toBeGreaterThan(0)
      const k = pricedBy[r.name]!
      expect(r.measure(1, { ...base, [k]: base[k]! + 1_000 }), `${r.name} with ${k} + 1000`).toBeGreaterThan(v)
    }
  })

  test('task exit: a member that is not its kernel\'s last sends EXIT and counts nobody; the last member of all counts, then sends GROUP_EXIT', () => {
    const notLast = distributedExitRun(2, 1)
    expect(notLast.timing.sent['EXIT']).toBe(1)
    expect(notLast.timing.sent['COUNT'] ?? 0).toBe(0)
    const last = distributedExitRun(1, 1)
    expect(last.timing.sent['COUNT']).toBe(1)
    expect(last.timing.sent['GROUP_EXIT']).toBe(1)
  })

  test('counting: one COUNT out and one COUNTED back, so the round spans two transits at least', () => {
    const r = countRun(1)
    expect(r.timing.delivered['COUNTED']).toBe(1)
    expect(countSpan(r)).toBeGreaterThanOrEqual(2 * base['transit']!)
  })

  test('mprotect: the other kernel ends with the page read-only; the timed span leaves out the heavy lock round trip', () => {
    const final = mprotectRun(1).final as { kernels: { mms: { vmas: { prot: number }[] }[] }[] }
    expect(final.kernels.map((k) => k.mms[0]!.vmas[0]!.prot)).toEqual([PROT_R, PROT_R])
    const { underLock, syscall } = mprotectSpans(1)
    expect(underLock).toBeGreaterThanOrEqual(2 * base['transit']!)
    expect(syscall - underLock).toBeGreaterThanOrEqual(2 * base['transit']!)
  })

  test('break COW: the timed step is the write that copies the page; a write without a fork copies nothing and is refused', () => {
    const r = runScenario({ params: { kernels: 2, threads: 1, spread: false, pages: 1, mapped: 1, populated: 1, frames: 3, ops: 1, write: true }, plans: { 0: [{ op: 'write', page: 0 }] } }, 1)
    expect(() => cowBreakStep(r)).toThrow(/did not copy the page/)
  })

  test('rkcheck experiment popcorn-costs writes every row with its figure and says which rows were fitted', () => {
    const dir = tempDir('rkcheck-pc-')
    const r = rk('experiment', 'popcorn-costs', '--out', dir)
    expect(r.code, r.err).toBe(0)
    const got = (JSON.parse(readFileSync(join(dir, 'popcorn-costs.json'), 'utf8')) as { data: { rows: { row: string; rkcheck: number; fitted: boolean }[] } }).data.rows
    expect(got).toHaveLength(rows.length)
    expect(got.filter((x) => x.fitted).map((x) => x.row).sort()).toEqual(POPCORN_FIT.map((p) => p.row).sort())
    const fitted = fitPopcorn(1)
    for (const x of got) expect(x.rkcheck, x.row).toBe(rows.find((y) => y.name === x.row)!.measure(1, fitted))
    expect(r.out).toMatch(/of 6 predicted rows within 20%/)
  })
})

describe('ouyang-kvm and the shootdown experiment', () => {
  test("pv-flush's flag read and cmpxchg cost a load and a locked read-modify-write, not nothing", () => {
    const c = values(ouyangKvm.constants)
    const params = shootdownParams('pv-flush', 1)
    const model = builtinModel('tlb').create(params, new Set())
    const costs = costsFor(ouyangKvm, 'tlb', params)
    const s = model.init()[0]
    expect(costs.step(s, { type: 'readFlag', target: 1 } as never)).toBe(c['spinIteration'])
    expect(costs.step(s, { type: 'casFlag', target: 1 } as never)).toBe(c['atomic'])
    expect(c['spinIteration']! * c['atomic']!).toBeGreaterThan(0)
  })

  test('the experiment runs Shoot4U on every target\'s pinned core, with parameters the tlb model declares', () => {
    const declared = new Map(builtinModel('tlb').params.map((p) => [p.name, p]))
    const params = shootdownParams('shoot4u', 1)
    for (const k of Object.keys(params)) expect(declared.has(k), k).toBe(true)
    expect(params['shoot4uInvalidate']).toBe('last-pcpus')
    expect((declared.get('shoot4uInvalidate') as { values?: readonly string[] }).values).toContain('last-pcpus')
  })
})
