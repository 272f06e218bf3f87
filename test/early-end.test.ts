/** Runs that end early end cleanly: statistics, verdict limit with its reason, --json written, exit 3. */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { plainEnv } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

const BIN = resolve('bin/rkcheck.mjs')
const BIG = ['check', 'ticket', '-p', 'threads=8', '-p', 'modulo=16']

type Run = { code: number; out: string; err: string }

/** `rkcheck ARGS` in `dir`; `as` runs it as another user. */
function rkAs(as: { uid?: number; gid?: number }, dir: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: plainEnv(), ...as })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

const rk = (dir: string, ...args: string[]): Run => rkAs({}, dir, ...args)

/** An output path refused before any work: exit 2, nothing on stdout, one line on stderr. */
function expectRefused(r: Run, line: RegExp): void {
  expect(r.code).toBe(2)
  expect(r.out).toBe('')
  expect(r.err.trim().split('\n')).toHaveLength(1)
  expect(r.err.trim()).toMatch(line)
}

const fresh = (): string => tempDir('rkcheck-early-')

describe('a search that ends early', () => {
  test.each(['vectors', 'objects'])('the memory cap (%s): verdict limit (memory), statistics, --json, exit 3', (representation) => {
    const dir = fresh()
    // a cap just above what the process holds when it starts: reached within a few seconds
    const r = rk(dir, ...BIG, '--representation', representation, '--memory-limit', '220M', '--json', 'run.json', '-q')
    expect(r.code).toBe(3)
    expect(r.out).toMatch(/Verdict: limit \(memory limit reached: resident memory reached 220 MiB before a verdict; nothing is proved\)/)
    expect(r.out).toMatch(/distinct/)
    const j = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))
    expect(j).toMatchObject({ verdict: 'limit', limit: 'memory' })
    expect(j.stats.distinct).toBeGreaterThan(0)
    expect(j.stats.distinct).toBeLessThan(3_507_216)
  }, 300_000)

  test('a small JavaScript heap (--max-old-space-size=100): verdict limit (memory), never a V8 abort', () => {
    const dir = fresh()
    // states that grow at every step, held as objects on the heap: the heap fills first
    writeFileSync(
      join(dir, 'grow.mjs'),
      `export default { name: 'grow', init: () => [{ xs: [] }], actions: () => [0, 1, 2].map((k) => ({ type: 'push', k })),
  next: (s, a) => ({ xs: [...s.xs, a.k] }), invariants: {}, terminal: () => true }\n`,
    )
    const env = { ...plainEnv(), NODE_OPTIONS: '--max-old-space-size=100' }
    const r = spawnSync(process.execPath, [BIN, 'check', '--model-file', 'grow.mjs', '--representation', 'objects', '--json', 'run.json', '-q'], {
      cwd: dir,
      encoding: 'utf8',
      env,
    })
    expect(r.stderr).not.toMatch(/FATAL|heap out of memory/)
    expect(r.status).toBe(3)
    expect(r.stdout).toMatch(/Verdict: limit \(memory limit reached: the JavaScript heap is near its limit/)
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toMatchObject({ verdict: 'limit', limit: 'memory' })
  }, 300_000)

  test.each(['SIGINT', 'SIGTERM'] as const)('%s: verdict limit (interrupted), statistics, --json, exit 3', async (signal) => {
    const dir = fresh()
    const child = spawn(process.execPath, [BIN, ...BIG, '--json', 'run.json'], { cwd: dir, env: plainEnv() })
    let out = ''
    let err = ''
    child.stdout.on('data', (b: Buffer) => (out += b))
    // the progress line on stderr says the search is under way
    const code = await new Promise<number | null>((done) => {
      child.stderr.on('data', (b: Buffer) => {
        err += b
        if (/distinct/.test(err) && !child.killed) child.kill(signal)
      })
      child.on('exit', done)
    })
    expect(code).toBe(3)
    expect(err).toMatch(new RegExp(`${signal}: stopping the search`))
    expect(out).toMatch(/Verdict: limit \(interrupted before a verdict; nothing is proved\)/)
    expect(out).toMatch(/Coverage/)
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toMatchObject({ verdict: 'limit', limit: 'interrupted' })
  }, 300_000)

  test('--max-states N explores exactly N states; integers only', () => {
    const dir = fresh()
    expect(rk(dir, 'check', 'ticket', '-p', 'threads=4', '--max-states', '100', '--json', 'a.json', '-q').code).toBe(3)
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).stats.distinct).toBe(100)
    // a space of exactly N states holds at --max-states N
    const all = rk(dir, 'check', 'ticket', '-p', 'threads=2', '--json', 'b.json', '-q')
    const n = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')).stats.distinct as number
    expect(all.code).toBe(0)
    expect(rk(dir, 'check', 'ticket', '-p', 'threads=2', '--max-states', String(n), '-q').code).toBe(0)
    expect(rk(dir, 'check', 'ticket', '-p', 'threads=2', '--max-states', String(n - 1), '-q').code).toBe(3)
    for (const bad of ['1.5', '1e3', '-4', '0']) expect(rk(dir, 'check', 'ticket', '--max-states', bad).err).toMatch(/^rkcheck: --max-states: expected an integer/)
  }, 300_000)
})

describe('output paths are checked before the search starts', () => {
  test('a folder where a file is wanted, a file where a folder is wanted: one line naming the option, exit 2, no search', () => {
    const dir = fresh()
    mkdirSync(join(dir, 'afolder'))
    writeFileSync(join(dir, 'afile'), '')
    const cases: [string[], RegExp][] = [
      [['--json', 'afolder'], /^rkcheck: --json afolder: is a directory, a file is wanted$/],
      [['--trace-out', 'afolder'], /^rkcheck: --trace-out afolder: is a directory/],
      [['--json', 'afile/x.json'], /^rkcheck: --json afile\/x\.json: .*afile is a file, not a folder$/],
      [['--witness-dir', 'afile'], /^rkcheck: --witness-dir afile: .*afile is a file, not a folder$/],
    ]
    for (const [opts, line] of cases) expectRefused(rk(dir, ...BIG, ...opts, '-q'), line)
  }, 60_000)

  test('a folder that cannot be written: one line naming the option, exit 2, no search', () => {
    const dir = fresh()
    // the folder the search runs in is writable (its default trace folder), locked/ is not
    chmodSync(dir, 0o777)
    mkdirSync(join(dir, 'locked'))
    chmodSync(join(dir, 'locked'), 0o555)
    // root writes anywhere: the check is then made as an ordinary user
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
    for (const [opts, line] of [
      [['--json', 'locked/run.json'], /^rkcheck: --json locked\/run\.json: the folder .*locked cannot be written$/],
      [['--trace-out', 'locked/sub/t.itf.json'], /^rkcheck: --trace-out locked\/sub\/t\.itf\.json: the folder .*locked cannot be written$/],
      [['--witness-dir', 'locked'], /^rkcheck: --witness-dir locked: the folder .*locked cannot be written$/],
    ] as const) {
      expectRefused(rkAs(asUser, dir, ...BIG, ...opts, '-q'), line)
    }
  }, 60_000)

  test('replay --timed and experiment check --svg, --trace-out and --out before they run', () => {
    const dir = fresh()
    mkdirSync(join(dir, 'afolder'))
    writeFileSync(join(dir, 'afile'), '')
    const trace = resolve('traces/lamport.appendQueue.itf.json')
    for (const [args, line] of [
      [['replay', trace, '--timed', '--svg', 'afolder'], /^rkcheck: --svg afolder: is a directory, a file is wanted$/],
      [['replay', trace, '--timed', '--trace-out', 'afile/t.itf.json'], /^rkcheck: --trace-out afile\/t\.itf\.json: .*afile is a file, not a folder$/],
      [['experiment', 'shootdown', '--out', 'afile', '-q'], /^rkcheck: --out afile: .*afile is a file, not a folder$/],
    ] as const) {
      expectRefused(rk(dir, ...args), line)
    }
  }, 120_000)

  test('verify checks --json and --trace-dir before its first configuration', () => {
    const dir = fresh()
    writeFileSync(join(dir, 'afile'), '')
    mkdirSync(join(dir, 'afolder'))
    for (const [opts, line] of [
      [['--json', 'afolder'], /^rkcheck: --json afolder: is a directory, a file is wanted$/],
      [['--trace-dir', 'afile'], /^rkcheck: --trace-dir afile: .*afile is a file, not a folder$/],
    ] as const) {
      expectRefused(rk(dir, 'verify', ...opts, '-q'), line)
    }
  }, 60_000)

  test('default trace files name the configuration, so configurations do not overwrite each other', () => {
    const dir = fresh()
    expect(rk(dir, 'check', 'ticket', '-p', 'threads=3', '-p', 'modulo=2', '-q').code).toBe(1)
    expect(rk(dir, 'check', 'ticket', '--mutate', 'nonAtomicTicket', '-q').code).toBe(1)
    expect(rk(dir, 'check', 'ticket', '-p', 'threads=2', '--mutate', 'nonAtomicTicket', '-q').code).toBe(1)
    expect(readdirSync(join(dir, 'traces')).sort()).toEqual([
      'ticket.modulo=2.mutualExclusion.itf.json',
      'ticket.nonAtomicTicket.mutualExclusion.itf.json',
      'ticket.nonAtomicTicket.threads=2.mutualExclusion.itf.json',
    ])
  }, 60_000)

  test('two model files naming their models alike, in two folders, are two configurations: their default files differ', () => {
    const dir = fresh()
    const model = `export default { name: 'same', init: () => [{ n: 0 }], actions: (s) => (s.n < 2 ? [{ type: 'inc' }] : []), next: (s) => ({ n: s.n + 1 }), invariants: { small: (s) => s.n < LIMIT || 'big' }, terminal: () => true }\n`
    for (const [sub, limit] of [['a', 1], ['b', 2]] as const) {
      mkdirSync(join(dir, sub))
      writeFileSync(join(dir, sub, 'm.mjs'), model.replace('LIMIT', String(limit)))
      expect(rk(dir, 'check', '--model-file', join(sub, 'm.mjs'), '-q', '--workers', '1').code).toBe(1)
    }
    const files = readdirSync(join(dir, 'traces')).sort()
    expect(files).toHaveLength(2)
    for (const f of files) expect(f).toMatch(/^same@[0-9a-f]{8}\.small\.itf\.json$/)
    // a rerun of the same file replaces its own trace only
    expect(rk(dir, 'check', '--model-file', join('a', 'm.mjs'), '-q').code).toBe(1)
    expect(readdirSync(join(dir, 'traces')).sort()).toEqual(files)
  }, 60_000)

  test('a lasso found under other fairness is another configuration: its default file names the fairness', () => {
    const dir = fresh()
    const live = ['check', 'spinlock', '--liveness', 'waiterAcquires', '-q']
    expect(rk(dir, ...live).code).toBe(1)
    expect(rk(dir, ...live, '--fair', 'vCPU 0').code).toBe(1)
    expect(rk(dir, ...live, '--fair', 'vCPU 0', '--fairness', 'strong').code).toBe(1)
    expect(readdirSync(join(dir, 'traces')).sort()).toEqual([
      'spinlock.waiterAcquires.itf.json',
      'spinlock.waiterAcquires.strong-fair=vCPU_0.itf.json',
      'spinlock.waiterAcquires.weak-fair=vCPU_0.itf.json',
    ])
    // each replays as the lasso it was found as
    for (const f of readdirSync(join(dir, 'traces'))) expect(rk(dir, 'replay', join('traces', f)).code).toBe(0)
  }, 120_000)

  test('a parameter or a mutation given twice is an error', () => {
    const dir = fresh()
    expect(rk(dir, 'check', 'ticket', '-p', 'threads=2', '-p', 'threads=3').err).toBe('rkcheck: parameter threads is given twice\n')
    expect(rk(dir, 'check', 'ticket', '--mutate', 'nonAtomicTicket', '--mutate', 'nonAtomicTicket').err).toBe('rkcheck: mutation nonAtomicTicket is given twice\n')
  }, 30_000)
})

describe('replaying a trace never runs code the user did not name', () => {
  test('a trace from a model file: exit 2 naming the file, unless --model-file is given; it replays from any folder', () => {
    const dir = fresh()
    const model = join(dir, 'models', 'count.mjs')
    mkdirSync(join(dir, 'models'))
    writeFileSync(
      model,
      `export default { name: 'count', init: () => [{ n: 0 }], actions: (s) => (s.n < 3 ? [{ type: 'inc' }] : []),
  next: (s) => ({ n: s.n + 1 }), invariants: { small: (s) => s.n < 2 || 'two' }, terminal: () => true }\n`,
    )
    expect(rk(join(dir, 'models'), 'check', '--model-file', 'count.mjs', '--trace-out', '../t.itf.json', '-q').code).toBe(1)
    const trace = JSON.parse(readFileSync(join(dir, 't.itf.json'), 'utf8'))
    expect(trace['#meta'].modelFile).toBe(model)
    const elsewhere = fresh()
    const refused = rk(elsewhere, 'replay', join(dir, 't.itf.json'))
    expect(refused.code).toBe(2)
    expect(refused.err.trim()).toBe(`rkcheck: ${join(dir, 't.itf.json')} was written from the model file ${model}: pass --model-file ${model} to load it (its code runs)`)
    const named = rk(elsewhere, 'replay', join(dir, 't.itf.json'), '--model-file', model)
    expect(named.code).toBe(0)
    expect(named.out).toMatch(/reproduced: small violated/)
    expect(existsSync(join(elsewhere, 'traces'))).toBe(false)
  }, 60_000)
})
