/**
 * Symmetry reduction with scalarsets (Murphi's, Ip and Dill): a model declares sets of ids
 * that the rules treat alike (the threads of a lock, the targets of a shootdown, pages,
 * frames), and how renaming them acts on a state. `symmetry(...sets)` is then a
 * `Model.symmetry`: the canonical representative of a state is the least (by
 * `compareValues`) of its images under every permutation of every scalarset. It is the
 * least element of the state's orbit, so two states get the same representative exactly
 * when a permutation maps one to the other (Rumur's `--symmetry-reduction exhaustive`).
 *
 * The explorer fingerprints `view(symmetry(s))` but expands and records concrete states,
 * so a counterexample is a concrete trace of the model that `replay` accepts.
 *
 * Correctness rests on the model: its rules and its properties must not tell the ids of a
 * scalarset apart (for every permutation p, s -> t iff p(s) -> p(t), and each property has
 * the same value at s and p(s)). Cost: one image per permutation, n! for n ids.
 */
import { compareValues } from './canonical.ts'

/** Renames ids: maps each id of a scalarset to an id of the same scalarset, any other id to itself. */
export type Rename = (id: number) => number

export interface Scalarset<S> {
  readonly name: string
  /** The interchangeable ids. */
  readonly ids: readonly number[]
  /** The state with every occurrence of an id renamed (use `permuteIndices`, `permuteBits`). */
  readonly permute: (s: S, rename: Rename) => S
}

export function scalarset<S>(name: string, ids: readonly number[], permute: (s: S, rename: Rename) => S): Scalarset<S> {
  return { name, ids, permute }
}

/** The ids 0..n-1 (or from..from+n-1). */
export function ids(n: number, from = 0): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => from + i)
}

/** `out[rename(i)] = arr[i]`: an array indexed by ids, its entries moved to their new ids. */
export function permuteIndices<T>(arr: readonly T[], rename: Rename): T[] {
  const out = arr.slice()
  for (let i = 0; i < arr.length; i++) out[rename(i)] = arr[i]!
  return out
}

/** A bit mask over ids (bit i: id i), its bits moved to their new ids. */
export function permuteBits(mask: number, rename: Rename): number {
  let out = 0
  for (let i = 0; mask >>> i !== 0; i++) if (mask & (1 << i)) out |= 1 << rename(i)
  return out
}

/** Every permutation of `xs` (Heap's algorithm), the identity first. */
export function permutations(xs: readonly number[]): number[][] {
  const a = xs.slice()
  const out = [a.slice()]
  const c = new Array<number>(a.length).fill(0)
  for (let i = 1; i < a.length; ) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!
      ;[a[j], a[i]] = [a[i]!, a[j]!]
      out.push(a.slice())
      c[i]!++
      i = 1
    } else {
      c[i] = 0
      i++
    }
  }
  return out
}

/** The renamings of one scalarset: one per permutation of its ids. */
function renamings(set: Scalarset<unknown>): Rename[] {
  return permutations(set.ids).map((perm) => {
    const to = new Map(set.ids.map((id, k) => [id, perm[k]!]))
    return (id: number) => to.get(id) ?? id
  })
}

/** `Model.symmetry` for these scalarsets: the least image of a state under every combination of their permutations. */
export function symmetry<S>(...sets: readonly Scalarset<S>[]): (s: S) => S {
  const all = sets.map((set) => ({ set, renames: renamings(set as Scalarset<unknown>) }))
  return (s: S): S => {
    let images: S[] = [s]
    for (const { set, renames } of all) images = images.flatMap((x) => renames.map((r) => set.permute(x, r)))
    let best = images[0]!
    for (let k = 1; k < images.length; k++) if (compareValues(images[k], best) < 0) best = images[k]!
    return best
  }
}
