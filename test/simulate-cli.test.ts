/** `rkcheck simulate` and `rkcheck shrink` end to end: exit codes, the same seed twice, traces replay. */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { BIN, expectBadInput, plainEnv, runCli, type CliResult } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

let dir: string

const rk = (...args: string[]): CliResult => runCli(dir, args)

const meta = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, file), 'utf8'))['#meta']

beforeAll(() => {
  dir = tempDir('rkcheck-sim-')
})

describe('rkcheck simulate', () => {
  test('nothing found: exit 0, with runs, steps, distinct states and coverage', () => {
    const r = rk('simulate', 'ticket', '--runs', '50', '--depth', '40', '--seed', '1', '-q')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Verdict: nothing found in 50 runs/)
    expect(r.out).toMatch(/│ 50 +│ 2,000 +│/)
    expect(r.out).toMatch(/│ take +│/)
  })

  test('a violation: exit 1, a shrunk trace that replays, the seed and the lengths in #meta', () => {
    const r = rk('simulate', 'ticket', '--mutate', 'nonAtomicTicket', '--property', 'mutualExclusion', '--no-deadlock', '--seed', '3', '--trace-out', 'a.itf.json', '--json', 'a.json', '-q')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/Verdict: violated mutualExclusion in run \d+ after \d+ steps/)
    expect(r.out).toMatch(/Shrunk from \d+ steps to \d+ by fast-check, then to 6 by/)
    expect(meta('a.itf.json')).toMatchObject({ model: 'ticket', property: 'mutualExclusion', seed: 3, depth: 100, shrunkLength: 6 })
    const j = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))
    expect(j).toMatchObject({ verdict: 'violated', seed: 3, violation: { property: 'mutualExclusion', shrunkLength: 6, traceFile: 'a.itf.json' } })
    expect(meta('a.itf.json')['originalLength']).toBe(j.violation.originalLength)
    const replay = rk('replay', 'a.itf.json')
    expect(replay.out).toMatch(/6 steps: reproduced: mutualExclusion violated at state 6/)
    expect(replay.code).toBe(0)
  })

  test('the same seed gives the same runs and the same trace, byte for byte', () => {
    const run = (name: string): { trace: string; json: Record<string, unknown> } => {
      expect(rk('simulate', 'tlb', '-p', 'scheme=pv-flush', '--mutate', 'freeBeforeAck', '--seed', '11', '--trace-out', `${name}.itf.json`, '--json', `${name}.json`, '-q').code).toBe(1)
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'))
      delete json.stats.elapsedSec
      delete json.stats.stepsPerSec
      delete json.violation.shrinkSeconds
      delete json.violation.traceFile
      return { trace: readFileSync(join(dir, `${name}.itf.json`), 'utf8'), json }
    }
    const a = run('s1')
    const b = run('s2')
    expect(b.trace).toBe(a.trace)
    expect(b.json).toEqual(a.json)
  })

  test('a time limit or the memory cap ends the runs with verdict limit, exit 3', () => {
    const r = rk('simulate', 'lamport', '-p', 'atomicTimestamp=true', '--runs', '100000000', '--time-limit', '1', '--seed', '1', '-q')
    expect(r.code).toBe(3)
    expect(r.out).toMatch(/Verdict: limit \(time-limit after [\d,]+ of 100,000,000 runs/)
    const m = rk('simulate', 'ticket', '--runs', '100000000', '--memory-limit', '1M', '--seed', '1', '-q')
    expect(m.code).toBe(3)
    expect(m.out).toMatch(/Verdict: limit \(resident memory reached the cap after/)
  })

  test('SIGINT ends the runs with statistics and verdict limit, exit 3', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', 'lamport', '-p', 'atomicTimestamp=true', '--runs', '100000000', '--seed', '1'], {
      cwd: dir,
      env: plainEnv(),
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    // the first progress line (every 5 s off a terminal) says the runs have started
    child.stderr.once('data', () => child.kill('SIGINT'))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(3)
    expect(out).toMatch(/Verdict: limit \(interrupted after [\d,]+ of 100,000,000 runs/)
    expect(out).toMatch(/│ runs +│ steps +│ distinct states/)
  })

  test('a user model file; its trace names the file, and shrink loads it only when told', () => {
    const file = resolve('examples/peterson.ts')
    expect(rk('simulate', '--model-file', file, '--mutate', 'selfTurn', '--seed', '1', '--trace-out', 'p.itf.json', '-q').code).toBe(1)
    expect(meta('p.itf.json')['modelFile']).toBe(file)
    expectBadInput(rk('shrink', 'p.itf.json'), /was written from the model file .*pass --model-file/)
    expect(rk('shrink', 'p.itf.json', '--model-file', file).code).toBe(0)
  })

  test('bad input: one line, exit 2', () => {
    expectBadInput(rk('simulate', 'nosuch'), /unknown model 'nosuch'/)
    expectBadInput(rk('simulate', 'ticket', '--runs', '0'), /--runs: expected an integer from 1/)
    expectBadInput(rk('simulate', 'ticket', '--seed', '1.5'), /--seed: expected an integer/)
    expectBadInput(rk('simulate', 'ticket', '--property', 'nosuch'), /no property 'nosuch'/)
    expectBadInput(rk('simulate', 'ticket', '--trace-out', '.'), /--trace-out/)
  })
})

describe('rkcheck shrink', () => {
  test('a DFS counterexample shrinks to the shortest one and replays', () => {
    expect(rk('check', 'ticket', '--mutate', 'nonAtomicTicket', '--dfs', '--trace-out', 'dfs.itf.json', '-q').code).toBe(1)
    const steps = JSON.parse(readFileSync(join(dir, 'dfs.itf.json'), 'utf8')).states.length - 1
    expect(steps).toBeGreaterThan(6)
    const r = rk('shrink', 'dfs.itf.json')
    expect(r.code).toBe(0)
    expect(r.out).toContain(`Shrunk dfs.itf.json: ${steps} steps -> 6 steps, mutualExclusion still fails`)
    expect(r.out).toMatch(/Trace written to dfs\.shrunk\.itf\.json/)
    expect(meta('dfs.shrunk.itf.json')).toMatchObject({ property: 'mutualExclusion', originalLength: steps, shrunkLength: 6 })
    expect(rk('replay', 'dfs.shrunk.itf.json').code).toBe(0)
    // deterministic
    expect(rk('shrink', 'dfs.itf.json', '--out', 'again.itf.json').code).toBe(0)
    expect(readFileSync(join(dir, 'again.itf.json'), 'utf8')).toBe(readFileSync(join(dir, 'dfs.shrunk.itf.json'), 'utf8'))
  })

  test('a trace that does not reproduce: one line naming the step, exit 1', () => {
    const j = JSON.parse(readFileSync(join(dir, 'dfs.itf.json'), 'utf8'))
    j.states.splice(2, 1)
    j.states.forEach((s: { '#meta': { index: number } }, i: number) => (s['#meta'].index = i))
    writeFileSync(join(dir, 'broken.itf.json'), JSON.stringify(j))
    const r = rk('shrink', 'broken.itf.json')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/broken\.itf\.json: (step|state) \d+/)
  })

  test('bad input: one line, exit 2', () => {
    writeFileSync(join(dir, 'bad.itf.json'), '{"#meta": {')
    expectBadInput(rk('shrink', 'bad.itf.json'), /malformed trace/)
    expectBadInput(rk('shrink', 'dfs.itf.json', '--out', 'dfs.itf.json'), /would overwrite the trace/)
    const j = JSON.parse(readFileSync(join(dir, 'dfs.itf.json'), 'utf8'))
    delete j['#meta'].property
    delete j['#meta'].propertyKind
    writeFileSync(join(dir, 'plain.itf.json'), JSON.stringify(j))
    expectBadInput(rk('shrink', 'plain.itf.json'), /records no violated property/)
  })

  test('a lasso (liveness counterexample): one line saying it cannot be shrunk, exit 2, nothing written', () => {
    copyFileSync(resolve('traces/tlb.liveness.ipi.withoutTargets.itf.json'), join(dir, 'lasso.itf.json'))
    expect(meta('lasso.itf.json')).toMatchObject({ propertyKind: 'liveness', property: 'shootdownCompletes' })
    expectBadInput(
      rk('shrink', 'lasso.itf.json'),
      /^rkcheck: lasso\.itf\.json is a lasso \(a liveness counterexample of shootdownCompletes\): lasso traces cannot be shrunk, only safety counterexamples can$/,
    )
    expect(existsSync(join(dir, 'lasso.shrunk.itf.json'))).toBe(false)
    // the loop index alone marks a lasso
    const j = JSON.parse(readFileSync(join(dir, 'lasso.itf.json'), 'utf8'))
    delete j['#meta'].propertyKind
    writeFileSync(join(dir, 'loop.itf.json'), JSON.stringify(j))
    expectBadInput(rk('shrink', 'loop.itf.json'), /loop\.itf\.json is a lasso .*cannot be shrunk/)
  })
})
