/** `rkcheck view`: what the page is built from (actors, messages, changed fields), for every kept trace. */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import { firstDifference } from '../src/checker/equal.ts'
import { InputError } from '../src/checker/errors.ts'
import { parseItf } from '../src/checker/itf.ts'
import { builtinModel } from '../src/checker/load.ts'
import type { Action } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { viewCommand } from '../src/cli/view-command.ts'
import { buildChart } from '../src/viewer/chart.ts'
import { ancestorPaths, changedPaths } from '../src/viewer/state-tree.ts'
import { traceExtras } from '../src/viewer/trace-extras.ts'
import { viewData, type ViewData } from '../src/viewer/view-data.ts'
import { plainEnv } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

const BIN = resolve('bin/rkcheck.mjs')
let dir: string

function rk(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: plainEnv() })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

function view(file: string): ViewData {
  const text = readFileSync(file, 'utf8')
  const trace = parseItf(text, file)
  return viewData(builtinModel(trace.meta.model), trace, text, file)
}

beforeAll(() => {
  dir = tempDir('rkcheck-view-')
})

describe('changed fields', () => {
  test('scalars, records, arrays, Maps and Sets', () => {
    const a = { x: 1, r: { p: 'idle', q: 2 }, xs: [1, 2], m: new Map([[1, { v: 0 }], [2, { v: 0 }]]), s: new Set([1]) }
    const b = { x: 1, r: { p: 'busy', q: 2 }, xs: [1, 2, 3], m: new Map([[1, { v: 5 }], [3, { v: 0 }]]), s: new Set([1, 2]) }
    expect(changedPaths(a, b).sort()).toEqual(['m', 'm{1}.v', 'm{3}', 'r.p', 's', 'xs', 'xs[2]'].sort())
    expect(changedPaths(a, a)).toEqual([])
    expect(ancestorPaths(['kernels[1].req.phase']).sort()).toEqual(['', 'kernels', 'kernels[1]', 'kernels[1].req'].sort())
  })
})

describe('sequence chart of lamport.faithful', () => {
  const file = 'traces/lamport.faithful.itf.json'
  test('each delivery the trace records is one arrow from its sender, sent by a step of that kernel', () => {
    const d = view(file)
    expect(d.reproduced).toBe(true)
    expect(d.actors).toEqual(['kernel 0', 'kernel 1', 'kernel 2'])
    const trace = parseItf(readFileSync(file, 'utf8'), file)
    const deliveries = trace.steps.flatMap((st, k) => (st.action?.type === 'deliver' ? [{ k, a: st.action as unknown as Record<string, number | string> }] : []))
    expect(deliveries.length).toBeGreaterThan(3)
    for (const { k, a } of deliveries) {
      const arrows = d.messages.filter((m) => m.delivered === k)
      expect(arrows, `step ${k}`).toHaveLength(1)
      const m = arrows[0]!
      expect([m.from, m.to]).toEqual([`kernel ${a['from']}`, `kernel ${a['to']}`])
      expect(m.label).toBe(`${a['kind']}(page ${a['res']}, ts ${a['ts']})`)
      expect(m.sent).toBeLessThan(k)
      expect(d.steps[m.sent]!.actor).toBe(m.from)
    }
    // what is still in a channel at the end is drawn in flight
    const last = trace.steps.at(-1)!.state as { net: { channels: unknown[][] } }
    const waiting = last.net.channels.reduce((n, c) => n + c.length, 0)
    expect(d.messages.filter((m) => m.delivered === undefined)).toHaveLength(waiting)
  })

  test('the last step changed exactly what the reducer changed, and the property is named', () => {
    const d = view(file)
    const last = d.steps.at(-1)!
    const raw = JSON.parse(readFileSync(file, 'utf8'))
    expect(last.label).toBe(raw.states.at(-1)['#meta'].description)
    // one field changed (a thread enters): the one the engine's own comparison names
    const trace = parseItf(readFileSync(file, 'utf8'), file)
    expect(last.changed).toEqual([firstDifference(trace.steps.at(-2)!.state, trace.steps.at(-1)!.state)])
    expect(last.changed[0]).toMatch(/phase$/)
    expect(d.property).toBe('pageMutualExclusion')
    expect(d.verdict).toMatch(new RegExp(`^reproduced: pageMutualExclusion violated at state ${d.steps.length - 1}`))
  })
})

describe('tlb message hints', () => {
  const tlb = builtinModel('tlb')
  type Pick = (a: Action & Record<string, unknown>) => boolean
  /** Runs the model, each step taking the first enabled action the script's next entry accepts;
   * `initiator` takes vCPU 0's shootdown steps until it waits (pv-flush reads and exchanges a
   * byte per target first). */
  const run = (params: Record<string, string | number | boolean>, script: (Pick | 'initiator')[], mutations: string[] = []) => {
    const model = tlb.create(resolveTypedParams(tlb, params), new Set(mutations))
    const states: any[] = [model.init()[0]]
    const actions: Action[] = []
    const take = (pick: Pick): boolean => {
      const a = model.actions(states.at(-1)).find(pick)
      if (a === undefined) return false
      actions.push(a)
      states.push(model.next(states.at(-1), a))
      return true
    }
    for (const step of script) {
      if (step !== 'initiator') expect(take(step), `step ${actions.length + 1}`).toBe(true)
      else while (states.at(-1).phase !== 'wait' && take((a) => model.actor!(a) === 'vCPU 0' && !['unmap', 'wprotect', 'map', 'read', 'write'].includes(a.type)));
    }
    return { chart: buildChart(model, states, actions), actions }
  }
  const is = (type: string, fields: Record<string, number> = {}): Pick => (a) => a.type === type && Object.entries(fields).every(([k, v]) => a[k] === v)

  test('pv-flush: the flush recorded for a preempted vCPU goes to the host, delivered when it resumes that vCPU', () => {
    const { chart, actions } = run({ scheme: 'pv-flush', V: 2, P: 2 }, [is('preempt', { vcpu: 1 }), is('unmap', { page: 0 }), 'initiator', is('resume', { vcpu: 1 })])
    expect(chart.messages).toHaveLength(1)
    const m = chart.messages[0]!
    expect([m.label, m.from, m.to]).toEqual(['flush vCPU 1 before it runs', 'vCPU 0', 'host'])
    expect(m.sent).toBeGreaterThan(2)
    expect(actions[m.delivered! - 1]).toEqual({ type: 'resume', vcpu: 1 })
  })

  test('ipi: an IPI to each target, delivered when the target handles it', () => {
    const { chart, actions } = run({ scheme: 'ipi', V: 3, P: 3 }, [is('unmap', { page: 0 }), 'initiator', is('handleIpi', { vcpu: 2 })])
    const sent = actions.findIndex((a) => a.type === 'send') + 1
    expect(chart.messages).toEqual([
      { label: 'IPI: invalidate page 0', from: 'vCPU 0', to: 'vCPU 1', sent },
      { label: 'IPI: invalidate page 0', from: 'vCPU 0', to: 'vCPU 2', sent, delivered: actions.length },
    ])
    expect(chart.actors).toEqual(['vCPU 0', 'vCPU 1', 'vCPU 2'])
  })

  test('dropIpiOnPreempt: the IPI the host drops when it preempts its target is lost there, not in flight', () => {
    const { chart, actions } = run({ scheme: 'ipi', V: 2, P: 2 }, [is('unmap', { page: 0 }), 'initiator', is('preempt', { vcpu: 1 })], ['dropIpiOnPreempt'])
    const sent = actions.findIndex((a) => a.type === 'send') + 1
    expect(chart.messages).toEqual([{ label: 'IPI: invalidate page 0', from: 'vCPU 0', to: 'vCPU 1', sent, dropped: actions.length }])
    // the faithful host keeps it pending: still in flight after the same steps
    const faithful = run({ scheme: 'ipi', V: 2, P: 2 }, [is('unmap', { page: 0 }), 'initiator', is('preempt', { vcpu: 1 })])
    expect(faithful.chart.messages).toEqual([{ label: 'IPI: invalidate page 0', from: 'vCPU 0', to: 'vCPU 1', sent }])
  })

  test('the kept lasso of dropIpiOnPreempt: each IPI lost by the preemption of its target', () => {
    const d = view('traces/tlb.liveness.dropIpiOnPreempt.itf.json')
    expect(d.messages.length).toBeGreaterThan(0)
    for (const m of d.messages) {
      expect(m.delivered).toBeUndefined()
      expect(d.steps[m.dropped!]!.action).toEqual({ type: 'preempt', vcpu: Number(m.to.replace('vCPU ', '')) })
    }
  })

  test('shoot4u: one hypercall to the host, answered in the same step', () => {
    const { chart, actions } = run({ scheme: 'shoot4u', V: 2, P: 2 }, [is('unmap', { page: 0 }), 'initiator'])
    const sent = actions.findIndex((a) => a.type === 'send') + 1
    expect(chart.messages).toEqual([{ label: 'hypercall: invalidate page 0', from: 'vCPU 0', to: 'host', sent, delivered: sent }])
  })
})

describe('trace extras', () => {
  const base = { '#meta': { model: 'ticket' }, vars: [], states: [{}, {}, {}] }
  test('a lasso and step times are read; a bad loop index is bad input', () => {
    const timed = { ...base, loop: 1, '#meta': { ...base['#meta'], timeUnit: 'cycles' }, states: [{}, { '#meta': { start: 0, end: 5 } }, { 'mbt::time': { start: { '#bigint': '7' }, end: { '#bigint': '9' } } }] }
    expect(traceExtras(JSON.stringify(timed), 't', 3)).toEqual({ loop: 1, timeUnit: 'cycles', times: [undefined, { start: 0, end: 5 }, { start: 7, end: 9 }] })
    expect(() => traceExtras(JSON.stringify({ ...base, loop: 3 }), 't', 3)).toThrow(InputError)
    expect(() => traceExtras(JSON.stringify({ ...base, states: [{}, { '#meta': { start: 5, end: 1 } }, {}] }), 't', 3)).toThrow(/state 1/)
  })
})

describe('rkcheck view', () => {
  const files = readdirSync('traces').filter((f) => f.endsWith('.itf.json'))
  test('every kept trace becomes a self-contained page', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    for (const f of files) {
      const out = join(dir, f.replace(/\.itf\.json$/, '.html'))
      expect(await viewCommand(`traces/${f}`, { out }), f).toBe(0)
      const html = readFileSync(out, 'utf8')
      // nothing fetched: no external script, style, font or image (the SVG namespace is a name, not a fetch)
      expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/<script[^>]+src=|<link|https?:\/\/|@import|url\((?!#)/)
      const data = JSON.parse(/<script id="trace-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as ViewData
      const trace = parseItf(readFileSync(`traces/${f}`, 'utf8'), f)
      expect(data.steps).toHaveLength(trace.steps.length)
      // a witness of a measure that is largest at the initial state has no step and no actor
      if (data.steps.length > 1) expect(data.actors.length).toBeGreaterThan(0)
      for (const st of data.steps.slice(1)) expect(data.actors).toContain(st.actor)
    }
    vi.restoreAllMocks()
  })

  test('a trace of a model file loads it only with --model-file; a model without actor or hints is one lifeline', () => {
    const trace = join(dir, 'peterson.itf.json')
    const model = resolve('examples/peterson.ts')
    expect(rk('check', '--model-file', model, '--mutate', 'selfTurn', '--trace-out', trace, '-q').code).toBe(1)
    const refused = rk('view', trace, '--out', join(dir, 'p.html'))
    expect(refused.code).toBe(2)
    expect(refused.err.trim().split('\n')).toHaveLength(1)
    expect(refused.err).toMatch(/pass --model-file/)
    const ok = rk('view', trace, '--out', join(dir, 'p.html'), '--model-file', model)
    expect(ok.code, ok.err).toBe(0)
    const data = JSON.parse(/<script id="trace-data" type="application\/json">(.*?)<\/script>/s.exec(readFileSync(join(dir, 'p.html'), 'utf8'))![1]!) as ViewData
    expect(data.actors).toEqual(['model'])
    expect(data.hinted).toBe(false)
    expect(data.messages).toEqual([])
  })

  test("a model file's actors and message hints: a lifeline per actor, an arrow from each send to its delivery", () => {
    // PING from the client to the server, PONG back, over FIFO channels read by the
    // package's fifoChannelMessages; the second PONG received breaks the invariant
    const model = join(dir, 'pingpong.ts')
    writeFileSync(
      model,
      `import { defineModel, fifoChannelMessages, type Model, type StepMessages } from 'rkcheck'
type State = { readonly channels: readonly (readonly string[])[]; readonly pings: number; readonly pongs: number }
type Action = { readonly type: 'ping' | 'serve' | 'receive' }
const node = (k: number): string => (k === 0 ? 'client' : 'server')
const pingpong = (): Model<State, Action> => ({
  name: 'pingpong',
  init: () => [{ channels: [[], [], [], []], pings: 0, pongs: 0 }],
  actions: (s) => [
    ...(s.pings < 2 ? [{ type: 'ping' as const }] : []),
    ...(s.channels[1]!.length > 0 ? [{ type: 'serve' as const }] : []),
    ...(s.channels[2]!.length > 0 ? [{ type: 'receive' as const }] : []),
  ],
  next: (s, a) => {
    const c = s.channels.map((x) => [...x])
    if (a.type === 'ping') c[1]!.push('PING ' + s.pings)
    if (a.type === 'serve') c[2]!.push(c[1]!.shift()!.replace('PING', 'PONG'))
    if (a.type === 'receive') c[2]!.shift()
    return { channels: c, pings: s.pings + (a.type === 'ping' ? 1 : 0), pongs: s.pongs + (a.type === 'receive' ? 1 : 0) }
  },
  actor: (a) => (a.type === 'serve' ? 'server' : 'client'),
  messages: (s, _a, t): StepMessages => fifoChannelMessages(s, t, node, (m) => m),
  invariants: { onePong: (s) => s.pongs < 2 || 'two PONGs received' },
})
export default defineModel({ name: 'pingpong', doc: 'ping-pong over FIFO channels', params: [], mutations: [], create: pingpong })
`,
    )
    const trace = join(dir, 'pingpong.itf.json')
    const checked = rk('check', '--model-file', model, '--trace-out', trace, '-q')
    expect(checked.code, checked.err).toBe(1)
    const page = join(dir, 'pingpong.html')
    const r = rk('view', trace, '--out', page, '--model-file', model)
    expect(r.code, r.err).toBe(0)
    const data = JSON.parse(/<script id="trace-data" type="application\/json">(.*?)<\/script>/s.exec(readFileSync(page, 'utf8'))![1]!) as ViewData
    expect(data.actors).toEqual(['client', 'server'])
    expect(data.hinted).toBe(true)
    expect(data.property).toBe('onePong')
    // every step on its actor's lifeline, every message from its send to its delivery
    const acts = data.steps.slice(1).map((s) => s.action!['type'] as string)
    data.steps.slice(1).forEach((s, i) => expect(s.actor).toBe(acts[i] === 'serve' ? 'server' : 'client'))
    const byLabel = Object.fromEntries(data.messages.map((m) => [m.label, m]))
    expect(Object.keys(byLabel).sort()).toEqual(['PING 0', 'PING 1', 'PONG 0', 'PONG 1'])
    for (const m of data.messages) {
      const ping = m.label.startsWith('PING')
      expect([m.from, m.to]).toEqual(ping ? ['client', 'server'] : ['server', 'client'])
      expect(acts[m.sent - 1]).toBe(ping ? 'ping' : 'serve')
      expect(acts[m.delivered! - 1]).toBe(ping ? 'serve' : 'receive')
      expect(m.delivered!).toBeGreaterThan(m.sent)
    }
    // a PONG is sent by the step that delivered its PING
    expect(byLabel['PONG 0']!.sent).toBe(byLabel['PING 0']!.delivered)
    expect(byLabel['PONG 1']!.sent).toBe(byLabel['PING 1']!.delivered)
  })

  test('a trace timed by the executor (replay --timed --trace-out) is drawn on its time axis', () => {
    const timed = join(dir, 'timed.itf.json')
    const r = rk('replay', resolve('traces/lamport.faithful.itf.json'), '--timed', '--trace-out', timed)
    expect(r.code, r.err).toBe(0)
    const d = view(timed)
    expect(d.reproduced).toBe(true)
    expect(d.timed).toBe(true)
    expect(d.timeUnit).toBeDefined()
    for (const st of d.steps.slice(1)) {
      expect(st.time, `step ${st.index}`).toBeDefined()
      expect(st.time!.end).toBeGreaterThanOrEqual(st.time!.start)
    }
  })

  test('bad input: one line, exit 2, no page', () => {
    const bad = join(dir, 'bad.itf.json')
    writeFileSync(bad, '{"#meta": {"model": "ticket"}, "vars": [], "states": [')
    const r = rk('view', bad, '--out', join(dir, 'bad.html'))
    expect(r.code).toBe(2)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(() => readFileSync(join(dir, 'bad.html'))).toThrow()
    expect(rk('view', 'traces/ticket.overflow.itf.json', '--out', join(dir, 'x.txt')).code).toBe(2)
  })

  test('a trace that does not reproduce: exit 1, the page shows the steps that did', () => {
    const j = JSON.parse(readFileSync('traces/ticket.overflow.itf.json', 'utf8'))
    j.states[2].head = { '#bigint': '1' }
    const f = join(dir, 'broken.itf.json')
    writeFileSync(f, JSON.stringify(j))
    const r = rk('view', f, '--out', join(dir, 'broken.html'))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/does not reproduce: state 2 differs from the recorded one at head/)
    expect(readFileSync(join(dir, 'broken.html'), 'utf8')).toContain('"reproduced":false')
  })
})
