/**
 * Structural equality of state values: arrays in order, plain objects, Maps and Sets
 * regardless of insertion order. Returns the path of the first difference, or null.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (Object.is(a, b)) return null
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path || '(value)'
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return path || '(value)'
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`)
      if (d !== null) return d
    }
    return null
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return path || '(value)'
    for (const [k, v] of a) {
      const other = findKey(b, k)
      if (other === undefined) return `${path}{${JSON.stringify(k)}}`
      const d = firstDifference(v, b.get(other), `${path}{${JSON.stringify(k)}}`)
      if (d !== null) return d
    }
    return null
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set) || a.size !== b.size) return path || '(value)'
    for (const x of a) if (!setHas(b, x)) return path || '(value)'
    return null
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return path || '(value)'
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return path ? `${path}.${k}` : k
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k)
    if (d !== null) return d
  }
  return null
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return firstDifference(a, b) === null
}

function findKey(m: Map<unknown, unknown>, k: unknown): unknown {
  if (m.has(k)) return k
  if (typeof k !== 'object' || k === null) return undefined
  for (const key of m.keys()) if (deepEqual(key, k)) return key
  return undefined
}

function setHas(s: Set<unknown>, x: unknown): boolean {
  if (s.has(x)) return true
  if (typeof x !== 'object' || x === null) return false
  for (const y of s) if (deepEqual(x, y)) return true
  return false
}
