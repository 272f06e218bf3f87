import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { canonicalize } from '../src/checker/canonical.ts'
import { runCheck } from '../src/checker/check.ts'
import { explore, type SearchObserver } from '../src/checker/explorer.ts'
import { parseItf } from '../src/checker/itf.ts'
import type { Action, AnyModel, ModelFactory } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { replayTrace } from '../src/checker/replay.ts'
import { permutations, type Scalarset } from '../src/checker/symmetry.ts'
import { lamport } from '../src/registry/lamport.ts'
import { spinlock } from '../src/registry/spinlock.ts'
import { lamportScalarsets, spinlockScalarsets, tlbScalarsets } from '../src/registry/symmetry.ts'
import { ticket } from '../src/registry/ticket.ts'
import { tlb } from '../src/registry/tlb.ts'
import { tempDir } from './temp-dir.ts'

const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Distinct states and rules fired by Rumur on `test/fixtures/ticket.m` with these constants. */
function rumur(threads: number, modulo: number, reduction: 'off' | 'exhaustive'): { states: number; fired: number } {
  const dir = tempDir('rkcheck-rumur-')
  const src = readFileSync('test/fixtures/ticket.m', 'utf8').replace(/THREADS: \d+;/, `THREADS: ${threads};`).replace(/MODULO: \d+;/, `MODULO: ${modulo};`)
  writeFileSync(join(dir, 'ticket.m'), src)
  execFileSync('rumur', ['--symmetry-reduction', reduction, '--threads', '1', '--output', join(dir, 'checker.c'), join(dir, 'ticket.m')])
  execFileSync('cc', ['-std=c11', '-O1', '-mcx16', '-o', join(dir, 'checker'), join(dir, 'checker.c'), '-lpthread'])
  const out = execFileSync(join(dir, 'checker'), { encoding: 'utf8' })
  const m = /(\d+) states, (\d+) rules fired/.exec(out)
  if (!m) throw new Error(`unexpected Rumur output: ${out}`)
  return { states: Number(m[1]), fired: Number(m[2]) }
}

function check(factory: ModelFactory, params: Record<string, number | boolean | string>, extra: { mutations?: string[]; everything?: boolean } = {}) {
  return runCheck({
    factory,
    params: resolveTypedParams(factory, params),
    mutations: new Set(extra.mutations ?? []),
    representation: 'objects',
    // the whole reachable space: no property stops the search
    ...(extra.everything ? { properties: [], checkDeadlock: false } : {}),
  })
}

describe.skipIf(!has('rumur') || !has('cc'))('symmetry: the same state counts as Rumur on the same rules', () => {
  test.each([
    [2, 4],
    [3, 4],
    [4, 4],
    [4, 8],
    [5, 6],
  ])('ticket lock, %i threads, tickets modulo %i', (threads, modulo) => {
    for (const symmetry of [false, true]) {
      const r = check(ticket, { threads, modulo, symmetry })
      const ref = rumur(threads, modulo, symmetry ? 'exhaustive' : 'off')
      expect(r.result.verdict).toBe('holds')
      expect(r.result.stats.distinct).toBe(ref.states)
      expect(r.result.stats.generated).toBe(ref.fired)
    }
  })
})

/** A stable text of a state (its canonical form, Maps and Sets as entry lists). */
function key(s: unknown): string {
  return JSON.stringify(canonicalize(s), (_k, v) => (v instanceof Map ? { '#map': [...v] } : v instanceof Set ? { '#set': [...v] } : v))
}

/** Every image of `s` under the group the scalarsets generate (all combinations of their permutations). */
function images(s: unknown, sets: readonly Scalarset<any>[]): unknown[] {
  let out = [s]
  for (const set of sets) {
    const renames = permutations(set.ids).map((perm) => {
      const to = new Map(set.ids.map((id, k) => [id, perm[k]!]))
      return (id: number) => to.get(id) ?? id
    })
    out = out.flatMap((x) => renames.map((r) => set.permute(x, r)))
  }
  return out
}

/**
 * The number of orbits of the reachable states, by brute force over the unreduced search:
 * reachable states joined with every reachable image of theirs (union-find). On the way,
 * that the ids are interchangeable: the successors of an image of s are the images of the
 * successors of s (on about 1,500 states spread over the search).
 */
function orbitCount(model: AnyModel, sets: readonly Scalarset<any>[]): number {
  const states: unknown[] = []
  const observer: SearchObserver = { state: (_id, s) => void states.push(s), step: () => {} }
  const r = explore(model, { observer, representation: 'objects', properties: [], checkDeadlock: false })
  expect(r.verdict).toBe('holds')
  const index = new Map(states.map((s, i) => [key(s), i]))
  const parent = states.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
  const successors = (s: unknown): string[] => model.actions(s).map((a: Action) => key(model.next(s, a))).sort()
  const every = Math.max(1, Math.floor(states.length / 1500))
  states.forEach((s, i) => {
    const succ = i % every === 0 ? model.actions(s).map((a: Action) => model.next(s, a)) : []
    for (const set of i % every === 0 ? sets : []) {
      for (const perm of permutations(set.ids)) {
        const to = new Map(set.ids.map((id, k) => [id, perm[k]!]))
        const rename = (id: number) => to.get(id) ?? id
        const image = set.permute(s, rename)
        expect(successors(canonicalize(image))).toEqual(succ.map((t: unknown) => key(set.permute(t, rename))).sort())
      }
    }
    for (const image of images(s, sets)) {
      const j = index.get(key(image))
      if (j !== undefined) parent[find(i)] = find(j)
    }
  })
  return new Set(parent.map((_, i) => find(i))).size
}

describe('symmetry: one state per orbit of the reachable states (brute force), verdicts unchanged', () => {
  const cases: [string, ModelFactory, Record<string, number | boolean | string>, (m: AnyModel, p: any) => Scalarset<any>[]][] = [
    ['spinlock interleaving', spinlock, { V: 3, W: 3, lock: 'pmt-basic' }, (_m, p) => spinlockScalarsets(p.V)],
    ['spinlock lockstep', spinlock, { V: 3, P: 2, W: 2, lock: 'pmt-cpt', schedule: 'lockstep' }, (_m, p) => spinlockScalarsets(p.V)],
    ['tlb ipi', tlb, { scheme: 'ipi', V: 3, P: 2, pages: 2, frames: 2, ops: 1 }, (_m, p) => tlbScalarsets(p)],
    ['tlb shoot4u', tlb, { scheme: 'shoot4u', shoot4uInvalidate: 'last-pcpus', V: 3, P: 2, pages: 2, frames: 3, ops: 2 }, (_m, p) => tlbScalarsets(p)],
    ['tlb pv-flush', tlb, { scheme: 'pv-flush', V: 3, P: 2, pages: 2, frames: 2, ops: 1, wprotect: false }, (_m, p) => tlbScalarsets(p)],
    ['lamport', lamport, { kernels: 2, pages: 2, heavy: false, threads: 2, requesters: 1, atomicTimestamp: true }, (m, p) => lamportScalarsets(p, m.init()[0])],
  ]
  test.each(cases)('%s', (_name, factory, params, sets) => {
    const p = resolveTypedParams(factory, params)
    const plain = factory.create({ ...p, symmetry: false }, new Set())
    const reduced = check(factory, { ...params, symmetry: true }, { everything: true })
    expect(reduced.result.stats.distinct).toBe(orbitCount(plain, sets(plain, p)))
    const verdict = (symmetry: boolean) => {
      const r = check(factory, { ...params, symmetry }).result
      return r.verdict === 'violated' ? `${r.violation.property} after ${r.violation.path.length - 1}` : r.verdict
    }
    expect(verdict(true)).toBe(verdict(false))
  }, 300_000)

  test.each([
    ['spinlock nonAtomicTicket', spinlock, { V: 3, W: 3, lock: 'pmt-basic' }, 'nonAtomicTicket'],
    ['spinlock unlockNoClear', spinlock, { V: 3, W: 3, lock: 'pmt-basic' }, 'unlockNoClear'],
    ['tlb freeBeforeAck', tlb, { scheme: 'ipi', V: 3, P: 2, pages: 2, frames: 3, ops: 3 }, 'freeBeforeAck'],
    ['tlb flushBeforeClear', tlb, { scheme: 'shoot4u', shoot4uInvalidate: 'last-pcpus', V: 3, P: 2, pages: 2, frames: 3, ops: 3 }, 'flushBeforeClear'],
    ['ticket nonAtomicTicket', ticket, { threads: 3 }, 'nonAtomicTicket'],
  ] as const)('%s: caught as without symmetry, by a concrete trace that replays', (_name, factory, params, mutation) => {
    const plain = check(factory, params, { mutations: [mutation] })
    const reduced = check(factory, { ...params, symmetry: true }, { mutations: [mutation] })
    expect(plain.result.verdict).toBe('violated')
    expect(reduced.result.verdict).toBe('violated')
    if (reduced.result.verdict !== 'violated' || plain.result.verdict !== 'violated') return
    expect(reduced.result.violation.property).toBe(plain.result.violation.property)
    // BFS over orbits still finds a shortest counterexample
    expect(reduced.result.violation.path.length).toBe(plain.result.violation.path.length)
    const r = replayTrace(factory, parseItf(JSON.stringify(reduced.itf), 'trace'))
    expect(r.message).toMatch(/^reproduced/)
  }, 120_000)
})
