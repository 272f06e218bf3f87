import { tableSlots } from '../visited.ts'

/**
 * Fingerprint -> state id, for the liveness graph: the explorer's visited set says only
 * whether a fingerprint was seen; the graph needs the id of the state a step leads to.
 * Open addressing with linear probing over one Int32Array of (a, b, id) triples, doubled
 * when three quarters full; id -1 marks an empty slot.
 */
export class FingerprintIndex {
  private table: Int32Array
  private mask: number
  private count = 0
  private growAt: number

  constructor(initialCapacity = 1 << 12) {
    const cap = tableSlots(initialCapacity)
    this.table = FingerprintIndex.empty(cap)
    this.mask = cap - 1
    this.growAt = Math.floor(cap * 0.75)
  }

  get size(): number {
    return this.count
  }

  get bytes(): number {
    return this.table.byteLength
  }

  /** Records fingerprint (a, b) as state `id` (a fingerprint is set once). */
  set(a: number, b: number, id: number): void {
    const t = this.table
    let i = FingerprintIndex.slot(a, b) & this.mask
    for (;;) {
      const j = i * 3
      if (t[j + 2] === -1) {
        t[j] = a
        t[j + 1] = b
        t[j + 2] = id
        if (++this.count > this.growAt) this.grow()
        return
      }
      if (t[j] === a && t[j + 1] === b) throw new Error(`fingerprint index: a fingerprint recorded twice (states ${t[j + 2]} and ${id})`)
      i = (i + 1) & this.mask
    }
  }

  /** The id recorded for (a, b), or -1. */
  get(a: number, b: number): number {
    const t = this.table
    let i = FingerprintIndex.slot(a, b) & this.mask
    for (;;) {
      const j = i * 3
      const id = t[j + 2]!
      if (id === -1) return -1
      if (t[j] === a && t[j + 1] === b) return id
      i = (i + 1) & this.mask
    }
  }

  private static slot(a: number, b: number): number {
    return a ^ (b >>> 7) ^ Math.imul(b, 0x9e3779b1)
  }

  private static empty(cap: number): Int32Array {
    const t = new Int32Array(cap * 3)
    for (let j = 2; j < t.length; j += 3) t[j] = -1
    return t
  }

  private grow(): void {
    const old = this.table
    const cap = (this.mask + 1) * 2
    const t = FingerprintIndex.empty(cap)
    const mask = cap - 1
    for (let j = 0; j < old.length; j += 3) {
      if (old[j + 2] === -1) continue
      let i = FingerprintIndex.slot(old[j]!, old[j + 1]!) & mask
      while (t[i * 3 + 2] !== -1) i = (i + 1) & mask
      t.set(old.subarray(j, j + 3), i * 3)
    }
    this.table = t
    this.mask = mask
    this.growAt = Math.floor(cap * 0.75)
  }
}
