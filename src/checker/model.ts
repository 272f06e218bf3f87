/**
 * The Model API: a model is a value, not a class hierarchy (in the spirit of
 * Stateright's `Model` trait and a TLA+ spec's Init/Next/invariants).
 *
 * States are immutable plain data: numbers (integers), booleans, strings, arrays,
 * plain objects, `Map`s and `Set`s. Reducers produce them with immer, so unchanged
 * subtrees are shared between a state and its successor.
 */

import type { StepMessages } from './messages.ts'
import type { Liveness } from './temporal.ts'

/** `true` when the property holds, otherwise a human sentence saying why it fails. */
export type Check = true | string

export interface Action {
  readonly type: string
}

export interface Model<S, A extends Action = Action> {
  readonly name: string
  /** Initial states. */
  init(): readonly S[]
  /** Enabled actions in a deterministic order (the order is part of a trace). */
  actions(s: S): readonly A[]
  /** Pure reducer: no I/O, no clock, no randomness. */
  next(s: S, a: A): S
  /** Safety properties checked at every reachable state. */
  readonly invariants: Readonly<Record<string, (s: S) => Check>>
  /**
   * Safety properties of a step (TLA+'s [][A]_v): checked on every transition taken,
   * including those that lead to a state already seen. One declared with two parameters,
   * `(s, a)`, reads no next state: the explorer checks it before it takes the step; when
   * none reads the next state, the last step needs no copy of `s` (one decode a state fewer).
   */
  readonly transitionInvariants?: Readonly<Record<string, (s: S, a: A, t: S) => Check>>
  /**
   * Liveness properties (`leadsTo`, `eventually`, `forEach` of `temporal.ts`), checked only
   * when asked for (`--liveness NAME`), under the fairness the user chooses.
   */
  readonly liveness?: Readonly<Record<string, Liveness<S>>>
  /** Quantities whose largest reachable value is reported, with a trace reaching it. */
  readonly measures?: Readonly<Record<string, (s: S) => number>>
  /** `false`: the state is kept (and checked) but not expanded. */
  constraint?(s: S): boolean
  /** A proper end state: no enabled action here is not a deadlock. */
  terminal?(s: S): boolean
  /** Canonical representative of the state's symmetry class. */
  symmetry?(s: S): S
  /** What is fingerprinted (default: the state itself). */
  view?(s: S): unknown
  /** Who takes the action (kernel, vCPU, thread): for reports. */
  actor?(a: A): string
  /**
   * The fairness units an action counts for (default: its actor). `--fair` names units;
   * a unit is enabled where one of its actions is, and takes a step with any of them.
   * E.g. a host scheduler's "run vCPUs {0, 2}" counts for `host runs vCPU 0` and
   * `host runs vCPU 2`, so that a fair host runs every vCPU again and again.
   */
  fairness?(a: A): readonly string[]
  /** One human line per action. */
  describe?(a: A): string
  /**
   * The messages step `a` from `s` to `t` sends and delivers, for the sequence chart of
   * `rkcheck view` (see `src/checker/messages.ts`); nothing else reads them.
   */
  messages?(s: S, a: A, t: S): StepMessages
  /** Every action type the model can produce: types that never fire are flagged. */
  readonly actionTypes?: readonly string[]
}

/** A model's rules: everything but its properties (assembled with them in `src/registry`). */
export type ModelRules<S, A extends Action = Action> = Omit<Model<S, A>, 'invariants' | 'transitionInvariants' | 'measures' | 'liveness'>

/** A model whose state and action types have been forgotten: what the engine handles. */
export type AnyModel = Model<any, any>

export type ParamValue = number | boolean | string

/** `Infinity` stands for an unbounded integer (`-p tau=inf`). */
export type ParamSpec =
  | {
      readonly name: string
      readonly kind: 'int'
      readonly default: number
      readonly min: number
      readonly max: number
      readonly allowInf?: boolean
      readonly doc: string
    }
  | { readonly name: string; readonly kind: 'bool'; readonly default: boolean; readonly doc: string }
  | {
      readonly name: string
      readonly kind: 'enum'
      readonly values: readonly string[]
      readonly default: string
      readonly doc: string
    }

export interface MutationSpec {
  readonly name: string
  readonly doc: string
}

export type Params = Readonly<Record<string, ParamValue>>

/** What a model file or the registry exports: typed parameters and mutations in, a `Model` out. */
export interface ModelFactory {
  readonly name: string
  readonly doc: string
  readonly params: readonly ParamSpec[]
  readonly mutations: readonly MutationSpec[]
  create(params: Params, mutations: ReadonlySet<string>): AnyModel
}

/** Helper that keeps a factory's types while erasing them for the registry. */
export function defineModel<P extends Params>(f: {
  name: string
  doc: string
  params: readonly ParamSpec[]
  mutations: readonly MutationSpec[]
  create(params: P, mutations: ReadonlySet<string>): Model<any, any>
}): ModelFactory {
  return f as unknown as ModelFactory
}
