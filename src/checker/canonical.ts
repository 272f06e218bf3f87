/**
 * The canonical form of a state, and the domain of state values.
 *
 * A model's `actions(s)` may follow the iteration order of a Map, a Set or a record's keys,
 * and a trace records the *index* of the action taken. For an index to mean the same action
 * in exploring, rebuilding a trace, replaying and simulating, `actions()` always sees one
 * form of each state: records with their keys in canonical order, Maps with their entries
 * and Sets with their members sorted by `compareValues`. The state vectors of the explorer
 * (`codec.ts`) decode to exactly this form; every other path calls `canonicalize`.
 *
 * The domain of state values: integers within 2^53, booleans, strings, arrays, plain
 * records, Maps and Sets. `undefined` (also as a field's value: write the field or leave it
 * out, a field set to `undefined` is an error), `null`, `NaN`, fractions, bigints,
 * functions, symbols and class instances are not state values.
 */

/** A value outside the domain of states; `describeDomainViolation` finds where. */
export class DomainError extends Error {
  override readonly name = 'DomainError'
}

/**
 * Canonical key order of a record: the order in which JavaScript iterates a record whose
 * keys were inserted in code-unit order (array-index keys first, in numeric order).
 */
export function canonicalKeys(keys: readonly string[]): string[] {
  return [...keys].sort(compareKeys)
}

const INDEX = /^(?:0|[1-9]\d{0,9})$/
const isIndex = (k: string): boolean => INDEX.test(k) && Number(k) < 4294967295

function compareKeys(a: string, b: string): number {
  const ia = isIndex(a)
  const ib = isIndex(b)
  if (ia && ib) return Number(a) - Number(b)
  if (ia !== ib) return ia ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function rank(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return 0
    case 'string':
      return 1
    case 'boolean':
      return 2
    default:
      if (Array.isArray(v)) return 3
      if (v instanceof Map) return 5
      if (v instanceof Set) return 6
      return 4
  }
}

/** A total order on state values (used for Map keys and Set members). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  switch (ra) {
    case 0:
      return (a as number) - (b as number)
    case 1:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0
    case 2:
      return (a ? 1 : 0) - (b ? 1 : 0)
    case 3:
      return compareLists(a as unknown[], b as unknown[])
    case 4: {
      const ka = canonicalKeys(Object.keys(a as object))
      const kb = canonicalKeys(Object.keys(b as object))
      const d = compareLists(ka, kb)
      if (d !== 0) return d
      const ra = a as Record<string, unknown>
      const rb = b as Record<string, unknown>
      for (const k of ka) {
        const dv = compareValues(ra[k], rb[k])
        if (dv !== 0) return dv
      }
      return 0
    }
    case 5:
      return compareLists(sortedEntries(a as Map<unknown, unknown>).flat(), sortedEntries(b as Map<unknown, unknown>).flat())
    default:
      return compareLists([...(a as Set<unknown>)].sort(compareValues), [...(b as Set<unknown>)].sort(compareValues))
  }
}

function compareLists(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = compareValues(a[i], b[i])
    if (d !== 0) return d
  }
  return a.length - b.length
}

const byKey = (x: readonly [unknown, unknown], y: readonly [unknown, unknown]): number => compareValues(x[0], y[0])

function sortedEntries(m: Map<unknown, unknown>): [unknown, unknown][] {
  return [...m.entries()].sort(byKey)
}

/** Canonical forms of frozen containers (immer freezes what it produces and shares it). */
const memo = new WeakMap<object, object>()

/**
 * The canonical form of a state: `v` itself when it is canonical already, otherwise a copy
 * in which only the containers out of order are rebuilt. Throws `DomainError` for a value
 * outside the domain (call `describeDomainViolation` for where).
 */
export function canonicalize<T>(v: T): T {
  return canon(v) as T
}

function canon(v: unknown): unknown {
  switch (typeof v) {
    case 'number':
      if (!Number.isSafeInteger(v)) throw new DomainError()
      return v
    case 'string':
    case 'boolean':
      return v
    case 'object': {
      if (v === null) throw new DomainError()
      const frozen = Object.isFrozen(v)
      if (frozen) {
        const m = memo.get(v)
        if (m !== undefined) return m
      }
      const c = canonContainer(v)
      if (frozen) memo.set(v, c)
      return c
    }
    default:
      throw new DomainError()
  }
}

function canonContainer(v: object): object {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw new DomainError()
      const x = v[i]
      const c = canon(x)
      if (c !== x && out === undefined) out = v.slice(0, i)
      if (out !== undefined) out.push(c)
    }
    return out ?? v
  }
  if (v instanceof Map) {
    const entries: [unknown, unknown][] = []
    let changed = false
    for (const [k, x] of v) {
      const ck = canon(k)
      const cx = canon(x)
      if (ck !== k || cx !== x) changed = true
      entries.push([ck, cx])
    }
    for (let i = 1; i < entries.length && !changed; i++) if (byKey(entries[i - 1]!, entries[i]!) > 0) changed = true
    return changed ? new Map(entries.sort(byKey)) : v
  }
  if (v instanceof Set) {
    const members: unknown[] = []
    let changed = false
    for (const x of v) {
      const c = canon(x)
      if (c !== x) changed = true
      members.push(c)
    }
    for (let i = 1; i < members.length && !changed; i++) if (compareValues(members[i - 1], members[i]) > 0) changed = true
    return changed ? new Set(members.sort(compareValues)) : v
  }
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) throw new DomainError()
  const rec = v as Record<string, unknown>
  const keys = Object.keys(rec)
  let changed = false
  const values = keys.map((k) => {
    const c = canon(rec[k])
    if (c !== rec[k]) changed = true
    return c
  })
  for (let i = 1; i < keys.length && !changed; i++) if (compareKeys(keys[i - 1]!, keys[i]!) > 0) changed = true
  if (!changed) return v
  const order = keys.map((k, i) => [k, values[i]] as const).sort((x, y) => compareKeys(x[0], y[0]))
  const out: Record<string, unknown> = {}
  for (const [k, x] of order) out[k] = x
  return out
}

/**
 * The first value outside the domain of states, as one line (`state.kernels[1].ts is NaN`),
 * or null when every value is in it.
 */
export function describeDomainViolation(v: unknown, path = 'state'): string | null {
  switch (typeof v) {
    case 'number':
      if (Number.isNaN(v)) return `${path} is NaN`
      if (!Number.isFinite(v)) return `${path} is ${v}`
      if (!Number.isInteger(v)) return `${path} is ${v}, not an integer`
      if (!Number.isSafeInteger(v)) return `${path} is ${v}, beyond 2^53`
      return null
    case 'string':
    case 'boolean':
      return null
    case 'undefined':
      return `${path} is undefined (leave the field out instead)`
    case 'bigint':
      return `${path} is a bigint (${v}n): use a number`
    case 'function':
      return `${path} is a function`
    case 'symbol':
      return `${path} is a symbol`
    default:
      break
  }
  if (v === null) return `${path} is null`
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return `${path}[${i}] is a hole in the array`
      const d = describeDomainViolation(v[i], `${path}[${i}]`)
      if (d !== null) return d
    }
    return null
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      const label = typeof k === 'string' || typeof k === 'number' ? JSON.stringify(k) : '…'
      const d = describeDomainViolation(k, `${path} (a key)`) ?? describeDomainViolation(x, `${path}.get(${label})`)
      if (d !== null) return d
    }
    return null
  }
  if (v instanceof Set) {
    for (const x of v) {
      const d = describeDomainViolation(x, `${path} (a member)`)
      if (d !== null) return d
    }
    return null
  }
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'an object'
    return `${path} is an instance of ${name}, not plain data`
  }
  for (const [k, x] of Object.entries(v as object)) {
    const d = describeDomainViolation(x, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`)
    if (d !== null) return d
  }
  return null
}
