/**
 * The explorer's frontier: states waiting to be expanded, with their id and depth.
 * `ObjectFrontier` holds state objects; `VectorFrontier` holds state vectors (codec.ts)
 * in chunks of int32 words, so that a large frontier costs the garbage collector nothing,
 * and spills chunks to disk past a threshold. Both serve as a FIFO (BFS) or a stack (DFS).
 */
import { SpillFolder, type SpilledChunk } from './spill.ts'
import { pack, packedBound, unpack } from './packed.ts'

export interface Frontier {
  readonly size: number
  /** Removes the next entry; `false` when empty. Its fields are then in `id`, `depth`. */
  take(): boolean
  readonly id: number
  readonly depth: number
}

export class ObjectFrontier implements Frontier {
  private states: unknown[] = []
  private ids: number[] = []
  private depths: number[] = []
  private head = 0
  id = 0
  depth = 0
  state: unknown = undefined

  constructor(private readonly lifo: boolean) {}

  get size(): number {
    return this.states.length - this.head
  }

  push(s: unknown, id: number, depth: number): void {
    this.states.push(s)
    this.ids.push(id)
    this.depths.push(depth)
  }

  take(): boolean {
    if (this.lifo) {
      if (this.states.length === 0) return false
      this.state = this.states.pop()
      this.id = this.ids.pop()!
      this.depth = this.depths.pop()!
      return true
    }
    if (this.head === this.states.length) return false
    this.state = this.states[this.head]
    this.states[this.head] = undefined
    this.id = this.ids[this.head]!
    this.depth = this.depths[this.head]!
    this.head++
    if (this.head > 65536 && this.head * 2 > this.states.length) {
      this.states = this.states.slice(this.head)
      this.ids = this.ids.slice(this.head)
      this.depths = this.depths.slice(this.head)
      this.head = 0
    }
    return true
  }
}

/** A chunk of entries; `words` is undefined while the chunk is on disk. */
interface Chunk {
  words: Int32Array | undefined
  /** Size in words. */
  readonly capacity: number
  /** How many words hold entries (of the last chunk: the frontier's `end`). */
  fill: number
  disk: SpilledChunk | undefined
}

export interface VectorFrontierOptions {
  /** Words per chunk (default 2^18, 1 MiB). */
  readonly chunkWords?: number
  /** Resident bytes past which full chunks are written to disk (default: never). */
  readonly spillBytes?: number
  /** Where the folder of spilled chunks is made (default: the system's temporary folder). */
  readonly spillParent?: string
}

/**
 * 1 MiB: the frontier holds at most a chunk it has not filled yet and the spare chunk beyond its
 * entries, so small chunks keep its peak close to what it holds (chunks of 16 MiB took
 * `lamport`'s peak with 3 kernels and 2 pages from 38 to 154 bytes a state, the reference's
 * from 27 to 35), and the pages it touches close to the width of the search.
 */
export const DEFAULT_CHUNK_WORDS = 1 << 18
const MIN_CHUNK_WORDS = 1 << 8

/**
 * Chunks of about a quarter of a spill threshold (1 KiB to 1 MiB): a few chunks fit under
 * it, so that most of it stays in use. Any threshold of 4 MiB or more gets the default.
 */
export function chunkWordsFor(spillBytes: number): number {
  return Math.min(DEFAULT_CHUNK_WORDS, Math.max(MIN_CHUNK_WORDS, Math.floor(spillBytes / 16)))
}

const EMPTY = new Int32Array(0)
const EMPTY_BYTES = new Uint8Array(0)
const bytesOf = (w: Int32Array): Uint8Array => new Uint8Array(w.buffer, w.byteOffset, w.byteLength)
/** Whole words that hold `bytes` bytes of a packed vector. */
const wordsOf = (bytes: number): number => (bytes + 3) >> 2

/**
 * State vectors in a list of fixed-size chunks (an entry never spans two chunks), so the
 * frontier grows and shrinks without copying: a FIFO drops a chunk once it has been read,
 * a stack drops its top chunk once it is empty. A vector is kept packed (`packed.ts`, about
 * a byte a word) in whole words: a FIFO entry is [id, depth, bytes, ...packed], a stack
 * entry [...packed, id, depth, bytes] (read from its end). `take` unpacks the vector into
 * `current`.
 *
 * Past `spillBytes` of resident chunks, full chunks go to disk (`spill.ts`), as TLC's disk
 * queue does: a FIFO writes out the chunks it will read last (never the one being read nor
 * the one being written) and reads each back when its reader reaches it; a stack writes
 * out its bottom chunks and reads each back when it shrinks to it. `bytes` counts only
 * resident chunks; `dispose` removes whatever is still on disk.
 */
export class VectorFrontier implements Frontier {
  private readonly chunkWords: number
  private spillBytes: number
  private readonly folder: SpillFolder
  private chunks: Chunk[] = []
  /** The last chunk's words and write position (of a stack: also its read position). */
  private w: Int32Array = EMPTY
  /** `w` and `r` as bytes, where the vectors are packed. */
  private wb: Uint8Array = EMPTY_BYTES
  private rb: Uint8Array = EMPTY_BYTES
  private end = 0
  /** FIFO: the first chunk's words and read position. */
  private r: Int32Array = EMPTY
  private head = 0
  private count = 0
  private resident = 0
  /**
   * The words of the last chunk dropped once read, kept for the next chunk: memory the
   * process has not touched yet costs a page fault a page (about 11 µs a 4 KiB page on this
   * project's machine, 45 ms for 16 MiB), so the frontier reuses its chunks rather
   * than the total of what passes through it. Counted in `resident`.
   */
  private spare: Int32Array | undefined = undefined
  private written = 0
  private onDisk = 0
  private peakOnDisk = 0
  /** Why writing to disk failed (spilling then stops; the memory cap still ends the search). */
  spillFailure: string | undefined = undefined
  id = 0
  depth = 0
  current = new Int32Array(256)
  readonly currentAt = 0
  currentLength = 0

  constructor(
    private readonly lifo: boolean,
    opts: VectorFrontierOptions = {},
  ) {
    this.chunkWords = opts.chunkWords ?? DEFAULT_CHUNK_WORDS
    this.spillBytes = opts.spillBytes ?? Infinity
    this.folder = new SpillFolder(opts.spillParent)
  }

  get size(): number {
    return this.count
  }

  /** Bytes of the chunks in memory. */
  get bytes(): number {
    return this.resident
  }

  /** Bytes written to disk so far (deflated). */
  get spilledBytes(): number {
    return this.written
  }

  /** The most bytes held on disk at once. */
  get peakDiskBytes(): number {
    return this.peakOnDisk
  }

  /** The folder of spilled chunks while it exists. */
  get spillFolder(): string | undefined {
    return this.folder.path
  }

  push(words: Int32Array, len: number, id: number, depth: number): void {
    const need = wordsOf(packedBound(len)) + 3
    if (this.end + need > this.w.length) this.startChunk(need)
    const w = this.w
    const e = this.end
    if (this.lifo) {
      const bytes = pack(words, len, this.wb, e * 4) - e * 4
      const at = e + wordsOf(bytes)
      w[at] = id
      w[at + 1] = depth
      w[at + 2] = bytes
      this.end = at + 3
    } else {
      w[e] = id
      w[e + 1] = depth
      const bytes = pack(words, len, this.wb, (e + 3) * 4) - (e + 3) * 4
      w[e + 2] = bytes
      this.end = e + 3 + wordsOf(bytes)
    }
    this.count++
  }

  take(): boolean {
    if (this.count === 0) return false
    let b: Uint8Array
    let at: number
    let bytes: number
    if (this.lifo) {
      while (this.end === 0) this.dropTop()
      const c = this.w
      const e = this.end
      bytes = c[e - 1]!
      this.depth = c[e - 2]!
      this.id = c[e - 3]!
      at = e - 3 - wordsOf(bytes)
      this.end = at
      b = this.wb
    } else {
      while (this.head >= (this.chunks.length === 1 ? this.end : this.chunks[0]!.fill)) this.dropFirst()
      const c = this.r
      const h = this.head
      this.id = c[h]!
      this.depth = c[h + 1]!
      bytes = c[h + 2]!
      at = h + 3
      this.head = at + wordsOf(bytes)
      b = this.rb
    }
    // a packed word takes a byte at least
    if (bytes > this.current.length) this.current = new Int32Array(bytes * 2)
    this.currentLength = unpack(b, at * 4, at * 4 + bytes, this.current)
    if (--this.count === 0) this.clear()
    return true
  }

  /** Empties the frontier and removes its files from disk. */
  dispose(): void {
    this.clear()
    this.count = 0
    this.onDisk = 0
    this.folder.dispose()
  }

  private startChunk(need: number): void {
    const last = this.chunks[this.chunks.length - 1]
    if (last !== undefined) last.fill = this.end
    const capacity = Math.max(this.chunkWords, need)
    const words = this.reuse(capacity)
    this.chunks.push({ words, capacity, fill: 0, disk: undefined })
    this.w = words
    this.wb = bytesOf(words)
    this.end = 0
    if (this.chunks.length === 1) {
      this.r = words
      this.rb = this.wb
      this.head = 0
    }
    if (this.resident > this.spillBytes) this.spill()
  }

  /**
   * Words for a chunk of `capacity` words: the spare chunk's if it has that size, else fresh
   * ones (a spare of another size, such as an entry's own oversized chunk, is let go rather
   * than held on to).
   */
  private reuse(capacity: number): Int32Array {
    const s = this.spare
    if (s !== undefined && s.length === capacity) {
      this.spare = undefined
      return s
    }
    this.dropSpare()
    this.resident += capacity * 4
    return new Int32Array(capacity)
  }

  private dropSpare(): void {
    if (this.spare === undefined) return
    this.resident -= this.spare.length * 4
    this.spare = undefined
  }

  /** A chunk's words are no longer needed: kept as the spare if there is none. */
  private release(words: Int32Array | undefined, capacity: number): void {
    if (words !== undefined && this.spare === undefined) this.spare = words
    else this.resident -= capacity * 4
  }

  /** Writes chunks out until the resident ones fit under `spillBytes` (or none is left to write). */
  private spill(): void {
    this.dropSpare()
    const last = this.chunks.length - 1
    if (this.lifo) {
      for (let i = 0; i < last && this.resident > this.spillBytes; i++) this.writeOut(this.chunks[i]!)
    } else {
      for (let i = last - 1; i >= 1 && this.resident > this.spillBytes; i--) this.writeOut(this.chunks[i]!)
    }
  }

  private writeOut(c: Chunk): void {
    if (c.words === undefined) return
    try {
      c.disk = this.folder.write(c.words, c.fill)
    } catch (e) {
      this.spillFailure = (e as Error).message.split('\n')[0]
      this.spillBytes = Infinity
      return
    }
    c.words = undefined
    this.resident -= c.capacity * 4
    this.written += c.disk.bytes
    this.onDisk += c.disk.bytes
    if (this.onDisk > this.peakOnDisk) this.peakOnDisk = this.onDisk
  }

  private readIn(c: Chunk): Int32Array {
    if (c.words !== undefined) return c.words
    const words = this.reuse(c.capacity)
    this.folder.read(c.disk!.file, words, c.fill)
    this.onDisk -= c.disk!.bytes
    c.words = words
    c.disk = undefined
    return words
  }

  /** FIFO: the first chunk has been read; the next one is read from now on. */
  private dropFirst(): void {
    const c = this.chunks.shift()!
    this.release(c.words, c.capacity)
    this.r = this.readIn(this.chunks[0]!)
    this.rb = bytesOf(this.r)
    this.head = 0
  }

  /** Stack: the top chunk is empty; the one below is the top from now on. */
  private dropTop(): void {
    const c = this.chunks.pop()!
    this.release(c.words, c.capacity)
    const top = this.chunks[this.chunks.length - 1]!
    this.w = this.readIn(top)
    this.wb = bytesOf(this.w)
    this.end = top.fill
  }

  private clear(): void {
    this.chunks = []
    this.w = this.r = EMPTY
    this.wb = this.rb = EMPTY_BYTES
    this.end = this.head = 0
    this.spare = undefined
    this.resident = 0
  }
}
