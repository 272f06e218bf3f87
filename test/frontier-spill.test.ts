/**
 * A frontier that spills chunks to disk past a threshold behaves exactly as one that does
 * not: as a queue and as a stack of word vectors, and in whole searches (same states,
 * diameter, verdict and counterexample); its temporary folder is gone when the search ends,
 * however it ends.
 */
import { fc, test as prop } from '@fast-check/vitest'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { explore, type ExploreOptions, type ExploreResult } from '../src/checker/explorer.ts'
import { chunkWordsFor, VectorFrontier } from '../src/checker/frontier.ts'
import { packedBound } from '../src/checker/packed.ts'
import { builtinModel } from '../src/checker/load.ts'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveParams } from '../src/checker/params.ts'
import { BIN, expectBadInput, plainEnv, runCli } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

/** A fresh folder for the frontier's own temporary folder, so that a test sees all it leaves. */
const parent = (): string => tempDir('rkcheck-spill-test-')

type Op = { push: number } | { take: true }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ push: fc.integer({ min: 0, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ push: fc.integer({ min: 25, max: 200 }) }) },
  { weight: 2, arbitrary: fc.constant({ take: true as const }) },
)

describe('VectorFrontier spilling to disk', () => {
  for (const lifo of [false, true]) {
    prop.prop(
      [fc.array(opArb, { maxLength: 600 }), fc.integer({ min: 8, max: 64 }), fc.integer({ min: 0, max: 1024 })],
      { numRuns: 80 },
    )(`behaves as a plain ${lifo ? 'stack' : 'queue'} of word vectors, across many chunks`, (ops, chunkWords, spillBytes) => {
      const where = parent()
      const f = new VectorFrontier(lifo, { chunkWords, spillBytes, spillParent: where })
      const plain: { id: number; words: number[] }[] = []
      let nextId = 0
      let bigEntry = false
      for (const op of ops) {
        if ('push' in op) {
          const words = Int32Array.from({ length: op.push }, (_, i) => nextId * 1000 + i - 7)
          f.push(words, op.push, nextId, nextId % 5)
          plain.push({ id: nextId, words: [...words] })
          // a push reserves room for its vector packed at the most (5 bytes a word)
          bigEntry ||= ((packedBound(op.push) + 3) >> 2) + 3 > chunkWords
          nextId++
        } else {
          const expected = lifo ? plain.pop() : plain.shift()
          expect(f.take()).toBe(expected !== undefined)
          if (expected) {
            expect(f.id).toBe(expected.id)
            expect(f.depth).toBe(expected.id % 5)
            expect([...f.current.subarray(0, f.currentLength)]).toEqual(expected.words)
          }
        }
        expect(f.size).toBe(plain.length)
        // in memory: the threshold, or the chunks that are never written out (read, written)
        if (!bigEntry) expect(f.bytes).toBeLessThanOrEqual(Math.max(spillBytes, 2 * chunkWords * 4))
      }
      f.dispose()
      expect(readdirSync(where)).toEqual([])
    })
  }

  for (const lifo of [false, true]) {
    test(`a ${lifo ? 'stack' : 'queue'} of many chunks keeps them in files while they wait, and gives them back in order`, () => {
      const where = parent()
      const f = new VectorFrontier(lifo, { chunkWords: 64, spillBytes: 4 * 64 * 2, spillParent: where })
      const n = 1000
      for (let i = 0; i < n; i++) f.push(Int32Array.of(i, -i - 1, i * 3), 3, i, i % 9)
      expect(f.spillFolder).toBeDefined()
      const files = readdirSync(f.spillFolder!)
      // 1000 entries of 5 words (3 packed in 2) in chunks of 64 words, a push reserving 7: 12
      // entries a chunk, 84 chunks
      expect(files.length).toBeGreaterThanOrEqual(80)
      expect(f.bytes).toBeLessThanOrEqual(4 * 64 * 2)
      // written deflated: fewer bytes than the words, all of them still on disk
      expect(f.spilledBytes).toBeGreaterThan(0)
      expect(f.spilledBytes).toBeLessThan(96 * 60 * 4)
      expect(f.peakDiskBytes).toBe(f.spilledBytes)
      for (let k = 0; k < n; k++) {
        const i = lifo ? n - 1 - k : k
        expect(f.take()).toBe(true)
        expect([f.id, f.depth, ...f.current.subarray(0, f.currentLength)]).toEqual([i, i % 9, i, -i - 1, i * 3])
      }
      expect(f.take()).toBe(false)
      // every file was read back and deleted; the empty folder goes with dispose
      expect(readdirSync(f.spillFolder!)).toEqual([])
      f.dispose()
      expect(f.spillFolder).toBeUndefined()
      expect(readdirSync(where)).toEqual([])
    })
  }

  test('a chunk lost from disk is one clear error; a folder that cannot be made leaves the frontier in memory', () => {
    const where = parent()
    const lost = new VectorFrontier(false, { chunkWords: 16, spillBytes: 0, spillParent: where })
    for (let i = 0; i < 20; i++) lost.push(Int32Array.of(i), 1, i, 0)
    const folder = lost.spillFolder!
    for (const f of readdirSync(folder)) rmSync(join(folder, f))
    expect(lost.take()).toBe(true)
    expect(() => {
      while (lost.take());
    }).toThrow(/the frontier's chunk .* cannot be read back from disk/)
    lost.dispose()
    expect(readdirSync(where)).toEqual([])

    const nowhere = new VectorFrontier(true, { chunkWords: 16, spillBytes: 0, spillParent: join(where, 'missing') })
    for (let i = 0; i < 20; i++) nowhere.push(Int32Array.of(i), 1, i, 0)
    expect(nowhere.spillFailure).toMatch(/ENOENT/)
    expect(nowhere.spilledBytes).toBe(0)
    for (let i = 19; i >= 0; i--) expect(nowhere.take() && nowhere.id).toBe(i)
    expect(readdirSync(where)).toEqual([])
  })

  test('chunk sizes follow the threshold, from 1 KiB to the default 1 MiB', () => {
    expect(chunkWordsFor(0)).toBe(256)
    expect(chunkWordsFor(2 ** 20)).toBe(2 ** 16)
    expect(chunkWordsFor(2 ** 22)).toBe(2 ** 18)
    expect(chunkWordsFor(2 ** 26)).toBe(2 ** 18)
    expect(chunkWordsFor(2 ** 34)).toBe(2 ** 18)
  })
})

function model(name: string, params: string[], mutations: string[] = []): AnyModel {
  const f = builtinModel(name)
  return f.create(resolveParams(f, params), new Set(mutations))
}

/** What a spilling frontier must not change. */
function outcome(r: ExploreResult): unknown {
  const { distinct, generated, diameter, coverage, measures } = r.stats
  return {
    verdict: r.verdict,
    ...(r.verdict === 'violated' ? { violation: r.violation } : {}),
    ...(r.verdict === 'limit' ? { limit: r.limit } : {}),
    distinct,
    generated,
    diameter,
    coverage,
    measures,
  }
}

/**
 * Explores with a small frontier threshold (default: chunks of 1 KiB, every full one
 * written out) in a fresh folder; returns the result, how many entries that folder held at
 * most during the search (its spill folder), and what it holds after.
 */
function exploreSpilling(m: AnyModel, opts: ExploreOptions, frontierMemoryBytes = 1): { r: ExploreResult; seenDuring: number; leftAfter: string[] } {
  const where = parent()
  let seenDuring = 0
  let states = 0
  const r = explore(m, {
    ...opts,
    frontierMemoryBytes,
    frontierSpillParent: where,
    observer: {
      state() {
        if (++states % 500 === 0) seenDuring = Math.max(seenDuring, readdirSync(where).length)
      },
      step() {},
    },
  })
  return { r, seenDuring, leftAfter: readdirSync(where) }
}

/** Model, parameters, mutations, strategy, frontier threshold (lamport: 1 MiB, chunks of 64 KiB, about 100 MiB written out). */
const CONFIGS: [string, string[], string[], ExploreOptions['strategy'], number][] = [
  ['ticket', ['threads=4', 'modulo=8'], [], 'bfs', 1],
  ['ticket', ['threads=4', 'modulo=8'], [], 'dfs', 1],
  ['ticket', ['threads=4', 'modulo=8'], ['nonAtomicTicket'], 'bfs', 1],
  ['ticket', ['threads=4', 'modulo=8'], ['nonAtomicTicket'], 'dfs', 1],
  ['lamport', ['kernels=3', 'pages=2', 'atomicTimestamp=true'], [], 'bfs', 2 ** 20],
  ['lamport', ['kernels=3', 'pages=2', 'atomicTimestamp=true'], ['noAckWait'], 'bfs', 1],
]

describe('explore with a frontier that spills to disk', () => {
  test.each(CONFIGS)('%s %j %j %s: the same states, diameter, verdict and counterexample', (name, params, mutations, strategy, threshold) => {
    const m = model(name, params, mutations)
    const plain = explore(m, { strategy })
    expect(plain.stats.frontierSpilledBytes).toBe(0)
    const { r, leftAfter } = exploreSpilling(m, { strategy }, threshold)
    expect(r.stats.frontierSpilledBytes).toBeGreaterThan(0)
    expect(outcome(r)).toEqual(outcome(plain))
    expect(leftAfter).toEqual([])
  }, 120_000)

  test('counts only the resident frontier in the peak bytes per state', () => {
    const m = model('ticket', ['threads=5', 'modulo=8'])
    const plain = explore(m, { frontierMemoryBytes: 2 ** 30 })
    const { r } = exploreSpilling(m, {})
    expect(r.stats.distinct).toBe(plain.stats.distinct)
    const frontierPlain = (plain.stats.peakBytesPerState - plain.stats.bytesPerState) * plain.stats.distinct
    const frontierSpilled = (r.stats.peakBytesPerState - r.stats.bytesPerState) * r.stats.distinct
    expect(r.stats.frontierDiskPeakBytes).toBeGreaterThan(0)
    // a spilling frontier holds a few chunks of 1 KiB; a plain one a chunk of 1 MiB
    expect(frontierSpilled).toBeLessThan(16 * 1024)
    expect(frontierPlain).toBeGreaterThanOrEqual(4 * 2 ** 18)
  })

  test('its folder exists while chunks wait on disk, and is gone after a time limit', () => {
    const m = model('lamport', ['kernels=3', 'pages=2', 'atomicTimestamp=true'])
    const { r, seenDuring, leftAfter } = exploreSpilling(m, { timeLimitSec: 1 })
    expect(r).toMatchObject({ verdict: 'limit', limit: 'time-limit' })
    expect(seenDuring).toBe(1)
    expect(leftAfter).toEqual([])
  })

  test('and after an interrupt, and after a model error', () => {
    const m = model('ticket', ['threads=4', 'modulo=8'])
    let polls = 0
    const stopped = exploreSpilling(m, { strategy: 'dfs', interrupted: () => ++polls > 0 })
    expect(stopped.r).toMatchObject({ verdict: 'limit', limit: 'interrupted' })
    expect(stopped.r.stats.frontierSpilledBytes).toBeGreaterThan(0)
    expect(stopped.leftAfter).toEqual([])

    // next() throws once the frontier has spilled
    let calls = 0
    const broken: AnyModel = Object.create(m)
    broken.next = (s: unknown, a: never) => {
      if (++calls > 1500) throw new Error('broken rule')
      return m.next(s, a)
    }
    const where = parent()
    let seenDuring = 0
    const observer = { state: () => void (seenDuring = Math.max(seenDuring, readdirSync(where).length)), step() {} }
    expect(() => explore(broken, { frontierMemoryBytes: 1, frontierSpillParent: where, observer })).toThrow(/next\(\) threw.*broken rule/)
    expect(calls).toBeGreaterThan(1500)
    expect(seenDuring).toBe(1)
    expect(readdirSync(where)).toEqual([])
  })
})

describe('rkcheck check --frontier-memory', () => {
  test('spills past the size given, reports it in the table and the JSON, and changes nothing else', () => {
    const dir = parent()
    const args = ['check', 'ticket', '-p', 'threads=5', '-p', 'modulo=8', '-q']
    const plain = runCli(dir, [...args, '--json', 'plain.json'])
    const spilled = runCli(dir, [...args, '--frontier-memory', '4K', '--json', 'spilled.json'])
    expect([plain.code, spilled.code]).toEqual([0, 0])
    expect(plain.out).not.toMatch(/frontier spilled/)
    expect(spilled.out).toMatch(/frontier spilled \(most on disk\)/)
    const p = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8'))
    const s = JSON.parse(readFileSync(join(dir, 'spilled.json'), 'utf8'))
    expect(p.stats).toMatchObject({ frontierSpilledBytes: 0, frontierDiskPeakBytes: 0 })
    expect(s.stats.frontierSpilledBytes).toBeGreaterThan(0)
    // a frontier size asks for the one-worker search, whatever --workers defaults to
    expect(s.stats.workers).toBe(1)
    expect(s.stats.frontierDiskPeakBytes).toBeGreaterThan(0)
    expect(s.stats.frontierDiskPeakBytes).toBeLessThanOrEqual(s.stats.frontierSpilledBytes)
    for (const k of ['distinct', 'generated', 'diameter', 'coverage']) expect(s.stats[k]).toEqual(p.stats[k])
    expect(s.verdict).toBe(p.verdict)
    expect(readdirSync(dir).sort()).toEqual(['plain.json', 'spilled.json'])
  })

  test('a malformed size is bad input', () => {
    expectBadInput(runCli(parent(), ['check', 'ticket', '--frontier-memory', 'lots']), /--frontier-memory: expected a size/)
  })
})

describe('rkcheck check stopped by signals while its frontier is on disk', () => {
  /** Starts a search that spills into TMPDIR=`tmp`, sends `signals` once a spill folder is there; the exit code. */
  async function stopWhileSpilling(tmp: string, signals: number): Promise<number | null> {
    const args = ['check', 'lamport', '-p', 'kernels=3', '-p', 'pages=2', '-p', 'atomicTimestamp=true', '--frontier-memory', '64K']
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp, env: { ...plainEnv(), TMPDIR: tmp } })
    child.stdout.resume()
    child.stderr.resume()
    const exited = new Promise<number | null>((done) => child.on('exit', done))
    for (let tries = 0; !readdirSync(tmp).some((f) => f.startsWith('rkcheck-frontier-')) && tries < 600; tries++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(readdirSync(tmp).some((f) => f.startsWith('rkcheck-frontier-'))).toBe(true)
    child.kill('SIGINT')
    if (signals === 2) {
      await new Promise((r) => setTimeout(r, 50))
      child.kill('SIGINT')
    }
    return exited
  }

  test('one SIGINT: verdict limit, exit 3, the folder removed; two: exit 130, the folder removed', async () => {
    const once = parent()
    expect(await stopWhileSpilling(once, 1)).toBe(3)
    expect(readdirSync(once).filter((f) => f.startsWith('rkcheck-frontier-'))).toEqual([])
    const twice = parent()
    expect(await stopWhileSpilling(twice, 2)).toBe(130)
    expect(readdirSync(twice).filter((f) => f.startsWith('rkcheck-frontier-'))).toEqual([])
  }, 120_000)
})
