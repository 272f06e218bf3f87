/**
 * What a worker of a parallel search puts in place of a one-worker search's parts
 * (`SearchParts`): the shared visited set, a list of the new states this worker holds
 * (instead of the log of ids, which the coordinator keeps), and a queue that reads the
 * level's states from shared chunks and writes new ones to this worker's chunks.
 */
import type { Checked, Found, IdLog, VectorQueue, VisitedSet } from '../explorer.ts'
import { NO_PARENT } from '../state-log.ts'
import { Ctl, type LevelInput } from './protocol.ts'
import { Insert, type SharedVisited } from '../shared-visited.ts'
import { pack, packedBound, unpack } from '../packed.ts'
import { LoweredList } from './lowered.ts'

/** Words per entry of `NewStates`: lane A, lane B, rank, action, chunk, offset and length (bytes, packed), slot, checks, type. */
const STRIDE = 10
/** Ranks a worker takes at a time, by default. */
export const GRAIN = 32
/** Bytes of a chunk of new state vectors, packed (a longer vector gets a chunk of its own). */
const CHUNK_BYTES = 1 << 22
const FIRST_CHUNK_BYTES = 1 << 14

export class WorkerVisited implements VisitedSet {
  level = 0
  lastA = 0
  lastB = 0
  lastType = -1
  /** The fingerprints whose key this worker lowered in the level. */
  readonly lowered = new LoweredList()
  /**
   * Without a view, the lowerings of the level (lane A, lane B, rank, action, type): a
   * lowering adds no entry (the worker holding the state reads its final key back), but its
   * step is the one that keeps the state if no smaller key lowers it again (`countFresh`).
   */
  readonly lowerings: number[] = []

  constructor(
    public table: SharedVisited,
    /** A model with a view keeps, for a state reached first at this level, the vector of its smallest key. */
    private readonly separate: boolean,
  ) {}

  add(a: number, b: number, parent: number, action: number, type: number): boolean {
    // the slot keeps 16 bits of the action index, as the one-worker log does
    if (action > 0xffff) throw new RangeError('more than 65535 enabled actions in one state')
    this.lastA = a
    this.lastB = b
    this.lastType = type
    const rank = parent === NO_PARENT ? 0 : parent
    const r = this.table.insert(a, b, this.level, rank, action)
    if (r === Insert.New) return true
    if (r !== Insert.Lowered) return false
    this.lowered.add(a, b)
    if (!this.separate) this.lowerings.push(a, b, rank, action, type)
    return this.separate
  }

  get bytes(): number {
    return this.table.bytes
  }
}

/** The new states this worker reached in the level, with the key it reached each by. */
export class NewStates implements IdLog {
  words = new Int32Array(STRIDE * 1024)
  size = 0
  /** What the failed checks of entries threw (`Checked.Failed`), by entry. */
  readonly failures = new Map<number, Found | Error>()

  constructor(private readonly visited: WorkerVisited) {}

  push(parent: number, action: number): number {
    if ((this.size + 1) * STRIDE > this.words.length) {
      const w = new Int32Array(this.words.length * 2)
      w.set(this.words)
      this.words = w
    }
    const j = this.size * STRIDE
    const w = this.words
    w[j] = this.visited.lastA
    w[j + 1] = this.visited.lastB
    w[j + 2] = parent === NO_PARENT ? 0 : parent
    w[j + 3] = action
    w[j + 4] = -1
    w[j + 7] = this.visited.table.lastSlot
    w[j + 9] = this.visited.lastType
    return this.size++
  }

  /** Where `push` of the queue put the vector of entry `id`. */
  placed(id: number, chunk: number, offset: number, length: number): void {
    const j = id * STRIDE
    this.words[j + 4] = chunk
    this.words[j + 5] = offset
    this.words[j + 6] = length
  }

  at(id: number, field: number): number {
    return this.words[id * STRIDE + field]!
  }

  /** Notes the outcome of entry `id`'s checks (`SearchParts.checked`). */
  checked(id: number, outcome: Checked, failure?: Found | Error): void {
    this.words[id * STRIDE + Field.Checks] = outcome
    if (failure !== undefined) this.failures.set(id, failure)
  }

  clear(): void {
    this.size = 0
    this.failures.clear()
  }

  path(): number[] {
    throw new Error('a worker of a parallel search keeps no paths')
  }

  get bytes(): number {
    return this.words.byteLength
  }
}

export const enum Field {
  A,
  B,
  Rank,
  Action,
  Chunk,
  Offset,
  Length,
  /** The entry's slot in the visited set (stale once the set has grown in the level). */
  Slot,
  /** The outcome of the state's checks, when a view defers acting on them (`Checked`). */
  Checks,
  /** The coverage's index of the type of the action that reached the state (-1: an initial state). */
  Type,
}

export class LevelQueue implements VectorQueue {
  id = 0
  depth = 0
  current: Int32Array<ArrayBufferLike> = new Int32Array(0)
  currentAt = 0
  /** The level's expansion stopped because the visited set must grow (resume with `take`). */
  paused = false

  private input: LevelInput | undefined
  private index: Int32Array<ArrayBufferLike> = new Int32Array(0)
  private ids: Uint32Array<ArrayBufferLike> = new Uint32Array(0)
  private views: Uint8Array<ArrayBufferLike>[][] = []
  /** The vector being expanded, unpacked (`current`). */
  private scratch = new Int32Array(256)
  private pos = 0
  private end = 0
  private readonly control: Int32Array

  /** This level's chunks of new vectors. */
  chunks: SharedArrayBuffer[] = []
  /** The chunks written in the level before (this level's input) and those free for reuse. */
  private previous: SharedArrayBuffer[] = []
  private spare: SharedArrayBuffer[] = []
  private out: Uint8Array<ArrayBufferLike> = new Uint8Array(0)
  private fill = 0

  constructor(
    control: SharedArrayBuffer,
    private readonly visited: WorkerVisited,
    private readonly states: NewStates,
    private readonly grain: number,
    /** Hand out a level's ranks from the last (tests: the order of keys must not depend on the order of work). */
    private readonly reverse: boolean,
  ) {
    this.control = new Int32Array(control)
  }

  /** Starts a level: `input` is read, and new vectors go to fresh chunks. */
  startLevel(level: number, input: LevelInput | undefined): void {
    this.depth = level
    this.input = input
    this.index = input ? new Int32Array(input.index) : new Int32Array(0)
    this.ids = input ? new Uint32Array(input.ids) : new Uint32Array(0)
    this.views = input ? input.chunks.map((cs) => cs.map((c) => new Uint8Array(c))) : []
    this.pos = this.end = 0
    this.paused = false
    // the chunks written two levels ago are read by nobody now: they take new states again
    // (with the spare ones still unused: fresh memory is slow to write the first time)
    this.spare = this.spare.concat(this.previous)
    this.previous = this.chunks
    this.chunks = []
    this.out = new Uint8Array(0)
    this.fill = 0
  }

  get size(): number {
    return this.end - this.pos
  }

  /** The id (one worker's number) of the state of rank `rank` in this level. */
  idOf(rank: number): number {
    return this.ids[rank]!
  }

  take(): boolean {
    const c = this.control
    let r: number
    for (;;) {
      if (this.visited.table.growRequested) {
        this.paused = true
        return false
      }
      this.paused = false
      if (this.pos >= this.end) {
        const count = this.input?.count ?? 0
        const from = Atomics.add(c, Ctl.Next, this.grain)
        if (from >= count) return false
        this.pos = from
        this.end = Math.min(count, from + this.grain)
      }
      r = this.reverse ? (this.input?.count ?? 0) - 1 - this.pos : this.pos
      // plain reads of hints (an Atomics call costs several times more): a cut-off or stop seen
      // a little late only costs a state expanded in vain, whose events come after the cut-off
      const cutoff = c[Ctl.Cutoff]!
      if ((r > cutoff && !this.reverse) || c[Ctl.Stop] !== 0) {
        this.pos = this.end
        return false
      }
      this.pos++
      // handed out from the last rank (tests): the ranks past the cut-off are skipped one by one
      if (r <= cutoff) break
    }
    const x = this.index
    const j = r * 4
    const length = x[j + 3]!
    if (this.scratch.length < length) this.scratch = new Int32Array(length * 2)
    unpack(this.views[x[j]!]![x[j + 1]!]!, x[j + 2]!, x[j + 2]! + length, this.scratch)
    this.current = this.scratch
    this.currentAt = 0
    this.id = r
    return true
  }

  push(words: Int32Array, len: number, id: number): void {
    const bound = packedBound(len)
    if (this.fill + bound > this.out.length) {
      // chunks double from FIRST_CHUNK_BYTES: a small level holds little memory
      const need = Math.max(Math.min(CHUNK_BYTES, Math.max(FIRST_CHUNK_BYTES, this.out.length * 2)), bound)
      const k = this.spare.findIndex((c) => c.byteLength >= need)
      const buf = k >= 0 ? this.spare.splice(k, 1)[0]! : new SharedArrayBuffer(need)
      this.chunks.push(buf)
      this.out = new Uint8Array(buf)
      this.fill = 0
    }
    const at = this.fill
    this.fill = pack(words, len, this.out, at)
    this.states.placed(id, this.chunks.length - 1, at, this.fill - at)
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0)
  }

  /** Every chunk this queue keeps: this level's, the level before's, and the spare ones. */
  get heldBytes(): number {
    return [this.chunks, this.previous, this.spare].reduce((n, cs) => n + cs.reduce((m, c) => m + c.byteLength, 0), 0)
  }

  readonly spilledBytes = 0
  readonly peakDiskBytes = 0
  readonly spillFailure = undefined

  dispose(): void {}
}
