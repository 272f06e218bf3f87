/**
 * Hidden fields: record fields a model leaves out of the fingerprint, as Promela's
 * `hidden` variables (message counters, ghost tallies no rule reads). `hiding(paths)` is a
 * `view` (the state without those fields), so every part of the engine that knows views
 * treats it as one; the explorer also recognizes it and, rather than encoding a view and
 * then the state, encodes the state once and fingerprints its words as the view's: without
 * the hidden fields' words, and with their records' headers read as the shapes without the
 * hidden keys (`HiddenWords` in codec.ts), so that a record lacking a hidden key and one
 * holding it are one state, as the view says.
 */

import { isPlainRecord } from './codec.ts'

/** Keys from the root record to a field, e.g. `['net', 'sent']`. */
export type FieldPath = readonly string[]

/** A view made by `hiding`: it carries the paths of the fields it leaves out. */
export interface HidingView {
  (s: unknown): unknown
  readonly hidden: readonly FieldPath[]
}

/**
 * A view that leaves out the record fields at `paths` (each a non-empty list of keys from
 * the root; a path through a value that is not a record, or to a missing key, hides
 * nothing). Two states that differ only in those fields are one state to the search.
 */
export function hiding(...paths: FieldPath[]): HidingView {
  for (const p of paths) {
    if (p.length === 0) throw new Error('hiding: a path needs at least one key')
  }
  const hidden = paths.map((p) => [...p])
  const view = (s: unknown): unknown => {
    let v = s
    for (const p of hidden) v = without(v, p, 0)
    return v
  }
  return Object.assign(view, { hidden })
}

/** The hidden fields' paths when `view` was made by `hiding`. */
export function hiddenPaths(view: ((s: never) => unknown) | undefined): readonly FieldPath[] | undefined {
  return (view as Partial<HidingView> | undefined)?.hidden
}

/** `v` without the field at `path[at...]` (copies only the records along the path). */
function without(v: unknown, path: FieldPath, at: number): unknown {
  if (!isPlainRecord(v) || !Object.prototype.hasOwnProperty.call(v, path[at]!)) return v
  const k = path[at]!
  const { [k]: inner, ...rest } = v
  return at === path.length - 1 ? rest : { ...rest, [k]: without(inner, path, at + 1) }
}
