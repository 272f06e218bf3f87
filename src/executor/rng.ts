/**
 * The executor's own seeded pseudo-random numbers (mulberry32): tie-breaks and workload
 * choices. Reducers never see it; the same seed gives the same sequence on every machine.
 */
export class Rng {
  private s: number

  constructor(seed: number) {
    this.s = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!
  }
}
