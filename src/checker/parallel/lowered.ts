/**
 * The states whose key was lowered in a level. A worker that reaches a state first at a
 * level records the key it reached it by; the slot's key can change after that only when a
 * step with a smaller key lowers it (`Insert.Lowered`: another worker's, as a worker takes
 * ranks in increasing order, but for the tests that hand them out from the last), and the
 * worker that lowers it notes the fingerprint here. At the end of the level, a worker reads
 * the final key from the shared visited set only for its states in the lists of all
 * workers, instead of for every state
 * (a random read of the table each: 0.4 s of a worker's 6.5 on the reference ticket lock,
 * where about 1 % of the new states are lowered; 13 % on `lamport`).
 */
import { FingerprintSet } from '../visited.ts'
import { keyBefore, type Lowered } from './protocol.ts'

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

/** The fingerprints of every worker's list, for lookups. */
export class LoweredSet {
  private readonly set: FingerprintSet
  /** A bit per value of lane A's low 16 bits, set for the fingerprints held: most lookups end here. */
  private readonly seen = new Int32Array(1 << 11)
  readonly size: number

  constructor(lists: readonly Lowered[]) {
    this.size = lists.reduce((n, l) => n + l.count, 0)
    this.set = new FingerprintSet(2 * this.size)
    for (const l of lists) {
      const w = new Int32Array(l.buffer, 0, 2 * l.count)
      for (let k = 0; k < w.length; k += 2) {
        const a = nonZero(w[k]!)
        const word = (a >>> 5) & 0x7ff
        this.seen[word] = this.seen[word]! | (1 << (a & 31))
        this.set.add(a, w[k + 1]!)
      }
    }
  }

  has(a: number, b: number): boolean {
    a = nonZero(a)
    return (this.seen[(a >>> 5) & 0x7ff]! & (1 << (a & 31))) !== 0 && this.set.has(a, b)
  }
}

/**
 * The kept states in key order: those keeping their own key are in the order this worker
 * reached them, which is key order (it takes ranks in increasing order; not in the tests
 * that hand ranks out from the last: then everything is sorted), and the few another worker
 * lowered are sorted and merged in (`scratch` gives the array of the result). Sorting the
 * whole list with the lowered ones out of place took most of the 270 ms a worker spent here
 * on the reference.
 */
export function inKeyOrder(own: Int32Array, moved: number[], rank: Int32Array, act: Int32Array, scratch: (n: number) => Int32Array = (n) => new Int32Array(n)): Int32Array {
  const before = (x: number, y: number): boolean => keyBefore(rank[x]!, act[x]!, rank[y]!, act[y]!)
  let sorted = true
  for (let k = 1; k < own.length && sorted; k++) sorted = before(own[k - 1]!, own[k]!)
  if (moved.length === 0 && sorted) return own
  const by = (x: number, y: number): number => rank[x]! - rank[y]! || act[x]! - act[y]!
  if (!sorted) {
    const all = scratch(own.length + moved.length)
    all.set(own)
    all.set(moved, own.length)
    return all.sort(by)
  }
  moved.sort(by)
  const out = scratch(own.length + moved.length)
  let i = 0
  let m = 0
  for (let k = 0; k < out.length; k++) {
    out[k] = m < moved.length && (i >= own.length || before(moved[m]!, own[i]!)) ? moved[m++]! : own[i++]!
  }
  return out
}

/** Lane A as a slot holds it (0 marks an empty slot). */
function nonZero(a: number): number {
  return a === 0 ? 1 : a
}
