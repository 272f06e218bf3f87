/**
 * State vectors: a canonical encoding of a state value as int32 words, as explicit-state
 * checkers in C (SPIN, Murphi) keep their states. The explorer stores its frontier as
 * vectors (no object graph for the garbage collector to trace), fingerprints the vector
 * with a tight loop, and decodes a fresh mutable copy to expand.
 *
 * Word = payload << 3 | tag. Tags: INT (payload: an integer in [-2^28, 2^28)), STR
 * (payload: interned string id), ATOM (0 false, 1 true, 4: an integer beyond 2^28 as a
 * float64 in the next two words), REC (payload: shape id = the key list in canonical
 * order; the values follow in that order), ARR (payload: length), MAP and SET (payload:
 * size; entries follow in the canonical order of their keys, `compareValues`).
 *
 * The encoding is canonical (insertion order does not matter) and decodes to the canonical
 * form of the state (`canonical.ts`): that is the form `actions()` sees. The encoder notes
 * in `reordered()` whether the value it encoded was out of canonical order, so that the
 * explorer knows when to decode a canonical copy. A value outside the domain of states
 * throws `DomainError`.
 *
 * Speed comes from encoders and decoders compiled (with `new Function`) for the shapes
 * seen in the initial states: a record's fields are read by name, an enumeration's
 * strings compared by identity. A value that does not fit the compiled shape falls back
 * to the generic encoder at that point, which writes the very same words, so the
 * encoding stays canonical whichever path wrote it.
 */

import { canonicalKeys, compareValues, DomainError } from './canonical.ts'
import { SharedInternTable } from './shared-intern.ts'

const TAG_INT = 0
const TAG_STR = 1
const TAG_ATOM = 2
const TAG_REC = 3
const TAG_ARR = 4
const TAG_MAP = 5
const TAG_SET = 6

const W_FALSE = (0 << 3) | TAG_ATOM
const W_TRUE = (1 << 3) | TAG_ATOM
const W_FLOAT = (4 << 3) | TAG_ATOM
const SMALL = 1 << 28

// ---- interning (process-wide, so ids are stable within a run) ----

/**
 * Dense ids for values met once and looked up often (strings, record key lists). Ids are
 * given in first-seen order; under a parallel search every worker interns through one
 * `SharedInternTable`, so that all of them encode a state to the same words.
 */
class Interner<T> {
  private readonly ids = new Map<string, number>()
  readonly items: T[] = []
  shared: SharedInternTable | undefined = undefined

  constructor(private readonly make: (key: string) => T) {}

  id(key: string, item: T): number {
    let id = this.ids.get(key)
    if (id === undefined) {
      if (this.shared !== undefined) return this.sharedId(key)
      id = this.items.length
      this.items.push(item)
      this.ids.set(key, id)
    }
    return id
  }

  /** The item of `id`, fetched from the shared table when another worker interned it. */
  item(id: number): T | undefined {
    const x = this.items[id]
    if (x !== undefined || this.shared === undefined) return x
    this.shared.withLock(() => this.sync())
    return this.items[id]
  }

  private sharedId(key: string): number {
    const t = this.shared!
    return t.withLock(() => {
      this.sync()
      const known = this.ids.get(key)
      if (known !== undefined) return known
      t.append(key)
      this.sync()
      return this.ids.get(key)!
    })
  }

  /**
   * Interns through `t` from now on, first writing this thread's entries into it in id
   * order (`t` is empty), so that the ids already given keep their meaning.
   */
  mirror(t: SharedInternTable): void {
    t.withLock(() => {
      for (const key of this.ids.keys()) t.append(key)
    })
    this.shared = t
  }

  /** Takes in the entries other workers added (under the table's lock). */
  private sync(): void {
    const t = this.shared!
    for (let id = this.items.length; id < t.count; id++) {
      const key = t.key(id)
      this.items.push(this.make(key))
      this.ids.set(key, id)
    }
  }
}

/**
 * `s` as V8's internalized copy, the one a literal of the same text is: the copy read from
 * a shared table is a fresh string, and comparing it with a literal (a model's
 * `r.phase === 'idle'`, a compiled encoder's enum cases) would compare the characters each
 * time instead of the addresses. A property key is internalized.
 */
function internalized(s: string): string {
  for (const k in { [s]: 0 }) return k
  return s
}

const strings = new Interner<string>(internalized)
const strs = strings.items
const internString = (s: string): number => strings.id(s, s)
const stringOf = (id: number): string => (strs[id] ?? strings.item(id))!

const shapes = new Interner<readonly string[]>((k) => (k === '' ? [] : k.split('\u0000').map(internalized)))
const shapeKeys = shapes.items
const internShape = (keys: readonly string[]): number => shapes.id(keys.join('\u0000'), keys)

/**
 * Makes this thread intern strings and record shapes through shared tables (one per kind),
 * as every worker of a parallel search must; call before the first state is encoded.
 */
export function shareInterning(tables: { strings: SharedArrayBuffer; shapes: SharedArrayBuffer }): void {
  if (strs.length > 0 || shapeKeys.length > 0) throw new Error('shareInterning: this thread has already interned values')
  strings.shared = new SharedInternTable(tables.strings)
  shapes.shared = new SharedInternTable(tables.shapes)
}

let coordinating: { strings: SharedArrayBuffer; shapes: SharedArrayBuffer } | undefined

/**
 * Tables for the workers of a parallel search whose coordinating thread also searches (as
 * worker 0): this thread's interning, made shared. Made once per thread and kept, as this
 * thread's ids are: every parallel search it coordinates hands the same tables to its
 * workers.
 */
export function coordinatorInterning(): { strings: SharedArrayBuffer; shapes: SharedArrayBuffer } {
  if (coordinating === undefined) {
    if (strings.shared !== undefined) throw new Error('coordinatorInterning: this thread is a worker of a parallel search')
    const tables = { strings: SharedInternTable.allocate(), shapes: SharedInternTable.allocate() }
    strings.mirror(new SharedInternTable(tables.strings))
    shapes.mirror(new SharedInternTable(tables.shapes))
    coordinating = tables
  }
  return coordinating
}

// ---- the output buffer ----

/**
 * The output buffer and position, one object shared with the compiled code; `moved`: the
 * value being encoded is out of canonical order somewhere.
 */
const W = { buf: new Int32Array(1 << 12), pos: 0, moved: false }

function grow(): void {
  const b = new Int32Array(W.buf.length * 2)
  b.set(W.buf)
  W.buf = b
}

function push(w: number): void {
  if (W.pos === W.buf.length) grow()
  W.buf[W.pos++] = w
}

const f64 = new Float64Array(1)
const f64w = new Int32Array(f64.buffer)

// ---- generic encoder ----

function encodeGeneric(v: unknown): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v && v >= -SMALL && v < SMALL) push(v << 3)
      else {
        if (!Number.isSafeInteger(v)) throw new DomainError()
        f64[0] = v
        push(W_FLOAT)
        push(f64w[0]!)
        push(f64w[1]!)
      }
      return
    case 'string':
      push((internString(v) << 3) | TAG_STR)
      return
    case 'boolean':
      push(v ? W_TRUE : W_FALSE)
      return
    case 'object':
      if (v === null) throw new DomainError()
      if (Array.isArray(v)) {
        push((v.length << 3) | TAG_ARR)
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) throw new DomainError()
          encodeGeneric(v[i])
        }
      } else if (v instanceof Map) {
        encodeSorted(TAG_MAP, [...v.entries()], true)
      } else if (v instanceof Set) {
        encodeSorted(TAG_SET, [...v].map((x) => [x, undefined] as [unknown, unknown]), false)
      } else {
        const proto = Object.getPrototypeOf(v)
        if (proto !== Object.prototype && proto !== null) throw new DomainError()
        const rec = v as Record<string, unknown>
        const own = Object.keys(rec)
        const keys = canonicalKeys(own)
        for (let i = 0; i < own.length; i++) if (own[i] !== keys[i]) W.moved = true
        push((internShape(keys) << 3) | TAG_REC)
        for (const k of keys) encodeGeneric(rec[k])
      }
      return
    default:
      throw new DomainError()
  }
}

const byKey = (a: [unknown, unknown], b: [unknown, unknown]): number => compareValues(a[0], b[0])

/** Map and Set entries in the canonical order of their keys. */
function encodeSorted(tag: number, entries: [unknown, unknown][], withValues: boolean): void {
  push((entries.length << 3) | tag)
  for (let i = 1; i < entries.length; i++) {
    if (byKey(entries[i - 1]!, entries[i]!) > 0) {
      entries.sort(byKey)
      W.moved = true
      break
    }
  }
  for (const [k, x] of entries) {
    encodeGeneric(k)
    if (withValues) encodeGeneric(x)
  }
}

// ---- generic decoder ----

/** The input being decoded and the read position, shared with the compiled code. */
const R: { rd: Int32Array; rp: number } = { rd: W.buf, rp: 0 }

function decodeGeneric(): unknown {
  const w = R.rd[R.rp++]!
  const payload = w >> 3
  switch (w & 7) {
    case TAG_INT:
      return payload
    case TAG_STR:
      return stringOf(payload)
    case TAG_ATOM:
      switch (payload) {
        case 0:
          return false
        case 1:
          return true
        default:
          f64w[0] = R.rd[R.rp++]!
          f64w[1] = R.rd[R.rp++]!
          return f64[0]
      }
    case TAG_REC: {
      const keys = (shapeKeys[payload] ?? shapes.item(payload))!
      const o: Record<string, unknown> = {}
      for (let i = 0; i < keys.length; i++) o[keys[i]!] = decodeGeneric()
      return o
    }
    case TAG_ARR: {
      const a = new Array(payload)
      for (let i = 0; i < payload; i++) a[i] = decodeGeneric()
      return a
    }
    case TAG_MAP: {
      const m = new Map()
      for (let i = 0; i < payload; i++) {
        const k = decodeGeneric()
        m.set(k, decodeGeneric())
      }
      return m
    }
    case TAG_SET: {
      const s = new Set()
      for (let i = 0; i < payload; i++) s.add(decodeGeneric())
      return s
    }
    default:
      throw new Error(`state vector: unknown word ${w} at ${R.rp - 1}`)
  }
}

// ---- walking a state vector ----

/** The position just past the value whose first word is `w[p]`. */
function skipValue(w: Int32Array, p: number): number {
  const x = w[p]!
  const payload = x >> 3
  switch (x & 7) {
    case TAG_ATOM:
      return payload === 4 ? p + 3 : p + 1
    case TAG_REC: {
      const n = (shapeKeys[payload] ?? shapes.item(payload))!.length
      p++
      for (let i = 0; i < n; i++) p = skipValue(w, p)
      return p
    }
    case TAG_ARR:
    case TAG_SET:
      p++
      for (let i = 0; i < payload; i++) p = skipValue(w, p)
      return p
    case TAG_MAP:
      p++
      for (let i = 0; i < 2 * payload; i++) p = skipValue(w, p)
      return p
    default:
      return p + 1
  }
}

/**
 * Where the hidden fields (`hidden.ts`) lie in a state vector: `n` spans of words to skip
 * (start/end pairs in `spans`, in increasing order, without overlap), and `m` record headers
 * to read as the shape of their keys without the hidden ones (position/word pairs in
 * `heads`), so that the words hashed are those of the state's view: a state whose record
 * lacks a hidden key and one that has it are then one state, as the view says.
 */
export class HiddenWords {
  readonly spans: Int32Array
  readonly heads: Int32Array
  /** The header words the fingerprint replaces for a while. */
  readonly saved: Int32Array
  n = 0
  m = 0
  constructor(paths: number) {
    this.spans = new Int32Array(2 * paths)
    this.heads = new Int32Array(2 * paths)
    this.saved = new Int32Array(paths)
  }
}

/**
 * Finds the hidden fields at `paths` in the state vector starting at `w[0]` by walking its
 * words. A path through a value that is not a record, or to a key its record lacks, hides
 * nothing.
 */
export function hiddenSpans(w: Int32Array, paths: readonly (readonly string[])[], into: HiddenWords): void {
  const out = into.spans
  let n = 0
  /** The header position and the hidden keys of each record a path ends in. */
  const ends: { at: number; keys: readonly string[]; hidden: string[] }[] = []
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!
    let p = 0
    let head = -1
    let keys: readonly string[] = []
    let found = true
    for (let j = 0; j < path.length && found; j++) {
      const x = w[p]!
      if ((x & 7) !== TAG_REC) {
        found = false
        break
      }
      keys = (shapeKeys[x >> 3] ?? shapes.item(x >> 3))!
      const at = keys.indexOf(path[j]!)
      if (at < 0) {
        found = false
        break
      }
      head = p
      p++
      for (let f = 0; f < at; f++) p = skipValue(w, p)
    }
    if (!found) continue
    const end = ends.find((e) => e.at === head)
    if (end === undefined) ends.push({ at: head, keys, hidden: [path.at(-1)!] })
    else end.hidden.push(path.at(-1)!)
    // insert [p, end) in order, merging with spans it overlaps
    let start = p
    let stop = skipValue(w, p)
    let k = 0
    while (k < n && out[2 * k + 1]! < start) k++
    let m = k
    while (m < n && out[2 * m]! <= stop) {
      start = Math.min(start, out[2 * m]!)
      stop = Math.max(stop, out[2 * m + 1]!)
      m++
    }
    out.copyWithin(2 * (k + 1), 2 * m, 2 * n)
    n += k + 1 - m
    out[2 * k] = start
    out[2 * k + 1] = stop
  }
  into.n = n
  into.m = ends.length
  ends.forEach((e, k) => {
    into.heads[2 * k] = e.at
    into.heads[2 * k + 1] = viewShapeWord(e.keys, e.hidden)
  })
}

/** The header word of a record with `keys` but for `hidden`. */
function viewShapeWord(keys: readonly string[], hidden: readonly string[]): number {
  return (internShape(keys.filter((k) => !hidden.includes(k))) << 3) | TAG_REC
}

// ---- shapes and compiled codecs ----

type Shape =
  | { readonly kind: 'int' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly fields: readonly Shape[] }
  | { readonly kind: 'array'; readonly elem: Shape }
  /** A Map with integer keys (encoded in key order, as the generic encoder sorts them). */
  | { readonly kind: 'intMap'; readonly value: Shape }
  | { readonly kind: 'any' }

const ANY: Shape = { kind: 'any' }

/** The shape common to all samples (records with one key set, homogeneous arrays). */
function inferShape(samples: readonly unknown[]): Shape {
  if (samples.length === 0) return ANY
  if (samples.every((v) => typeof v === 'number' && (v | 0) === v)) return { kind: 'int' }
  if (samples.every((v) => typeof v === 'boolean')) return { kind: 'bool' }
  if (samples.every((v) => typeof v === 'string')) return { kind: 'enum', values: [...new Set(samples as string[])] }
  if (samples.every((v) => Array.isArray(v))) {
    return { kind: 'array', elem: inferShape((samples as unknown[][]).flat(1)) }
  }
  if (samples.every((v) => v instanceof Map)) {
    const maps = samples as Map<unknown, unknown>[]
    if (maps.every((m) => [...m.keys()].every((k) => typeof k === 'number' && (k | 0) === k && k >= -SMALL && k < SMALL))) {
      return { kind: 'intMap', value: inferShape(maps.flatMap((m) => [...m.values()])) }
    }
    return ANY
  }
  if (samples.every(isPlainRecord)) {
    const keys = canonicalKeys(Object.keys(samples[0] as object))
    const sig = keys.join('\u0000')
    if (samples.every((s) => canonicalKeys(Object.keys(s as object)).join('\u0000') === sig)) {
      return {
        kind: 'record',
        keys,
        fields: keys.map((k) => inferShape(samples.map((s) => (s as Record<string, unknown>)[k]))),
      }
    }
  }
  return ANY
}

export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const p = Object.getPrototypeOf(v)
  return p === Object.prototype || p === null
}

export interface Codec {
  /** Encodes `v` into the shared buffer; read the words with `words()` right after. */
  encode(v: unknown): void
  /**
   * Where the hidden fields lie in the last encoding, as `hiddenSpans` finds them: with one
   * hidden path, the compiled encoders note it as they write; with several, or a value off
   * the compiled shapes, the words are walked.
   */
  locate(into: HiddenWords): void
  /** Decodes a fresh, mutable value from `src[at ...]`. */
  decode(src: Int32Array, at: number): unknown
}

/** Whether the value of the last `encode` was out of canonical order (its decoding is not the same object tree). */
export function reordered(): boolean {
  return W.moved
}

/** The words written by the last `encode` (a view, valid until the next call). */
export function encodedWords(): Int32Array {
  return W.buf.subarray(0, W.pos)
}

export function encodedLength(): number {
  return W.pos
}

/** The buffer holding the last encoding (it may be replaced when it grows). */
export function encodedBuffer(): Int32Array {
  return W.buf
}

/**
 * The source of one decoder function, `decode`, for values of shape `s`: the read position
 * is a local (one function, not one a shape: a position kept in `R` was loaded and stored at
 * every word); a word off the shape hands that value to the generic decoder, `D`.
 */
function decoderSource(s: Shape): string {
  let k = 0
  const generic = (t: string): string => `{ R.rp = p; ${t} = D(); p = R.rp }`
  /** Statements that decode one value of shape `s` into the variable `t`. */
  function decodeInto(s: Shape, t: string): string {
    switch (s.kind) {
      case 'any':
        return generic(t)
      case 'bool':
        return `w = rd[p]; if (w === ${W_TRUE}) { p++; ${t} = true } else if (w === ${W_FALSE}) { p++; ${t} = false } else ${generic(t)}`
      case 'int':
        return `w = rd[p]; if ((w & 7) === ${TAG_INT}) { p++; ${t} = w >> 3 } else ${generic(t)}`
      case 'enum': {
        // the enumeration's strings as literals (internalized), compared by word
        const cases = s.values
          .map((x) => `if (w === ${(internString(x) << 3) | TAG_STR}) { p++; ${t} = ${JSON.stringify(x)} } else `)
          .join('')
        return `w = rd[p]; ${cases}if ((w & 7) === ${TAG_STR}) { p++; ${t} = T(w >> 3) } else ${generic(t)}`
      }
      case 'array': {
        const i = k++
        return (
          `w = rd[p]; if ((w & 7) !== ${TAG_ARR}) ${generic(t)} else { p++; const n${i} = w >> 3; const a${i} = new Array(n${i}); ` +
          `for (let i${i} = 0; i${i} < n${i}; i${i}++) { let x${i}; ${decodeInto(s.elem, `x${i}`)} a${i}[i${i}] = x${i} } ${t} = a${i} }`
        )
      }
      case 'intMap': {
        const i = k++
        return (
          `w = rd[p]; if ((w & 7) !== ${TAG_MAP}) ${generic(t)} else { p++; const n${i} = w >> 3; const m${i} = new Map(); ` +
          `for (let i${i} = 0; i${i} < n${i}; i${i}++) { let k${i}; w = rd[p]; if ((w & 7) === ${TAG_INT}) { p++; k${i} = w >> 3 } else ${generic(`k${i}`)} ` +
          `let x${i}; ${decodeInto(s.value, `x${i}`)} m${i}.set(k${i}, x${i}) } ${t} = m${i} }`
        )
      }
      case 'record': {
        const i = k++
        const word = (internShape(s.keys) << 3) | TAG_REC
        const vars = s.keys.map((_, j) => `r${i}_${j}`)
        const fields = s.fields.map((f, j) => decodeInto(f, vars[j]!)).join(' ')
        const literal = s.keys.map((key, j) => `${JSON.stringify(key)}: ${vars[j]}`).join(', ')
        return `if (rd[p] !== ${word}) ${generic(t)} else { p++; ${vars.length > 0 ? `let ${vars.join(', ')}; ` : ''}${fields} ${t} = { ${literal} } }`
      }
    }
  }
  return `function decode() { const rd = R.rd; let p = R.rp; let w; let v; ${decodeInto(s, 'v')} R.rp = p; return v }`
}

/**
 * A codec compiled for the shapes of `samples` (usually the initial states), noting where
 * it writes the fields at `hidden` (paths of record keys from the root, see hidden.ts).
 */
export function compileCodec(samples: readonly unknown[], hidden: readonly (readonly string[])[] = []): Codec {
  const shape = inferShape(samples)
  const encFns: string[] = []
  let n = 0
  /**
   * The one hidden field as the compiled encoders wrote it: its start and end (`at`), its
   * record's header position and view word (`head`); `noted`: written in this encoding.
   */
  const H = { at: new Int32Array(2), head: new Int32Array(2), noted: 0 }
  const noting = hidden.length === 1

  /**
   * Returns the name of an encoder function for `s` (defined in encFns); `under`: the
   * hidden paths (index, keys matched so far) that lead through this value.
   */
  function encoderFor(s: Shape, under: readonly [number, number][] = noting ? [[0, 0]] : []): string {
    const name = `e${n++}`
    switch (s.kind) {
      case 'any':
        encFns.push(`function ${name}(v) { G(v) }`)
        break
      case 'int':
        encFns.push(
          `function ${name}(v) { if (typeof v === 'number' && (v | 0) === v && v >= ${-SMALL} && v < ${SMALL}) { if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = v << 3 } else G(v) }`,
        )
        break
      case 'bool':
        encFns.push(
          `function ${name}(v) { if (v === true || v === false) { if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = v ? ${W_TRUE} : ${W_FALSE} } else G(v) }`,
        )
        break
      case 'enum': {
        const cases = s.values
          .map((x) => `v === ${JSON.stringify(x)} ? ${(internString(x) << 3) | TAG_STR} : `)
          .join('')
        // a string outside the enumeration (the first states may not show them all) is
        // interned here, as the generic encoder would write it, without going through it
        encFns.push(
          `function ${name}(v) { let w = ${cases}-1; if (w === -1) { if (typeof v !== 'string') { G(v); return } w = (S(v) << 3) | ${TAG_STR} } ` +
            `if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = w }`,
        )
        break
      }
      case 'array': {
        const el = encoderFor(s.elem, [])
        encFns.push(
          `function ${name}(v) { if (!Array.isArray(v)) { G(v); return } const n = v.length; if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = (n << 3) | ${TAG_ARR}; for (let i = 0; i < n; i++) ${el}(v[i]) }`,
        )
        break
      }
      case 'intMap': {
        const val = encoderFor(s.value, [])
        encFns.push(
          // one pass in the map's order while its keys ascend (the usual case); else back to
          // the map's header and once more in sorted order
          `function ${name}(v) { if (!(v instanceof Map)) { G(v); return } ` +
            `const start = P.pos; if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = (v.size << 3) | ${TAG_MAP}; let prev = ${-SMALL - 1}; ` +
            `for (const [k, x] of v) { if (typeof k !== 'number' || (k | 0) !== k || k <= prev || k >= ${SMALL}) { P.pos = start; ${name}s(v); return } ` +
            `prev = k; if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = k << 3; ${val}(x) } }\n` +
            `function ${name}s(v) { const keys = []; for (const k of v.keys()) { if (typeof k !== 'number' || (k | 0) !== k || k < ${-SMALL} || k >= ${SMALL}) { G(v); return } keys.push(k) } ` +
            `keys.sort((a, b) => a - b); P.moved = true; ` +
            `if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = (keys.length << 3) | ${TAG_MAP}; ` +
            `for (let i = 0; i < keys.length; i++) { const k = keys[i]; if (P.pos === P.buf.length) grow(); P.buf[P.pos++] = k << 3; ${val}(v.get(k)) } }`,
        )
        break
      }
      case 'record': {
        const through = s.keys.map((k) => under.filter(([h, d]) => hidden[h]![d] === k))
        const fields = s.fields.map((f, i) =>
          encoderFor(
            f,
            through[i]!.filter(([h, d]) => d + 1 < hidden[h]!.length).map(([h, d]): [number, number] => [h, d + 1]),
          ),
        )
        const word = (internShape(s.keys) << 3) | TAG_REC
        const reads = s.keys.map((k, i) => `const f${i} = v[${JSON.stringify(k)}];`).join(' ')
        const undef = s.keys.map((_, i) => `f${i} === undefined`).join(' || ') || 'false'
        // the hidden path (when noting) ends at field `last` of this record
        const last = through.findIndex((t) => t.some(([h, d]) => d + 1 === hidden[h]!.length))
        const head = last < 0 ? '' : `H.head[0] = P.pos; H.head[1] = ${viewShapeWord(s.keys, [s.keys[last]!])}; `
        const writes = fields
          .map((f, i) => (i === last ? `H.at[0] = P.pos; ${f}(f${i}); H.at[1] = P.pos; H.noted = 1;` : `${f}(f${i});`))
          .join(' ')
        const order = `${name}k`
        encFns.push(
          `const ${order} = ${JSON.stringify(s.keys)};\n` +
          // a plain record: its prototype is Object.prototype. \`v.constructor\` is read first:
          // through the inline cache it checks the object's map, and V8 then knows the
          // prototype without a call (\`Object.getPrototypeOf\` alone was a call into the runtime
          // at every record: 5-8 % of a search, see the README); an array's, a Map's, a Set's or
          // a class instance's constructor is another
          `function ${name}(v) { if (typeof v !== 'object' || v === null || v.constructor !== Object || Object.getPrototypeOf(v) !== Object.prototype) { G(v); return } ` +
            `let c = 0, o = true; for (const k in v) { if (k !== ${order}[c]) o = false; c++ } ${reads} ` +
            `if (c !== ${s.keys.length} || ${undef}) { G(v); return } ` +
            `if (!o) P.moved = true; ` +
            `if (P.pos === P.buf.length) grow(); ${head}P.buf[P.pos++] = ${word}; ${writes} }`,
        )
        break
      }
    }
    return name
  }

  const enc = encoderFor(shape)
  const make = new Function(
    'P',
    'R',
    'G',
    'D',
    'grow',
    'H',
    'S',
    'T',
    `${encFns.join('\n')}\n${decoderSource(shape)}\nreturn { enc: ${enc}, dec: decode }`,
  ) as (
    w: typeof W,
    r: typeof R,
    g: typeof encodeGeneric,
    d: typeof decodeGeneric,
    grow: () => void,
    h: typeof H,
    s: typeof internString,
    t: typeof stringOf,
  ) => { enc: (v: unknown) => void; dec: () => unknown }
  const compiled = make(W, R, encodeGeneric, decodeGeneric, grow, H, internString, stringOf)
  return {
    encode(v) {
      W.pos = 0
      W.moved = false
      H.noted = 0
      compiled.enc(v)
    },
    locate(into) {
      if (!noting || H.noted === 0) {
        hiddenSpans(W.buf, hidden, into)
        return
      }
      into.n = into.m = 1
      into.spans[0] = H.at[0]!
      into.spans[1] = H.at[1]!
      into.heads[0] = H.head[0]!
      into.heads[1] = H.head[1]!
    },
    decode(src, at) {
      R.rd = src
      R.rp = at
      return compiled.dec()
    },
  }
}

/** The generic codec, with no compiled shapes (for tests and odd states). */
export const genericCodec: Codec = {
  encode(v) {
    W.pos = 0
    W.moved = false
    encodeGeneric(v)
  },
  locate(into) {
    into.n = into.m = 0
  },
  decode(src, at) {
    R.rd = src
    R.rp = at
    return decodeGeneric()
  },
}
