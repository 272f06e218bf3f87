/**
 * A table of interned strings in shared memory, for the workers of a parallel search: an
 * id is the position of the string in the table, given under a lock by whichever worker
 * meets the string first, so that every worker encodes a state to the same words
 * (`codec.ts`). Strings are met once per run and looked up from a per-thread cache after
 * that, so the lock is taken rarely.
 *
 * Layout (int32 words): lock, count, characters used, then the offset of each entry's
 * characters; the characters follow as 16-bit code units, each entry preceded by its length.
 */
const LOCK = 0
const COUNT = 1
const USED = 2
const HEADER = 4
const MAX_ENTRIES = 1 << 16
const CHAR_UNITS = 1 << 21

export class SharedInternTable {
  private readonly words: Int32Array
  private readonly chars: Uint16Array

  /** A new table's memory, to hand to every worker. */
  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer((HEADER + MAX_ENTRIES) * 4 + CHAR_UNITS * 2)
  }

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, HEADER + MAX_ENTRIES)
    this.chars = new Uint16Array(buffer, (HEADER + MAX_ENTRIES) * 4, CHAR_UNITS)
  }

  /** Entries in the table (read under the lock for a consistent view). */
  get count(): number {
    return Atomics.load(this.words, COUNT)
  }

  /** Runs `f` holding the table's lock. */
  withLock<R>(f: () => R): R {
    const w = this.words
    while (Atomics.compareExchange(w, LOCK, 0, 1) !== 0) Atomics.wait(w, LOCK, 1, 1)
    try {
      return f()
    } finally {
      Atomics.store(w, LOCK, 0)
      Atomics.notify(w, LOCK, 1)
    }
  }

  /** The string of entry `id` (< count). */
  key(id: number): string {
    const at = this.words[HEADER + id]!
    const n = this.chars[at]! | (this.chars[at + 1]! << 16)
    let s = ''
    for (let i = 0; i < n; i += 4096) s += String.fromCharCode(...this.chars.subarray(at + 2 + i, at + 2 + Math.min(n, i + 4096)))
    return s
  }

  /** Adds `key` as the next entry (the caller holds the lock and knows it is absent). */
  append(key: string): void {
    const w = this.words
    const id = w[COUNT]!
    const at = w[USED]!
    if (id >= MAX_ENTRIES || at + 2 + key.length > CHAR_UNITS) {
      throw new Error(`parallel search: more distinct strings in states than the shared table holds (${MAX_ENTRIES} entries, ${CHAR_UNITS} characters)`)
    }
    this.chars[at] = key.length & 0xffff
    this.chars[at + 1] = key.length >>> 16
    for (let i = 0; i < key.length; i++) this.chars[at + 2 + i] = key.charCodeAt(i)
    w[HEADER + id] = at
    w[USED] = at + 2 + key.length
    Atomics.store(w, COUNT, id + 1)
  }
}
