/**
 * Calling a model through its contract: every path that runs a model step by step
 * (rebuilding a trace, replay, simulation, the timed executor) goes through these, so that
 *
 * - `actions()` always sees the canonical form of a state (`canonical.ts`): an action index
 *   means the same action wherever a trace is re-executed;
 * - a model that breaks its contract (no initial state, `actions()` not an array, an action
 *   without a string `type`, a function that throws, a value outside the domain of states)
 *   is one line naming the function, the action and the state, never a verdict.
 *
 * The explorer checks the same contract on its own hot path (see `explorer.ts`) and reports
 * it with the same `ModelError` messages.
 */
import { canonicalize, describeDomainViolation, DomainError } from './canonical.ts'
import { ModelError } from './errors.ts'
import type { Action, AnyModel } from './model.ts'

/** A short label of an action for error messages: `deliver({"from":0,"to":1})`. */
export function actionLabel(model: AnyModel, a: Action): string {
  if (model.describe) {
    try {
      return model.describe(a)
    } catch {
      // fall through to the generic form
    }
  }
  try {
    const { type, ...rest } = a as unknown as Record<string, unknown>
    const fields = JSON.stringify(rest)
    return `${String(type)}(${fields === '{}' ? '' : fields})`
  } catch {
    return String((a as { type?: unknown })?.type)
  }
}

const where = (state: string): string => (state === '' ? '' : ` ${state}`)

function thrown(fn: string, e: unknown, state: string, action?: string): ModelError {
  if (e instanceof ModelError) return e
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e)
  return new ModelError(`${fn} threw${action ? ` on action ${action}` : ''}${where(state)}: ${msg}`)
}

/** The canonical form of a state a model returned, or a `ModelError` saying where it left the domain. */
export function canonicalState(v: unknown, after: string): unknown {
  try {
    return canonicalize(v)
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    const d = describeDomainViolation(v) ?? 'the state holds a value outside the domain of states'
    throw new ModelError(`${d} ${after}`)
  }
}

/** `init()`, checked and canonical. */
export function initialStates(model: AnyModel): unknown[] {
  let states: unknown
  try {
    states = model.init()
  } catch (e) {
    throw thrown('init()', e, '')
  }
  if (!Array.isArray(states)) throw new ModelError(`init() returned ${kind(states)}, not an array of states`)
  if (states.length === 0) throw new ModelError('init() returned no initial state')
  return states.map((s, i) => canonicalState(s, `in initial state ${i}`))
}

/** `actions(s)` of a canonical state, checked. `state` names the state in messages ("at state 3"). */
export function enabledActions(model: AnyModel, s: unknown, state = ''): readonly Action[] {
  let acts: unknown
  try {
    acts = model.actions(s)
  } catch (e) {
    throw thrown('actions()', e, state)
  }
  checkActions(acts, state)
  return acts as readonly Action[]
}

/** Throws a `ModelError` unless `acts` is an array of actions with string types. */
export function checkActions(acts: unknown, state: string): void {
  if (!Array.isArray(acts)) throw new ModelError(`actions() returned ${kind(acts)}, not an array${where(state)}`)
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i] as { type?: unknown } | null
    if (typeof a !== 'object' || a === null || typeof a.type !== 'string') {
      throw new ModelError(`actions() returned an action without a string type (#${i}: ${short(a)})${where(state)}`)
    }
  }
}

/** `next(s, a)`, canonical, with the domain checked. */
export function successor(model: AnyModel, s: unknown, a: Action, state = ''): unknown {
  let t: unknown
  try {
    t = model.next(s, a)
  } catch (e) {
    throw thrown('next()', e, state, actionLabel(model, a))
  }
  return canonicalState(t, `after action ${actionLabel(model, a)}${where(state)}`)
}

/** Runs a property, turning an exception into a `ModelError` naming it. */
export function runProperty<R>(name: string, f: () => R, state: string): R {
  try {
    return f()
  } catch (e) {
    throw thrown(`property ${name}`, e, state)
  }
}

function kind(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'object' ? 'an object' : `${typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`}`
}

function short(v: unknown): string {
  try {
    const s = JSON.stringify(v)
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s
  } catch {
    return String(v)
  }
}
