/**
 * Models a parallel search's workers build for the tests (`ModelSource` args are plain
 * data): random graphs with the engine's optional parts switched on one at a time.
 */
import type { Action, AnyModel } from '../src/checker/model.ts'
import { hiding } from '../src/checker/hidden.ts'
import { graphModel, type Graph } from './graph-model.ts'

export type Variant = 'invariant' | 'deadlock' | 'transition' | 'constraint' | 'view' | 'hidden' | 'viewConstraint' | 'viewThrows' | 'throws' | 'endless' | 'slow'

export interface GraphArgs {
  readonly n: number
  readonly edges: readonly (readonly number[])[]
  readonly init: readonly number[]
  readonly bad: readonly number[]
  readonly terminal: readonly number[]
  readonly variant: Variant
}

export const graphOf = (a: GraphArgs): Graph => ({ ...a, bad: new Set(a.bad), terminal: new Set(a.terminal) })

type S = { readonly node: number; readonly via?: number }

/** The graph as a model of the variant (the same for the one-worker search and the workers). */
export function buildGraph(a: GraphArgs): AnyModel {
  const g = graphOf(a)
  const base = graphModel(g) as unknown as AnyModel
  switch (a.variant) {
    case 'invariant':
    case 'deadlock':
      return base
    case 'transition': {
      const { invariants: _, ...rest } = base
      return {
        ...rest,
        invariants: {},
        transitionInvariants: { noBadStep: (s: unknown, _a: Action, t: unknown) => !(g.bad.has((t as S).node) && (s as S).node % 2 === 0) || 'bad step' },
      }
    }
    case 'constraint':
      return { ...base, constraint: (s: unknown) => (s as S).node % 3 !== 1 }
    case 'throws':
      // a model that breaks its contract past the first level
      return { ...base, next: (s: unknown, act: Action) => {
        if ((s as S).node === a.n - 1) throw new Error(`next cannot leave node ${(s as S).node}`)
        return base.next(s, act)
      } }
    case 'endless':
      // a counter with no end, in a state wide enough to take time: for limits
      return {
        ...base,
        init: () => [{ node: 0, pad: Array.from({ length: 64 }, (_, i) => i) }],
        actions: () => [{ type: 'go' }, { type: 'go' }],
        next: (s: unknown) => ({ ...(s as object), node: (s as S).node + 1 }),
        invariants: {},
      }
    case 'slow':
      // every state but the first takes a tenth of a millisecond to expand: a level that lasts (for interrupts)
      return {
        ...base,
        actions: (s: unknown) => {
          if ((s as S).node > 0) {
            const until = performance.now() + 0.1
            while (performance.now() < until);
          }
          return base.actions(s)
        },
      }
    case 'viewConstraint':
      return { ...buildGraph({ ...a, variant: 'view' }), constraint: (s: unknown) => (s as S).node % 3 !== 1 }
    case 'viewThrows':
      // as 'view', but at a bad node reached from an odd node the invariant throws
      return {
        ...buildGraph({ ...a, variant: 'view' }),
        invariants: {
          notBad: (s: unknown) => {
            if (!g.bad.has((s as S).node)) return true
            if ((s as S).via! % 2 !== 0) throw new Error(`bad via ${(s as S).via}`)
            return `bad via ${(s as S).via}`
          },
        },
      }
    case 'view':
    case 'hidden':
      // the node a step came from is part of the state but not of its identity: which
      // state a level keeps (the first reached) shows in the counterexample's states
      return {
        ...base,
        next: (s: unknown, act: Action) => ({ node: (act as unknown as { to: number }).to, via: (s as S).node }),
        init: () => g.init.map((node) => ({ node, via: -1 })),
        view: a.variant === 'view' ? (s: unknown) => ({ node: (s as S).node }) : hiding(['via']),
        invariants: { notBad: (s: unknown) => !g.bad.has((s as S).node) || (s as S).via! % 2 === 0 || `bad via ${(s as S).via}` },
      }
  }
}
