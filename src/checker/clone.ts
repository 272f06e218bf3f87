/**
 * A private mutable deep copy of a state, for applying a reducer's recipe without immer's
 * proxies (the explorer owns the copy, so nothing else sees the mutation).
 */
export function deepClone<T>(v: T): T {
  return cloneAny(v) as T
}

function cloneAny(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) {
    const n = v.length
    const out = new Array(n)
    for (let i = 0; i < n; i++) {
      const x = v[i]
      out[i] = typeof x === 'object' && x !== null ? cloneAny(x) : x
    }
    return out
  }
  if (v instanceof Map) {
    const out = new Map()
    for (const [k, x] of v) out.set(k, typeof x === 'object' && x !== null ? cloneAny(x) : x)
    return out
  }
  if (v instanceof Set) {
    const out = new Set()
    for (const x of v) out.add(typeof x === 'object' && x !== null ? cloneAny(x) : x)
    return out
  }
  const out: Record<string, unknown> = {}
  const rec = v as Record<string, unknown>
  for (const k in rec) {
    const x = rec[k]
    out[k] = typeof x === 'object' && x !== null ? cloneAny(x) : x
  }
  return out
}
