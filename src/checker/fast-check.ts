/**
 * fast-check for models: an arbitrary of valid runs of a model and a check of the model's
 * properties along a run, for users' own property tests:
 *
 * ```ts
 * import { test } from '@fast-check/vitest'
 * import { checkRun, runs } from 'rkcheck'
 * test.prop([runs(model, { depth: 30 })])('keeps its invariants', (run) => checkRun(model, run))
 * ```
 *
 * A run is a sequence of choices (see `walk.ts`): the first picks the initial state, each
 * next one the action taken among those enabled, modulo their number. Runs are generated
 * at full depth and shrunk by fast-check as arrays of choices (shorter, smaller), so a
 * failing test reports a short run, step by step.
 */
import fc from 'fast-check'
import { ModelError } from './errors.ts'
import type { Action, AnyModel, Model } from './model.ts'
import { actionLabel } from './contract.ts'
import { PropertyChecks, walkChoices, type CheckOptions, type RunEnd } from './walk.ts'

/** Choices are drawn below this bound: uniform enough modulo any realistic number of enabled actions. */
const CHOICE_BOUND = 0xffff

/**
 * Choice sequences for runs of up to `depth` steps (`depth + 1` choices): generated at
 * full length, without bias (uniform random walks), and shrunk as any shorter array of
 * smaller choices.
 */
class ChoiceSequences extends fc.Arbitrary<number[]> {
  private readonly full: fc.Arbitrary<number[]>
  private readonly any: fc.Arbitrary<number[]>

  constructor(depth: number) {
    super()
    this.full = fc.noBias(fc.array(fc.nat({ max: CHOICE_BOUND }), { minLength: depth + 1, maxLength: depth + 1 }))
    this.any = fc.array(fc.nat({ max: CHOICE_BOUND }), { maxLength: depth + 1 })
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<number[]> {
    return new fc.Value(this.full.generate(mrng, biasFactor).value, undefined)
  }

  canShrinkWithoutContext(value: unknown): value is number[] {
    return this.any.canShrinkWithoutContext(value)
  }

  shrink(value: number[], context: unknown): fc.Stream<fc.Value<number[]>> {
    return this.any.shrink(value, context)
  }
}

/** Choice sequences of runs of up to `depth` steps (what `runs` and `rkcheck simulate` draw). */
export function choiceSequences(depth: number): fc.Arbitrary<number[]> {
  if (!Number.isSafeInteger(depth) || depth < 0) throw new RangeError(`depth must be a non-negative integer, got ${depth}`)
  return new ChoiceSequences(depth)
}

/** One run of a model: the states it goes through and the actions it takes. */
export interface Run<S = unknown, A extends Action = Action> {
  readonly states: readonly S[]
  /** `actions[k]` leads from `states[k]` to `states[k + 1]`. */
  readonly actions: readonly A[]
  /** The index of each choice among the initial states, then among the enabled actions. */
  readonly path: readonly number[]
  /** Why the run stopped; `error`: the model broke its contract at the next step (see `error`). */
  readonly end: Exclude<RunEnd, 'violated'> | 'error'
  readonly error?: Error
}

export interface RunsOptions {
  /** Most steps in a run (default 30). */
  readonly depth?: number
}

/** An arbitrary of valid runs of `model`: every action taken is enabled in the state it is taken in. */
export function runs<S, A extends Action>(model: Model<S, A>, o: RunsOptions = {}): fc.Arbitrary<Run<S, A>> {
  return choiceSequences(o.depth ?? 30).map((choices) => runOf(model as AnyModel, choices) as Run<S, A>)
}

function runOf(model: AnyModel, choices: readonly number[]): Run {
  const states: unknown[] = []
  const actions: Action[] = []
  const path: number[] = []
  let run: Pick<Run, 'end' | 'error'>
  try {
    run = { end: walkChoices(model, choices, undefined, (s, a, i) => {
      states.push(s)
      path.push(i)
      if (a) actions.push(a)
    }).end as Run['end'] }
  } catch (e) {
    if (!(e instanceof ModelError) || states.length === 0) throw e
    run = { end: 'error', error: e }
  }
  const text = (): string => describeRun(model, { states, actions, path, ...run })
  return Object.assign({ states, actions, path, ...run }, { toString: text, [fc.toStringMethod]: text })
}

const RUN_ENDS: Partial<Record<Run['end'], string>> = {
  depth: 'the run is cut at its last choice',
  terminal: 'a terminal state',
  deadlock: 'no action is enabled',
  constraint: 'a state outside the constraint',
}

/** A run as fast-check prints a counterexample: one line per step. */
export function describeRun(model: AnyModel, run: Run): string {
  const steps = run.actions.map((a, k) => `  ${k + 1}: ${actionLabel(model, a)}`)
  return [`run of ${run.actions.length} steps from initial state #${run.path[0] ?? 0}:`, ...steps, `  (then ${RUN_ENDS[run.end] ?? run.error?.message})`].join('\n')
}

/** A property of the model fails along a run (thrown by `checkRun`). */
export class PropertyFailure extends Error {
  override readonly name = 'PropertyFailure'
}

/**
 * Checks the model's properties along a run, as the explorer checks them: every invariant
 * at every state, every step property on every step, and a deadlock at the end of a run
 * that stopped in a state with no enabled action. Throws a `PropertyFailure` naming the
 * property, the state and why; rethrows the model's own error if the run ended in one.
 */
export function checkRun<S, A extends Action>(model: Model<S, A>, run: Run<S, A>, o: CheckOptions = {}): void {
  const m = model as AnyModel
  const checks = new PropertyChecks(m, o)
  const fail = (k: number, v: { property: string; message: string }): never => {
    const step = k === 0 ? 'the initial state' : `state ${k}, after ${actionLabel(m, run.actions[k - 1]!)}`
    throw new PropertyFailure(`${v.property} fails at ${step}: ${v.message}`)
  }
  const v0 = checks.state(run.states[0], 'at state 0')
  if (v0) fail(0, v0)
  for (let k = 1; k < run.states.length; k++) {
    const v = checks.step(run.states[k - 1], run.actions[k - 1]!, run.states[k], `at state ${k - 1}`) ?? checks.state(run.states[k], `at state ${k}`)
    if (v) fail(k, v)
  }
  const last = run.states.length - 1
  const stuck = run.end === 'deadlock' ? checks.stuck(run.states[last]) : null
  if (stuck) fail(last, stuck)
  if (run.error) throw run.error
}
