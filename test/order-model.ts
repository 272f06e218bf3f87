/**
 * A model whose states are reached out of canonical order (a Set filled 1 then 0), with a
 * hidden counter and an invariant that reports the members in iteration order: what the
 * checks see is the canonical form or not. For parallel searches (a `ModelSource`).
 */
import { hiding } from '../src/checker/hidden.ts'
import type { AnyModel } from '../src/checker/model.ts'

type S = { readonly s: Set<number>; readonly n: number }

export function orderModel(): AnyModel {
  return {
    name: 'order',
    init: () => [{ s: new Set(), n: 0 }],
    actions: (s: S) => (s.s.has(1) ? (s.s.has(0) ? [] : [{ type: 'add', x: 0 }]) : [{ type: 'add', x: 1 }]),
    next: (s: S, a: { x: number }) => ({ s: new Set([...s.s, a.x]), n: s.n + 1 }),
    invariants: { inv: (s: S) => s.s.size < 2 || `members ${[...s.s].join(',')}` },
    view: hiding(['n']),
    terminal: () => true,
  }
}
