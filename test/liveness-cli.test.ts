/** `check --liveness --fair --fairness` and `replay` of a lasso, end to end. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { expectBadInput, runCli, type CliResult } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

let dir: string
const rk = (...args: string[]): CliResult => runCli(dir, args)
// the lock waiter preemption problem: the host runs vCPU 0 and the holder, never an earlier waiter
const starving = ['spinlock', '-p', 'lock=ticket', '-p', 'schedule=lockstep', '-p', 'W=4', '-p', 'holderPreemption=false', '--property', 'mutualExclusion']
const only0 = ['--liveness', 'waiterAcquires[vCPU 0]', '--fair', 'host runs vCPU 0', '--fairness', 'strong']

beforeAll(() => {
  dir = tempDir('rkcheck-live-')
})

describe('liveness on the command line', () => {
  test('a starving waiter: exit 1, the cycle marked, a lasso trace that replays', () => {
    const r = rk('check', ...starving, ...only0, '--trace-out', 'lasso.itf.json', '-q')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/Counterexample \(a lasso: states \d+\.\.\d+ repeat forever\)/)
    expect(r.out).toMatch(/↻/)
    expect(r.out).toMatch(/back to state \d+/)
    expect(r.out).toMatch(/Verdict: violated waiterAcquires/)
    const j = JSON.parse(readFileSync(join(dir, 'lasso.itf.json'), 'utf8'))
    expect(Number.isInteger(j.loop)).toBe(true)
    expect(j['#meta'].propertyKind).toBe('liveness')
    expect(j['#meta'].fairness).toEqual({ kind: 'strong', fair: ['host runs vCPU 0'] })
    const ok = rk('replay', 'lasso.itf.json')
    expect(ok.code).toBe(0)
    expect(ok.out).toMatch(/reproduced: waiterAcquires \(vCPU 0\) violated by a lasso/)
    // the same lasso, claimed fair to every vCPU: the host never runs the earlier waiter
    j['#meta'].fairness.fair = ['host runs vCPU *']
    writeFileSync(join(dir, 'unfair.itf.json'), JSON.stringify(j))
    const unfair = rk('replay', 'unfair.itf.json')
    expect(unfair.code).toBe(1)
    expect(unfair.out + unfair.err).toMatch(/not fair: host runs vCPU \d/)
  })

  test('the generic lock does not starve it: exit 0, the liveness verdict printed', () => {
    const r = rk('check', ...starving.map((a) => (a === 'lock=ticket' ? 'lock=generic' : a)), ...only0, '-q')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Liveness: waiterAcquires\[vCPU 0\] holds \(strong fairness of host runs vCPU 0\)/)
  })

  test('bad input is one line, exit 2', () => {
    expectBadInput(rk('check', 'spinlock', '--liveness', 'waiterAcquires', '--fair', 'kernel *', '-q'), /--fair 'kernel \*' names no fairness unit/)
    expectBadInput(rk('check', 'spinlock', '--liveness', 'nope', '-q'), /no liveness property 'nope'/)
    expectBadInput(rk('check', 'spinlock', '--liveness', 'waiterAcquires[vCPU 9]', '-q'), /no obligation 'vCPU 9'/)
    expectBadInput(rk('check', 'spinlock', '--fair', 'vCPU *', '-q'), /name one with --liveness/)
    expectBadInput(rk('check', 'spinlock', '--liveness', 'waiterAcquires', '--fairness', 'fair', '-q'), /--fairness: expected weak or strong/)
  })
})
