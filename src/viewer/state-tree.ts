/**
 * A state as the viewer's state panel shows it: a tree of plain JSON nodes, each with its
 * path, and the paths a step changed. Paths are written as `firstDifference` in
 * `src/checker/equal.ts` writes them (`kernels[1].req.phase`, `owners{3}`), so a replay
 * message and the panel name a field the same way.
 */
import { deepEqual } from '../checker/equal.ts'

/** Scalar, array, record, Map or Set; `p` is the node's path (`''` for the root). */
export type TreeNode =
  | { readonly t: 'v'; readonly p: string; readonly v: string | number | boolean }
  | { readonly t: 'a' | 's'; readonly p: string; readonly items: readonly TreeNode[] }
  | { readonly t: 'r'; readonly p: string; readonly fields: readonly (readonly [string, TreeNode])[] }
  | { readonly t: 'm'; readonly p: string; readonly entries: readonly (readonly [string, TreeNode])[] }

const field = (path: string, k: string): string => (path ? `${path}.${k}` : k)
const mapKey = (path: string, k: unknown): string => `${path}{${JSON.stringify(plainKey(k))}}`

function plainKey(k: unknown): unknown {
  if (k instanceof Map) return [...k].map(([a, b]) => [plainKey(a), plainKey(b)])
  if (k instanceof Set) return [...k].map(plainKey)
  return k
}

function keyText(k: unknown): string {
  return typeof k === 'string' ? k : JSON.stringify(plainKey(k))
}

/** The state as a tree; a bigint or other odd scalar becomes its text. */
export function stateTree(v: unknown, p = ''): TreeNode {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return { t: 'v', p, v }
  if (Array.isArray(v)) return { t: 'a', p, items: v.map((x, i) => stateTree(x, `${p}[${i}]`)) }
  if (v instanceof Map) return { t: 'm', p, entries: [...v].map(([k, x]) => [keyText(k), stateTree(x, mapKey(p, k))] as const) }
  if (v instanceof Set) return { t: 's', p, items: [...v].map((x, i) => stateTree(x, `${p}#${i}`)) }
  if (typeof v === 'object' && v !== null) {
    return { t: 'r', p, fields: Object.entries(v).map(([k, x]) => [k, stateTree(x, field(p, k))] as const) }
  }
  return { t: 'v', p, v: String(v) }
}

/**
 * Every path at which `b` differs from `a`, as deep as both sides have the same shape:
 * a changed scalar, a Map entry added, removed or changed, an array whose length changed
 * (the array itself, and its elements that differ), a Set that changed (the Set itself).
 */
export function changedPaths(a: unknown, b: unknown, p = '', out: string[] = []): string[] {
  if (Object.is(a, b)) return out
  const rec = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Map) && !(x instanceof Set)
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(p)
    for (let i = 0; i < Math.min(a.length, b.length); i++) changedPaths(a[i], b[i], `${p}[${i}]`, out)
    for (let i = a.length; i < b.length; i++) out.push(`${p}[${i}]`)
    return out
  }
  if (a instanceof Map && b instanceof Map) {
    for (const [k, x] of b) {
      const before = [...a].find(([ka]) => deepEqual(ka, k))
      if (before === undefined) out.push(mapKey(p, k))
      else changedPaths(before[1], x, mapKey(p, k), out)
    }
    if ([...a.keys()].some((k) => ![...b.keys()].some((kb) => deepEqual(k, kb)))) out.push(p)
    return out
  }
  if (rec(a) && rec(b)) {
    for (const k of Object.keys(b)) {
      if (!(k in a)) out.push(field(p, k))
      else changedPaths(a[k], b[k], field(p, k), out)
    }
    if (Object.keys(a).some((k) => !(k in b))) out.push(p)
    return out
  }
  if (!deepEqual(a, b)) out.push(p)
  return out
}

/** The paths that hold a changed path (its ancestors), for marking the way down to it. */
export function ancestorPaths(paths: readonly string[]): string[] {
  const out = new Set<string>()
  for (const path of paths) {
    // every prefix that ends just before a separator: `a.b[2]{"k"}.c` -> a, a.b, a.b[2], a.b[2]{"k"}
    for (let i = 1; i < path.length; i++) {
      const c = path[i]
      if (c === '.' || c === '[' || c === '{' || c === '#') out.add(path.slice(0, i))
    }
    out.add('')
  }
  return [...out]
}
