/**
 * SPIN on the Promela twins of the bench's models (`bench/*.pml`), for `npm run bench` to
 * compare with: the verifier is generated (`spin -a`) and compiled once (`gcc -O2`), then
 * run as many times as rkcheck. Flags: -DSAFETY (safety properties only, as rkcheck checks
 * here), -DNOREDUCE (no partial-order reduction, so that SPIN stores exactly the states
 * rkcheck counts), default hash table (-w24), depth-first search (SPIN's default) with a
 * stack deep enough for the whole space (-m). Needs `spin` and `gcc` on the PATH (Debian:
 * `apt-get install spin gcc`); without them the bench says so and runs rkcheck alone.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'

export interface SpinRun {
  readonly states: number
  /** pan's own search time, and the whole pan process (wall clock). */
  readonly seconds: number
  readonly processSeconds: number
  readonly statesPerSec: number
  readonly memoryMiB: number
  readonly errors: number
}

const DEPTH = 4_000_000

function works(cmd: string, args: readonly string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Why SPIN cannot run here, or undefined when it can. */
export function spinMissing(): string | undefined {
  if (!works('spin', ['-V'])) return 'spin is not installed (Debian: apt-get install spin)'
  if (!works('gcc', ['--version'])) return 'gcc is not installed (Debian: apt-get install gcc)'
  return undefined
}

/** Generates and compiles the verifier of `pml` (with `-D` defines); returns its path. */
export function compileSpin(pml: string, defines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'rkcheck-spin-'))
  // the verifier runs until the bench ends; its folder goes then
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, basename(pml))
  copyFileSync(resolve(pml), file)
  execFileSync('spin', ['-a', ...defines, basename(pml)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  execFileSync('gcc', ['-O2', '-w', '-DSAFETY', '-DNOREDUCE', '-o', 'pan', 'pan.c'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  return join(dir, 'pan')
}

/** One run of a compiled verifier; throws when SPIN reports an error or a cut search. */
export function runSpin(pan: string): SpinRun {
  const started = process.hrtime.bigint()
  const out = execFileSync(pan, [`-m${DEPTH}`], { encoding: 'utf8', maxBuffer: 1 << 24 })
  const processSeconds = Number(process.hrtime.bigint() - started) / 1e9
  const num = (re: RegExp): number => {
    const m = re.exec(out)
    if (!m) throw new Error(`unexpected SPIN output (no ${re.source}):\n${out}`)
    return Number(m[1])
  }
  if (/max search depth too small/.test(out)) throw new Error(`SPIN's search was cut at depth ${DEPTH}:\n${out}`)
  const states = num(/(\d+) states, stored/)
  const errors = num(/errors: (\d+)/)
  if (errors > 0) throw new Error(`SPIN found ${errors} error(s):\n${out}`)
  // pan prints whole seconds for short runs: fall back on the process's time
  const seconds = Math.max(num(/pan: elapsed time ([\d.e+-]+) seconds/), 0) || processSeconds
  return { states, seconds, processSeconds, statesPerSec: states / seconds, memoryMiB: num(/([\d.]+)\s+total actual memory usage/), errors }
}
