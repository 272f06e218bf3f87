/**
 * State vectors packed as bytes, for a frontier held in memory: each word zigzag-encoded
 * (small negatives stay small) as a varint of 7 bits a byte. The words of a state vector are
 * mostly small (tagged small integers, interned ids, lengths: see codec.ts), so a vector
 * takes about a byte a word instead of four; a word takes 5 bytes at most.
 */

/** The most bytes `len` words can take packed. */
export function packedBound(len: number): number {
  return len * 5
}

/** Packs `len` words of `words` into `out` from byte `at`; returns the byte after the last written. */
export function pack(words: Int32Array, len: number, out: Uint8Array, at: number): number {
  let p = at
  for (let i = 0; i < len; i++) {
    const w = words[i]!
    let z = ((w << 1) ^ (w >> 31)) >>> 0
    while (z >= 0x80) {
      out[p++] = (z & 0x7f) | 0x80
      z >>>= 7
    }
    out[p++] = z
  }
  return p
}

/**
 * Unpacks the words packed in bytes [at, end) of `src` into `out` from word 0 (`out` must hold
 * `end - at` words, the most there can be); returns how many words it wrote.
 */
export function unpack(src: Uint8Array, at: number, end: number, out: Int32Array): number {
  let n = 0
  let p = at
  while (p < end) {
    let b = src[p++]!
    let z = b & 0x7f
    let shift = 7
    while (b >= 0x80) {
      b = src[p++]!
      z |= (b & 0x7f) << shift
      shift += 7
    }
    out[n++] = (z >>> 1) ^ -(z & 1)
  }
  return n
}
