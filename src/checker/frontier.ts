/**
 * The explorer's frontier: states waiting to be expanded, with their id and depth.
 * `ObjectFrontier` holds state objects; `VectorFrontier` holds state vectors (codec.ts)
 * in one growing Int32Array, so that a large frontier costs the garbage collector
 * nothing. Both serve as a FIFO (BFS) or a stack (DFS).
 */
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

/**
 * Entries are [id, depth, length, ...words] in a list of fixed-size chunks (an entry never
 * spans two chunks), so the frontier grows and shrinks without copying: a FIFO drops a
 * chunk once it has been read, a stack drops the chunks above its top. `take` copies the
 * words into `current`.
 */
export class VectorFrontier implements Frontier {
  private static readonly CHUNK = 1 << 22
  private chunks: Int32Array[] = []
  /** How many words of each chunk hold entries (the last one: `end`). */
  private fills: number[] = []
  /** FIFO: read position in chunks[0]. */
  private head = 0
  /** Write position in the last chunk. */
  private end = 0
  /** Stack: offsets of the entries, one list per chunk. */
  private offsets: number[][] = []
  private count = 0
  id = 0
  depth = 0
  current = new Int32Array(256)
  currentLength = 0

  constructor(private readonly lifo: boolean) {}

  get size(): number {
    return this.count
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0)
  }

  push(words: Int32Array, len: number, id: number, depth: number): void {
    const need = len + 3
    let last = this.chunks[this.chunks.length - 1]
    if (last === undefined || this.end + need > last.length) {
      if (last !== undefined) this.fills[this.fills.length - 1] = this.end
      last = new Int32Array(Math.max(VectorFrontier.CHUNK, need))
      this.chunks.push(last)
      this.fills.push(0)
      this.offsets.push([])
      this.end = 0
    }
    if (this.lifo) this.offsets[this.offsets.length - 1]!.push(this.end)
    last[this.end] = id
    last[this.end + 1] = depth
    last[this.end + 2] = len
    last.set(words.subarray(0, len), this.end + 3)
    this.end += need
    this.fills[this.fills.length - 1] = this.end
    this.count++
  }

  take(): boolean {
    if (this.count === 0) return false
    let chunk: Int32Array
    let at: number
    if (this.lifo) {
      while (this.offsets[this.offsets.length - 1]!.length === 0) {
        this.chunks.pop()
        this.fills.pop()
        this.offsets.pop()
      }
      chunk = this.chunks[this.chunks.length - 1]!
      at = this.offsets[this.offsets.length - 1]!.pop()!
      this.end = at
      this.fills[this.fills.length - 1] = at
    } else {
      while (this.head >= this.fills[0]!) {
        this.chunks.shift()
        this.fills.shift()
        this.offsets.shift()
        this.head = 0
      }
      chunk = this.chunks[0]!
      at = this.head
    }
    this.id = chunk[at]!
    this.depth = chunk[at + 1]!
    const len = chunk[at + 2]!
    if (len > this.current.length) this.current = new Int32Array(len * 2)
    this.current.set(chunk.subarray(at + 3, at + 3 + len))
    this.currentLength = len
    if (!this.lifo) this.head = at + 3 + len
    this.count--
    if (this.count === 0) {
      this.chunks = []
      this.fills = []
      this.offsets = []
      this.head = this.end = 0
    }
    return true
  }
}
