/**
 * The states whose key another worker lowered in a level. A worker that reaches a state
 * first at a level records the key it reached it by; the slot's key can change after that
 * only when another worker lowers it (`Insert.Lowered`), and that worker notes the
 * fingerprint here. At the end of the level, a worker reads the final key from the shared
 * visited set only for its states in the lists of all workers, instead of for every state
 * (a random read of the table each: 0.4 s of a worker's 6.5 on the reference ticket lock,
 * where about 1 % of the new states are lowered; 13 % on `lamport`).
 */
import type { Lowered } from './protocol.ts'

/** The fingerprints one worker lowered in the level, in a shared buffer sent with its last reply. */
export class LoweredList {
  private words = new Int32Array(new SharedArrayBuffer(2 * 4 * 256))
  private n = 0

  add(a: number, b: number): void {
    if (2 * this.n + 2 > this.words.length) {
      const w = new Int32Array(new SharedArrayBuffer(this.words.byteLength * 2))
      w.set(this.words)
      this.words = w
    }
    this.words[2 * this.n] = a
    this.words[2 * this.n + 1] = b
    this.n++
  }

  clear(): void {
    this.n = 0
  }

  get list(): Lowered {
    return { buffer: this.words.buffer as SharedArrayBuffer, count: this.n }
  }

  get bytes(): number {
    return this.words.byteLength
  }
}

/** The fingerprints of every worker's list, for lookups (open addressing, linear probing). */
export class LoweredSet {
  private readonly table: Int32Array
  private readonly mask: number
  /** A bit per value of lane A's low 16 bits, set for the fingerprints held: most lookups end here. */
  private readonly seen = new Int32Array(1 << 11)
  readonly size: number

  constructor(lists: readonly Lowered[]) {
    this.size = lists.reduce((n, l) => n + l.count, 0)
    let slots = 16
    while (slots < 2 * this.size) slots *= 2
    this.table = new Int32Array(2 * slots)
    this.mask = slots - 1
    for (const l of lists) {
      const w = new Int32Array(l.buffer, 0, 2 * l.count)
      for (let k = 0; k < w.length; k += 2) this.add(nonZero(w[k]!), w[k + 1]!)
    }
  }

  has(a: number, b: number): boolean {
    a = nonZero(a)
    if ((this.seen[(a >>> 5) & 0x7ff]! & (1 << (a & 31))) === 0) return false
    const t = this.table
    for (let i = (a ^ (b >>> 7)) & this.mask; ; i = (i + 1) & this.mask) {
      const sa = t[2 * i]!
      if (sa === 0) return false
      if (sa === a && t[2 * i + 1] === b) return true
    }
  }

  private add(a: number, b: number): void {
    const k = (a >>> 5) & 0x7ff
    this.seen[k] = this.seen[k]! | (1 << (a & 31))
    const t = this.table
    for (let i = (a ^ (b >>> 7)) & this.mask; ; i = (i + 1) & this.mask) {
      const sa = t[2 * i]!
      if (sa === 0) {
        t[2 * i] = a
        t[2 * i + 1] = b
        return
      }
      if (sa === a && t[2 * i + 1] === b) return
    }
  }
}

/** Lane A as a slot holds it (0 marks an empty slot). */
function nonZero(a: number): number {
  return a === 0 ? 1 : a
}
