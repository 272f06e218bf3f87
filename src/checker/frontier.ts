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

/** Entries are [id, depth, length, ...words]; `take` copies the words into `current`. */
export class VectorFrontier implements Frontier {
  private arena = new Int32Array(1 << 16)
  private end = 0
  private head = 0
  private offsets = new Int32Array(1024)
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
    return this.arena.byteLength + this.offsets.byteLength
  }

  push(words: Int32Array, len: number, id: number, depth: number): void {
    if (!this.lifo && this.head > 0 && this.head * 2 > this.end) {
      this.arena.copyWithin(0, this.head, this.end)
      this.end -= this.head
      this.head = 0
    }
    const need = this.end + len + 3
    if (need > this.arena.length) {
      let n = this.arena.length * 2
      while (n < need) n *= 2
      const a = new Int32Array(n)
      a.set(this.arena.subarray(0, this.end))
      this.arena = a
    }
    if (this.lifo) {
      if (this.count === this.offsets.length) {
        const o = new Int32Array(this.offsets.length * 2)
        o.set(this.offsets)
        this.offsets = o
      }
      this.offsets[this.count] = this.end
    }
    const a = this.arena
    let p = this.end
    a[p++] = id
    a[p++] = depth
    a[p++] = len
    a.set(words.subarray(0, len), p)
    this.end = p + len
    this.count++
  }

  take(): boolean {
    if (this.count === 0) return false
    const at = this.lifo ? this.offsets[this.count - 1]! : this.head
    const a = this.arena
    this.id = a[at]!
    this.depth = a[at + 1]!
    const len = a[at + 2]!
    if (len > this.current.length) this.current = new Int32Array(len * 2)
    this.current.set(a.subarray(at + 3, at + 3 + len))
    this.currentLength = len
    if (this.lifo) this.end = at
    else this.head = at + 3 + len
    this.count--
    if (this.count === 0) this.end = this.head = 0
    return true
  }
}
