/** The slots of a new open-addressing table: a power of two, at least 16 and `initial`. */
export function tableSlots(initial: number): number {
  let cap = 16
  while (cap < initial) cap *= 2
  return cap
}

/**
 * The visited set: 64-bit fingerprints (two int32 lanes) in one open-addressing table
 * with linear probing, doubled when three quarters full. The all-zero fingerprint marks
 * an empty slot, so a state whose fingerprint is zero is stored as (0, 1).
 */
export class FingerprintSet {
  private table: Int32Array
  private mask: number
  private count = 0
  private growAt: number

  constructor(initialCapacity = 1 << 12) {
    const cap = tableSlots(initialCapacity)
    this.table = new Int32Array(cap * 2)
    this.mask = cap - 1
    this.growAt = Math.floor(cap * 0.75)
  }

  get size(): number {
    return this.count
  }

  get capacity(): number {
    return this.mask + 1
  }

  get bytes(): number {
    return this.table.byteLength
  }

  /** Adds the fingerprint; `true` when it was not there before. */
  add(a: number, b: number): boolean {
    if ((a | b) === 0) b = 1
    const t = this.table
    const mask = this.mask
    let i = (a ^ (b >>> 7)) & mask
    for (;;) {
      const j = i << 1
      const sa = t[j]!
      const sb = t[j + 1]!
      if ((sa | sb) === 0) {
        t[j] = a
        t[j + 1] = b
        if (++this.count > this.growAt) this.grow()
        return true
      }
      if (sa === a && sb === b) return false
      i = (i + 1) & mask
    }
  }

  has(a: number, b: number): boolean {
    if ((a | b) === 0) b = 1
    const t = this.table
    let i = (a ^ (b >>> 7)) & this.mask
    for (;;) {
      const j = i << 1
      const sa = t[j]!
      const sb = t[j + 1]!
      if ((sa | sb) === 0) return false
      if (sa === a && sb === b) return true
      i = (i + 1) & this.mask
    }
  }

  private grow(): void {
    const old = this.table
    const cap = (this.mask + 1) * 2
    const t = new Int32Array(cap * 2)
    const mask = cap - 1
    for (let j = 0; j < old.length; j += 2) {
      const a = old[j]!
      const b = old[j + 1]!
      if ((a | b) === 0) continue
      let i = (a ^ (b >>> 7)) & mask
      while ((t[i << 1]! | t[(i << 1) + 1]!) !== 0) i = (i + 1) & mask
      t[i << 1] = a
      t[(i << 1) + 1] = b
    }
    this.table = t
    this.mask = mask
    this.growAt = Math.floor(cap * 0.75)
  }
}
