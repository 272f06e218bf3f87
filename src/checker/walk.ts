/**
 * One run of a model, step by step, as random simulation and the fast-check API take it:
 * a run is a sequence of choices, `choices[0]` picks the initial state and `choices[k]`
 * the action of step k among those enabled (modulo their number), so that fast-check's
 * shrinking of the choices (fewer, smaller) applies to runs directly.
 *
 * Every step goes through the model's contract (`contract.ts`): `actions()` sees the
 * canonical state, so the index of an action means what it means in the explorer, in a
 * rebuilt trace and in a replay. The properties are checked as the explorer checks them:
 * every invariant at every state, every step property on every step taken, and a deadlock
 * (no enabled action, not `terminal`) at every state that is expanded; a state outside
 * the model's `constraint` is checked but not expanded, and ends the run.
 */
import { actionLabel, canonicalState, enabledActions, initialStates, runProperty, successor } from './contract.ts'
import { InputError } from './errors.ts'
import type { PropertyKind } from './explorer.ts'
import type { Action, AnyModel, Check } from './model.ts'
import type { Reducer } from './reducer.ts'

/** A property that fails at the last state of a run (for `transition`: on its last step). */
export interface RunViolation {
  readonly property: string
  readonly kind: PropertyKind
  readonly message: string
}

/** Which properties a run checks. */
export interface CheckOptions {
  /** Only these properties (state or step properties); default: all of the model's. */
  readonly properties?: readonly string[]
  /** Report a state with no enabled action that is not `terminal` (default true). */
  readonly deadlock?: boolean
}

/** The properties of a model that a run checks, ready to call. */
export class PropertyChecks {
  private readonly invariants: [string, (s: unknown) => Check][]
  private readonly transitions: [string, (s: unknown, a: Action, t: unknown) => Check][]
  readonly deadlock: boolean

  constructor(
    private readonly model: AnyModel,
    o: CheckOptions = {},
  ) {
    const only = o.properties === undefined ? undefined : new Set(o.properties)
    for (const p of only ?? []) {
      if (!(p in model.invariants) && !(p in (model.transitionInvariants ?? {}))) {
        const known = [...Object.keys(model.invariants), ...Object.keys(model.transitionInvariants ?? {})].join(', ')
        throw new InputError(`model ${model.name} has no property '${p}' in this configuration (known: ${known})`)
      }
    }
    const chosen = <F>(r: Readonly<Record<string, F>> | undefined): [string, F][] =>
      Object.entries(r ?? {}).filter(([name]) => only === undefined || only.has(name))
    this.invariants = chosen(model.invariants)
    this.transitions = chosen(model.transitionInvariants)
    this.deadlock = o.deadlock ?? true
  }

  /** Checks for exactly one property, as shrinking needs: the same property must keep failing. */
  static only(model: AnyModel, property: string, kind: PropertyKind): PropertyChecks {
    return kind === 'deadlock' ? new PropertyChecks(model, { properties: [] }) : new PropertyChecks(model, { properties: [property], deadlock: false })
  }

  state(s: unknown, where: string): RunViolation | null {
    for (const [name, inv] of this.invariants) {
      const r = runProperty(name, () => inv(s), where)
      if (r !== true) return { property: name, kind: 'invariant', message: r }
    }
    return null
  }

  step(s: unknown, a: Action, t: unknown, where: string): RunViolation | null {
    for (const [name, inv] of this.transitions) {
      const r = runProperty(name, () => inv(s, a, t), where)
      if (r !== true) return { property: name, kind: 'transition', message: r }
    }
    return null
  }

  /** A state in which no action is enabled. */
  stuck(s: unknown): RunViolation | null {
    if (!this.deadlock || (this.model.terminal?.(s) ?? false)) return null
    return { property: 'deadlock', kind: 'deadlock', message: 'no action is enabled and the state is not terminal' }
  }
}

/** Why a run stopped. */
export type RunEnd = 'violated' | 'depth' | 'terminal' | 'deadlock' | 'constraint'

export interface Walk {
  readonly states: readonly unknown[]
  /** `actions[k]` leads from `states[k]` to `states[k + 1]`. */
  readonly actions: readonly Action[]
  /** The choices actually taken: [index in init(), index in actions(s0), ...] (as `Violation.path`). */
  readonly path: readonly number[]
  readonly end: RunEnd
  readonly violation?: RunViolation
}

/**
 * Called for every state a run reaches, with the action that led there (undefined for the
 * initial state) and the index of the choice taken.
 */
export type OnState = (s: unknown, action: Action | undefined, index: number) => void

const initCache = new WeakMap<AnyModel, unknown[]>()

/** `initialStates(model)`, computed once per model. */
export function cachedInitialStates(model: AnyModel): unknown[] {
  let inits = initCache.get(model)
  if (inits === undefined) {
    inits = initialStates(model)
    initCache.set(model, inits)
  }
  return inits
}

/**
 * Runs the model along `choices` (at most `choices.length - 1` steps), checking `checks`
 * if given; stops at the first violation, at a state without enabled action, at a state
 * outside the constraint, or when the choices run out.
 */
export function walkChoices(model: AnyModel, choices: readonly number[], checks?: PropertyChecks, onState?: OnState): Walk {
  const inits = cachedInitialStates(model)
  const first = (choices[0] ?? 0) % inits.length
  let s = inits[first]
  const states: unknown[] = [s]
  const actions: Action[] = []
  const path: number[] = [first]
  const done = (end: RunEnd, violation?: RunViolation | null): Walk =>
    violation ? { states, actions, path, end: 'violated', violation } : { states, actions, path, end }
  onState?.(s, undefined, first)
  const v0 = checks?.state(s, 'at state 0')
  if (v0) return done('violated', v0)
  for (let k = 1; ; k++) {
    const where = `at state ${k - 1}`
    if (model.constraint && !model.constraint(s)) return done('constraint')
    const enabled = enabledActions(model, s, where)
    if (enabled.length === 0) {
      const terminal = model.terminal?.(s) ?? false
      return done(terminal ? 'terminal' : 'deadlock', checks?.stuck(s))
    }
    if (k >= choices.length) return done('depth')
    const i = choices[k]! % enabled.length
    const a = enabled[i]!
    const t = nextState(model, s, a, where)
    states.push(t)
    actions.push(a)
    path.push(i)
    onState?.(t, a, i)
    const v = checks && (checks.step(s, a, t, where) ?? checks.state(t, `at state ${k}`))
    if (v) return done('violated', v)
    s = t
  }
}

/**
 * `next(s, a)` as `successor` gives it (canonical, domain checked), faster: when `next` is
 * a reducer, its immer recipe edits a private deep copy of `s`, as the explorer applies it
 * to a decoded state, instead of an immer draft. A recipe that throws is run again through
 * `successor`, which reports the error as the contract says.
 */
export function nextState(model: AnyModel, s: unknown, a: Action, where: string): unknown {
  const recipe = (model.next as Partial<Reducer<unknown, Action>>).recipe
  if (recipe === undefined) return successor(model, s, a, where)
  const t = cloneState(s)
  try {
    recipe(t as never, a)
  } catch {
    return successor(model, s, a, where)
  }
  return canonicalState(t, `after action ${actionLabel(model, a)} ${where}`)
}

/** A deep copy of a state value (arrays, records, Maps, Sets; key and entry order kept). */
export function cloneState<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(cloneState) as T
  if (v instanceof Map) {
    const m = new Map()
    for (const [k, x] of v) m.set(cloneState(k), cloneState(x))
    return m as T
  }
  if (v instanceof Set) {
    const m = new Set()
    for (const x of v) m.add(cloneState(x))
    return m as T
  }
  const o: Record<string, unknown> = {}
  for (const k of Object.keys(v)) o[k] = cloneState((v as Record<string, unknown>)[k])
  return o as T
}
