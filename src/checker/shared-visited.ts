/**
 * The visited set of a parallel search: one open-addressing table of 64-bit fingerprints
 * in shared memory, inserted into by every worker without a lock (compare-and-exchange on
 * the first lane claims a slot).
 *
 * The search is level-synchronous, and a state first reached at the current level keeps
 * the smallest key (parent's rank in the level, action index) of the steps that reach it:
 * the step a one-worker breadth-first search would have taken first. So the states of a
 * level can be put in the one-worker order afterwards, and counterexamples, state ids and
 * counts come out as one worker's.
 *
 * Slot (4 int32 words): lane A (0: empty; a zero lane is stored as 1), lane B (0 while the
 * claiming worker is still writing the slot), the key's rank plus one (0 before it is
 * written, LOCKED while a worker lowers the key), and the level (low 16 bits) << 16 | the
 * key's action index. A level is kept modulo 2^16: a state 65,536 levels old is taken for
 * one of this level, and its key lowered. Without a view that changes nothing (no list
 * holds the state); with a view the lowered key makes it a new state, so a parallel search
 * of a model with a view stops with an error before that level (`explore-parallel.ts`).
 *
 * An `Atomics` call costs 13-17 ns here against 2 for a plain access (Node 20 does not
 * inline them), and a step mostly reaches a state seen before: that path reads plainly.
 * The claiming worker writes the key and level before it publishes lane B with
 * `Atomics.store`; a reader that may change the key first reads lane B with `Atomics.load`,
 * which orders its reads after the claimer's writes. A plain read may be stale, but never
 * misleads: the level in the last word is the claimer's for the life of the table (a
 * lowering changes only the action; a table is filled while no worker searches), so that
 * word reads as 0 or with the right level; a key only decreases, so a rank read as written
 * (not 0, not LOCKED) and no larger than the reader's means the final key is no larger
 * either (a lowering needs a smaller rank: the earlier action of one rank stays). Anything
 * else sends the reader to the ordered path.
 */
const STRIDE = 4
/** Insertions a worker counts before adding them to the shared count. */
const BATCH = 64
const LOCKED = -1
/** The table is grown (by the coordinator, all workers paused) past this load. */
export const SHARED_LOAD = 0.7

export const enum Insert {
  /** The caller claimed the slot: the state is new. */
  New,
  /** Reached before at this level; the caller's key is now the slot's key. */
  Lowered,
  /** Seen before (at this level with a smaller key, or at an earlier level). */
  Seen,
}

export class SharedVisited {
  readonly buffer: SharedArrayBuffer
  readonly table: Int32Array
  private readonly mask: number
  /** counts[0]: states in the table; counts[1]: 1 when a worker asks for a larger table. */
  private readonly counts: Int32Array
  private readonly growAt: number
  private pending = 0
  /** The slot (word index) the last `insert` found or claimed. */
  lastSlot = -1

  static allocate(slots: number): SharedArrayBuffer {
    return new SharedArrayBuffer(slots * STRIDE * 4)
  }

  constructor(buffer: SharedArrayBuffer, counts: SharedArrayBuffer) {
    this.buffer = buffer
    this.table = new Int32Array(buffer)
    this.mask = this.table.length / STRIDE - 1
    this.counts = new Int32Array(counts)
    this.growAt = Math.floor((this.mask + 1) * SHARED_LOAD)
  }

  get countsBuffer(): SharedArrayBuffer {
    return this.counts.buffer as SharedArrayBuffer
  }

  get slots(): number {
    return this.mask + 1
  }

  get size(): number {
    return Atomics.load(this.counts, 0)
  }

  get bytes(): number {
    return this.table.byteLength
  }

  /** A worker asked for a larger table; a plain read, as a hint polled at every state (it is seen a little late at worst). */
  get growRequested(): boolean {
    return this.counts[1] !== 0
  }

  /** Inserts the fingerprint reached by step (rank, action) of `level`. */
  insert(a: number, b: number, level: number, rank: number, action: number): Insert {
    if (a === 0) a = 1
    if (b === 0) b = 1
    const t = this.table
    const mask = this.mask
    const tag = ((level & 0xffff) << 16) | action
    let i = home(a, b, mask)
    for (;;) {
      const j = i * STRIDE
      // a plain read may be stale: an empty slot is claimed by compare-and-exchange only
      let sa = t[j]!
      if (sa === 0) {
        sa = Atomics.compareExchange(t, j, 0, a)
        if (sa === 0) {
          t[j + 3] = tag
          t[j + 2] = rank + 1
          Atomics.store(t, j + 1, b)
          // the shared count is updated in batches (one cache line written by every worker)
          if (++this.pending === BATCH) this.flush()
          this.lastSlot = j
          return Insert.New
        }
      }
      if (sa === a) {
        let sb = t[j + 1]!
        while (sb === 0) sb = Atomics.load(t, j + 1)
        if (sb === b) {
          this.lastSlot = j
          const sl = t[j + 3]!
          if (sl !== 0 && sl >>> 16 !== (level & 0xffff)) return Insert.Seen
          const sr = t[j + 2]!
          if (sl !== 0 && sr > 0 && sr <= rank + 1) return Insert.Seen
          // this level's, with a larger key (or not yet seen written): read in order after the claimer's writes
          while (Atomics.load(t, j + 1) === 0) {}
          return Atomics.load(t, j + 3) >>> 16 === (level & 0xffff) ? this.lower(j, tag, rank + 1) : Insert.Seen
        }
      }
      i = (i + 1) & mask
    }
  }

  /** Adds this worker's pending insertions to the shared count; asks for a larger table past the load. */
  flush(): void {
    if (this.pending === 0) return
    if (Atomics.add(this.counts, 0, this.pending) + this.pending > this.growAt) Atomics.store(this.counts, 1, 1)
    this.pending = 0
  }

  /** Makes (rank, tag's action) the slot's key when it is smaller (`rank` plus one, as stored); same rank: the earlier action stays. */
  private lower(j: number, tag: number, rank: number): Insert {
    const t = this.table
    for (;;) {
      const r = Atomics.load(t, j + 2)
      if (r === LOCKED) continue
      if (r <= rank) return Insert.Seen
      if (Atomics.compareExchange(t, j + 2, r, LOCKED) === r) {
        Atomics.store(t, j + 3, tag)
        Atomics.store(t, j + 2, rank)
        return Insert.Lowered
      }
    }
  }

  /** The slot of a fingerprint in the table (-1: absent); read once every worker is done. */
  find(a: number, b: number): number {
    if (a === 0) a = 1
    if (b === 0) b = 1
    const t = this.table
    let i = home(a, b, this.mask)
    for (;;) {
      const j = i * STRIDE
      if (t[j] === 0) return -1
      if (t[j] === a && t[j + 1] === b) return j
      i = (i + 1) & this.mask
    }
  }

  rankAt(slot: number): number {
    return this.table[slot + 2]! - 1
  }

  actionAt(slot: number): number {
    return this.table[slot + 3]! & 0xffff
  }

  /**
   * An empty table of twice the slots; the workers copy this one's entries into it, each a
   * part (`rehashPart`, then `rehashLeft`), while the search is paused. Its memory is fresh:
   * each worker first touches the pages of its part (`rehashPart`).
   */
  larger(): SharedVisited {
    Atomics.store(this.counts, 1, 0)
    return new SharedVisited(SharedVisited.allocate(this.slots * 2), this.countsBuffer)
  }

  /**
   * Copies into this table the entries of `old` (a table half this size) whose home slot
   * here lies in part `part` of `parts` (equal ranges of this table). The parts run at once
   * on the workers with plain writes, a slot being written only by the owner of its range
   * (compare-and-exchange costs more than the copy); an entry whose probe would leave the
   * range is returned (its index in `old`), for `rehashLeft` once every part is done.
   */
  rehashPart(old: Int32Array, part: number, parts: number): number[] {
    const t = this.table
    const mask = this.mask
    const lo = Math.floor(((mask + 1) * part) / parts)
    const hi = Math.floor(((mask + 1) * (part + 1)) / parts)
    touchPages(t.subarray(lo * STRIDE, hi * STRIDE))
    const left: number[] = []
    for (let j = 0; j < old.length; j += STRIDE) {
      const a = old[j]!
      if (a === 0) continue
      const b = old[j + 1]!
      let i = home(a, b, mask)
      if (i < lo || i >= hi) continue
      while (i < hi && t[i * STRIDE] !== 0) i++
      if (i === hi) {
        left.push(j)
        continue
      }
      t[i * STRIDE] = a
      copyRest(old, j, t, i * STRIDE)
    }
    return left
  }

  /** Copies the entries `rehashPart` left (at indices `left` of `old`); workers run it at once, claiming slots by compare-and-exchange. */
  rehashLeft(old: Int32Array, left: readonly number[]): void {
    const t = this.table
    const mask = this.mask
    for (const j of left) {
      const a = old[j]!
      let i = home(a, old[j + 1]!, mask)
      for (;;) {
        const k = i * STRIDE
        if (t[k] === 0 && Atomics.compareExchange(t, k, 0, a) === 0) {
          copyRest(old, j, t, k)
          break
        }
        i = (i + 1) & mask
      }
    }
  }
}

/** The slot where the probe for fingerprint (a, b) starts, in a table of mask + 1 slots. */
function home(a: number, b: number, mask: number): number {
  return (a ^ (b >>> 7)) & mask
}

/** Copies an entry's words after its first (lane B, rank, level and action) from old[j] to t[k]. */
function copyRest(old: Int32Array, j: number, t: Int32Array, k: number): void {
  t[k + 1] = old[j + 1]!
  t[k + 2] = old[j + 2]!
  t[k + 3] = old[j + 3]!
}

/**
 * Writes a zero in every page of fresh memory, in order, before it is written at random:
 * on this virtual machine the first write to a page costs about 11 µs (a page fault).
 * The workers touch the pages of a larger visited table each their part, at once: two
 * threads touched 128 MiB in 280-290 ms, one in 350-380 ms; when the coordinator touched
 * the whole table alone, the workers waited 0.76 s for it over a two-worker search of the
 * reference ticket lock.
 */
export function touchPages(words: Int32Array): void {
  for (let i = 0; i < words.length; i += 1024) words[i] = 0
}
