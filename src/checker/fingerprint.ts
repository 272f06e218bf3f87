/**
 * 64-bit structural fingerprints of immutable states, as two independent 32-bit lanes.
 *
 * No serialization: the hasher walks the value. Plain objects, Maps and Sets hash
 * order-independently (a sum of mixed entry hashes), so two equal states whose keys were
 * inserted in different orders get one fingerprint; arrays hash in order.
 *
 * Frozen containers with at least `MEMO_MIN_ENTRIES` entries are memoized in a WeakMap:
 * immer shares unchanged subtrees between a state and its successor and freezes them,
 * so hashing a successor costs what changed, not the whole state. Smaller containers
 * are cheaper to rehash than to look up (measured with `npm run bench`).
 */

import type { HiddenWords } from './codec.ts'

/** Output lanes of the last `hashInto` call (module-level to avoid allocating pairs). */
let outA = 0
let outB = 0

const MEMO_MIN_ENTRIES = 16
const memo = new WeakMap<object, Int32Array>()

const TAG_ARRAY_A = 0x2c1b3c6d
const TAG_ARRAY_B = 0x297a2d39
const TAG_OBJECT_A = 0x53c3a7b1
const TAG_OBJECT_B = 0x1b873593
const TAG_MAP_A = 0x68e31da4
const TAG_MAP_B = 0x3b2a7c11
const TAG_SET_A = 0x7ed55d16
const TAG_SET_B = 0x165667b1

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function fmixB(h: number): number {
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  h ^= h >>> 12
  h = Math.imul(h, 0x297a2d39)
  return h ^ (h >>> 15)
}

function hashString(s: string): void {
  const n = s.length
  let a = 0x811c9dc5 ^ n
  let b = 0x01000193 + n
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b + c, 0x5bd1e995)
  }
  outA = fmix(a)
  outB = fmixB(b)
}

const f64 = new Float64Array(1)
const f64Words = new Int32Array(f64.buffer)

function hashNumber(n: number): void {
  if ((n | 0) === n) {
    outA = fmix(n ^ 0x6a09e667)
    outB = fmixB(Math.imul(n, 0x9e3779b1) ^ 0x3c6ef372)
  } else {
    f64[0] = n
    const lo = f64Words[0]!
    const hi = f64Words[1]!
    outA = fmix(lo ^ fmix(hi ^ 0x510e527f))
    outB = fmixB(hi ^ fmixB(lo ^ 0x9b05688c))
  }
}

/** Mixes one entry (key lanes ka/kb, value lanes in outA/outB) for order-free sums. */
function entryA(ka: number, va: number): number {
  return fmix(ka + Math.imul(va, 0x9e3779b1))
}
function entryB(kb: number, vb: number): number {
  return fmixB(Math.imul(kb, 0x85ebca77) ^ vb)
}

function hashAny(v: unknown): void {
  switch (typeof v) {
    case 'number':
      hashNumber(v)
      return
    case 'string':
      hashString(v)
      outA = fmix(outA ^ 0x1a2b3c4d)
      return
    case 'boolean':
      outA = v ? 0x4f1bbcdd : 0x2a3d5e7f
      outB = v ? 0x61c88647 : 0x7f4a7c15
      return
    case 'bigint':
      hashString(v.toString())
      outA = fmix(outA ^ 0x5f356495)
      outB = fmixB(outB ^ 0x5f356495)
      return
    case 'undefined':
      outA = 0x0badf00d
      outB = 0x1badb002
      return
    case 'object':
      if (v === null) {
        outA = 0x0c0ffee0
        outB = 0x7ea7ea70
        return
      }
      hashContainer(v)
      return
    default:
      throw new TypeError(`cannot fingerprint a ${typeof v}`)
  }
}

function hashContainer(o: object): void {
  const cached = memo.get(o)
  if (cached !== undefined) {
    outA = cached[0]!
    outB = cached[1]!
    return
  }
  let a: number
  let b: number
  let size: number
  if (Array.isArray(o)) {
    size = o.length
    a = TAG_ARRAY_A ^ size
    b = TAG_ARRAY_B + size
    for (let i = 0; i < size; i++) {
      hashAny(o[i])
      a = (Math.imul((a ^ outA) ^ ((a ^ outA) >>> 15), 0x5bd1e995) + 0xe6546b64) | 0
      b = Math.imul(b + outB, 0x1b873593) ^ ((b + outB) >>> 13)
    }
  } else if (o instanceof Map) {
    size = o.size
    a = 0
    b = 0
    for (const [k, v] of o) {
      hashAny(k)
      const ka = outA
      const kb = outB
      hashAny(v)
      a = (a + entryA(ka, outA)) | 0
      b = (b + entryB(kb, outB)) | 0
    }
    a ^= TAG_MAP_A ^ size
    b ^= TAG_MAP_B + size
  } else if (o instanceof Set) {
    size = o.size
    a = 0
    b = 0
    for (const k of o) {
      hashAny(k)
      a = (a + fmix(outA ^ 0x243f6a88)) | 0
      b = (b + fmixB(outB ^ 0x85a308d3)) | 0
    }
    a ^= TAG_SET_A ^ size
    b ^= TAG_SET_B + size
  } else {
    size = 0
    a = 0
    b = 0
    const rec = o as Record<string, unknown>
    for (const k in rec) {
      hashString(k)
      const ka = outA
      const kb = outB
      hashAny(rec[k])
      a = (a + entryA(ka, outA)) | 0
      b = (b + entryB(kb, outB)) | 0
      size++
    }
    a ^= TAG_OBJECT_A ^ size
    b ^= TAG_OBJECT_B + size
  }
  outA = fmix(a)
  outB = fmixB(b)
  if (size >= MEMO_MIN_ENTRIES && Object.isFrozen(o)) memo.set(o, Int32Array.of(outA, outB))
}

/** Fingerprints `v`; read the two lanes with `fpA()` and `fpB()` right after. */
export function fingerprint(v: unknown): void {
  hashAny(v)
}
export function fpA(): number {
  return outA
}
export function fpB(): number {
  return outB
}

/** The fingerprint as a 16-digit hex string (for tests and messages). */
export function fingerprintHex(v: unknown): string {
  hashAny(v)
  return (outA >>> 0).toString(16).padStart(8, '0') + (outB >>> 0).toString(16).padStart(8, '0')
}

const NO_SPANS = new Int32Array(0)

/** Fingerprints `len` words of a state vector (see codec.ts); lanes in `fpA()`, `fpB()`. */
export function fingerprintWords(w: Int32Array, len: number): void {
  fingerprintWordsHiding(w, len, NO_SPANS, 0)
}

/**
 * Fingerprints the state vector `w[0, len)` as its view without the hidden fields `h`
 * (see hidden.ts): skips their spans and reads each of their records' headers as the view's
 * (the words are put back after).
 */
export function fingerprintHidden(w: Int32Array, len: number, h: HiddenWords): void {
  const heads = h.heads
  const saved = h.saved
  for (let k = 0; k < h.m; k++) {
    saved[k] = w[heads[2 * k]!]!
    w[heads[2 * k]!] = heads[2 * k + 1]!
  }
  fingerprintWordsHiding(w, len, h.spans, h.n)
  for (let k = 0; k < h.m; k++) w[heads[2 * k]!] = saved[k]!
}

/** One word into lane a of the words' fingerprint (murmur3's round). */
function roundA(a: number, k: number): number {
  a = Math.imul(a ^ k, 0xcc9e2d51)
  return (Math.imul((a << 15) | (a >>> 17), 0x1b873593) + 0xe6546b64) | 0
}

/** One word into lane b of the words' fingerprint. */
function roundB(b: number, k: number): number {
  b = Math.imul(b + k, 0x85ebca6b)
  return b ^ (b >>> 13)
}

/**
 * Fingerprints `len` words of a state vector but the `n` spans (start/end pairs, in
 * increasing order) in `spans`: the words of a state's hidden fields (see hidden.ts). With
 * no span, the same as `fingerprintWords`.
 *
 * Each lane runs as two chains, the kept words of even rank in one and of odd rank in the
 * other (rank among the kept words, so that hidden words of any length leave the chains as
 * they are), mixed together at the end: a chain is a string of dependent multiplies, and two
 * of them side by side take about half the time of one over every word (160 against 290 ns
 * a vector of 117 words on this machine).
 */
export function fingerprintWordsHiding(w: Int32Array, len: number, spans: Int32Array, n: number): void {
  let kept = len
  for (let j = 0; j < n; j++) kept -= spans[2 * j + 1]! - spans[2 * j]!
  let a0 = 0x9747b28c ^ kept
  let b0 = 0x5bd1e995 + kept
  let a1 = 0x3c6ef372 ^ kept
  let b1 = 0xa54ff53a + kept
  // the next kept word has odd rank
  let odd = false
  let i = 0
  for (let j = 0; j <= n; j++) {
    const end = j < n ? spans[2 * j]! : len
    if (odd && i < end) {
      a1 = roundA(a1, w[i]!)
      b1 = roundB(b1, w[i]!)
      i++
      odd = false
    }
    for (; i + 1 < end; i += 2) {
      const k = w[i]!
      const m = w[i + 1]!
      a0 = roundA(a0, k)
      a1 = roundA(a1, m)
      b0 = roundB(b0, k)
      b1 = roundB(b1, m)
    }
    if (i < end) {
      a0 = roundA(a0, w[i]!)
      b0 = roundB(b0, w[i]!)
      i++
      odd = true
    }
    if (j < n) i = spans[2 * j + 1]!
  }
  const a = fmix(a0 ^ fmix(a1 ^ 0x7f4a7c15))
  outA = a
  outB = fmixB(b0 ^ fmixB(b1 + 0x2545f491) ^ a)
}
