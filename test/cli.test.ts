/** The command line end to end: exit codes, one-line errors, trace files. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { expectBadInput, runCli, type CliResult } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

let dir: string
let goodTrace: string

const rk = (...args: string[]): CliResult => runCli(dir, args)

function writeTrace(name: string, edit: (j: any) => void): string {
  const j = JSON.parse(readFileSync(goodTrace, 'utf8'))
  edit(j)
  const f = join(dir, name)
  writeFileSync(f, JSON.stringify(j))
  return f
}

beforeAll(() => {
  dir = tempDir('rkcheck-cli-')
  goodTrace = join(dir, 'cex.itf.json')
  const r = rk('check', 'ticket', '-p', 'threads=3', '--mutate', 'nonAtomicTicket', '--trace-out', goodTrace, '-q')
  expect(r.code).toBe(1)
})

describe('rkcheck check', () => {
  test('a proof exits 0', () => {
    const r = rk('check', 'ticket', '-p', 'threads=3', '-q')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Verdict: holds/)
    expect(r.out).toMatch(/124/)
  })

  test('a violation exits 1 and writes a trace under traces/ by default', () => {
    const r = rk('check', 'ticket', '--mutate', 'nonAtomicTicket', '-q', '--json', 'out.json')
    expect(r.code).toBe(1)
    expect(readdirSync(join(dir, 'traces'))).toEqual(['ticket.nonAtomicTicket.mutualExclusion.itf.json'])
    const j = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))
    expect(j).toMatchObject({ verdict: 'violated', violation: { property: 'mutualExclusion', length: 6 } })
  })

  test('a limit exits 3', () => {
    expect(rk('check', 'ticket', '-p', 'threads=5', '--max-states', '100', '-q').code).toBe(3)
    expect(rk('check', 'ticket', '-p', 'threads=5', '--max-depth', '3', '-q').code).toBe(3)
  })

  test('a user model loads from a .ts file', () => {
    const file = resolve('examples/peterson.ts')
    expect(rk('check', '--model-file', file, '-q').code).toBe(0)
    const r = rk('check', '--model-file', file, '--mutate', 'selfTurn', '--trace-out', 'p.itf.json', '-q')
    expect(r.code).toBe(1)
    // a trace alone never runs code: the model file must be named
    expectBadInput(rk('replay', 'p.itf.json'), /was written from the model file .*peterson\.ts: pass --model-file/)
    expect(rk('replay', 'p.itf.json', '--model-file', file).code).toBe(0)
  })

  test('bad input: one line, exit 2', () => {
    expectBadInput(rk('check', 'nosuch'), /unknown model 'nosuch'/)
    expectBadInput(rk('check', 'ticket', '-p', 'threads=many'), /threads: expected an integer/)
    expectBadInput(rk('check', 'ticket', '-p', 'threads=99'), /out of range/)
    expectBadInput(rk('check', 'ticket', '-p', 'colour=red'), /no parameter 'colour'/)
    expectBadInput(rk('check', 'ticket', '--mutate', 'noSuchBug'), /no mutation 'noSuchBug'/)
    expectBadInput(rk('check', 'ticket', '--max-states', 'lots'), /--max-states/)
    expectBadInput(rk('check', 'ticket', '--frobnicate'), /unknown option/)
    expectBadInput(rk('check', '--model-file', 'missing.ts'), /not found/)
    expectBadInput(rk('verify', '--suite', 'nightly'), /unknown suite/)
  })

  test('bad input holding a line break is still one line (the break shown as \\n)', () => {
    expectBadInput(rk('check', 'tick\net'), /unknown model 'tick\\net'/)
    expectBadInput(rk('check', 'ticket', '-p', 'thr\neads=2'), /no parameter 'thr\\neads'/)
    expectBadInput(rk('check', '--model-file', 'a\r\nb.ts'), /not found: a\\r\\nb\.ts/)
    expectBadInput(rk('check', 'ticket', '--fro\nbnicate'), /unknown option '--fro\\nbnicate'/)
    const fromFile = writeTrace('nl.itf.json', (j) => (j['#meta'].modelFile = '/tmp/a\nb.ts'))
    expectBadInput(rk('replay', fromFile), /model file \/tmp\/a\\nb\.ts: pass --model-file/)
  })
})

describe('rkcheck replay', () => {
  test('a counterexample reproduces exactly: exit 0', () => {
    const r = rk('replay', goodTrace)
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/reproduced: mutualExclusion violated at state 6/)
  })

  test('a step that is not enabled: exit 1, naming the step', () => {
    const f = writeTrace('disabled.itf.json', (j) => {
      j.states[4]['mbt::nondetPicks'].thread.value = { '#bigint': '2' }
    })
    const r = rk('replay', f)
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/step 4 \(thread 2: enter\) is not enabled in state 3/)
  })

  test('a state that differs from the recorded one: exit 1, naming the state', () => {
    const f = writeTrace('differs.itf.json', (j) => {
      j.states[3].tail = { '#bigint': '3' }
    })
    const r = rk('replay', f)
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/state 3 differs from the recorded one at tail/)
  })

  test('a violation that does not reproduce: exit 1', () => {
    const f = writeTrace('short.itf.json', (j) => {
      j.states = j.states.slice(0, 5)
    })
    expect(rk('replay', f).code).toBe(1)
  })

  test('bad input: one line, exit 2', () => {
    const truncated = join(dir, 'truncated.itf.json')
    writeFileSync(truncated, readFileSync(goodTrace, 'utf8').slice(0, 400))
    expectBadInput(rk('replay', truncated), /malformed trace/)
    expectBadInput(rk('replay', writeTrace('unknown.itf.json', (j) => (j['#meta'].model = 'nosuch'))), /unknown model 'nosuch'/)
    expectBadInput(rk('replay', writeTrace('param.itf.json', (j) => (j['#meta'].params.threads = 'x'))), /threads/)
    expectBadInput(rk('replay', writeTrace('mut.itf.json', (j) => (j['#meta'].mutations = ['zzz']))), /no mutation 'zzz'/)
    expectBadInput(rk('replay', writeTrace('novar.itf.json', (j) => delete j.states[2].head)), /lacks variable 'head'/)
    expectBadInput(rk('replay', join(dir, 'nothing.itf.json')), /cannot read trace/)
  })
})

describe('rkcheck list and verify', () => {
  test('list names every model with parameters and mutations', () => {
    const r = rk('list')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/ticket/)
    expect(r.out).toMatch(/threads/)
    expect(r.out).toMatch(/nonAtomicTicket/)
  })

  test('verify passes and writes JSON (the ticket configurations of the ci suite)', () => {
    expectBadInput(rk('verify', '--filter', 'nosuch'), /no configuration/)
    const r = rk('verify', '--filter', 'ticket', '--json', 'verify.json', '-q')
    expect(r.code).toBe(0)
    const j = JSON.parse(readFileSync(join(dir, 'verify.json'), 'utf8'))
    expect(j.pass).toBe(true)
    expect(j.results.find((x: { id: string }) => x.id === 'ticket/nonAtomicTicket')).toMatchObject({ outcome: 'violates mutualExclusion', counterexampleLength: 6 })
  })
})
