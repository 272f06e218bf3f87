/**
 * Shrinking a violating trace, whatever made it (random simulation, a DFS, a hand-written
 * file), while every step stays enabled and the same property fails. Two shrinkers take
 * turns until neither shortens the trace (`minimizeTrace`):
 *
 * - fast-check, on the trace's choices (the index of each action among those enabled): it
 *   drops and lowers choices, so the steps after a dropped one may become other actions
 *   (`shrinkChoices`);
 * - structural passes on the recorded actions, each matched by value among the enabled
 *   actions (as `replay` matches them), repeated until none changes the trace
 *   (`shrinkSteps`). In a candidate, a recorded step that is not enabled as recorded takes
 *   the enabled action of the same type and actor that differs from it in one field at
 *   most (a message whose timestamp moved), or is dropped (the delivery of a message whose
 *   sending was removed): (1) drop every step of one actor (`model.actor(a)`), actor by actor;
 *   (2) drop blocks of consecutive steps, halving the block size down to single steps;
 *   (3) swap adjacent independent steps of different actors (both orders enabled, the
 *   same state after the pair) so that each actor's steps come together, in the order in
 *   which the actors first act, which lets (2) take a whole tail of one actor's steps.
 *   Each pass makes the trace shorter or moves an earlier-ranked actor's step ahead of a
 *   later-ranked one's, so the loop ends.
 *
 * - shortcuts (`shortcutSteps`), when neither of those shortens the trace any more;
 * - then one step moved later in the trace, past steps it depends on (`moveSteps`): a
 *   second task that faults on a page before the first one has installed it reads it after
 *   the install instead, a hit, and the steps of its own fault are dropped.
 *
 * Every step of a candidate is enabled where it is taken, and a candidate is cut at the
 * first state where the property fails. Deterministic: no randomness, the same trace in
 * gives the same trace out.
 */
import { enabledActions } from './contract.ts'
import { deepEqual } from './equal.ts'
import type { PropertyKind } from './explorer.ts'
import type { Action, AnyModel } from './model.ts'
import fc from 'fast-check'
import { choiceSequences } from './fast-check.ts'
import { fingerprintHex } from './fingerprint.ts'
import { cachedInitialStates, nextState, PropertyChecks, walkChoices, type RunViolation } from './walk.ts'

export interface ShrinkTarget {
  readonly property: string
  readonly kind: PropertyKind
}

/** A trace that violates the target property at its last state (for a step property: on its last step). */
export interface ViolatingTrace {
  readonly states: readonly unknown[]
  readonly actions: readonly Action[]
  /** The choices it takes: [index in init(), index in actions(s0), ...] (as `Violation.path`). */
  readonly path: readonly number[]
  readonly violation: RunViolation
}

export interface ShrinkResult extends ViolatingTrace {
  /** Candidates re-executed. */
  readonly attempts: number
}

/**
 * Re-executes `actions` from initial state `init` (an index in the model's canonical
 * initial states), matching each by value. Returns the trace cut at the first violation of
 * the target, or null when a step is not enabled (with `skipDisabled`: such a step is left
 * out), a state outside the constraint would be expanded, or the target never fails.
 */
export function violatingPrefix(
  model: AnyModel,
  init: number,
  actions: readonly Action[],
  checks: PropertyChecks,
  skipDisabled = false,
): ViolatingTrace | null {
  let s = cachedInitialStates(model)[init]
  if (s === undefined) return null
  const states: unknown[] = [s]
  const taken: Action[] = []
  const path = [init]
  const v0 = checks.state(s, 'at state 0')
  if (v0) return { states, actions: taken, path, violation: v0 }
  for (let k = 0; k < actions.length; k++) {
    const where = `at state ${taken.length}`
    if (model.constraint && !model.constraint(s)) return null
    const enabled = enabledActions(model, s, where)
    let i = enabled.findIndex((x) => deepEqual(x, actions[k]))
    if (i < 0 && skipDisabled) i = closestAction(model, enabled, actions[k]!)
    if (i < 0 && skipDisabled) continue
    if (i < 0) return null
    const a = enabled[i]!
    const t = nextState(model, s, a, where)
    states.push(t)
    taken.push(a)
    path.push(i)
    const v = checks.step(s, a, t, where) ?? checks.state(t, `at state ${taken.length}`)
    if (v) return { states, actions: taken, path, violation: v }
    s = t
  }
  if (!checks.deadlock || (model.constraint && !model.constraint(s)) || enabledActions(model, s, `at state ${taken.length}`).length > 0) {
    return null
  }
  const stuck = checks.stuck(s)
  return stuck ? { states, actions: taken, path, violation: stuck } : null
}

/**
 * In a candidate, a recorded step that is not enabled as it was recorded: the enabled action
 * of the same type and actor that differs from it in one field at most (a message whose
 * timestamp moved because an earlier request was removed), or -1.
 */
function closestAction(model: AnyModel, enabled: readonly Action[], recorded: Action): number {
  const want = recorded as unknown as Record<string, unknown>
  const keys = Object.keys(want)
  const actor = model.actor?.(recorded)
  let best = -1
  let bestScore = keys.length - 2
  enabled.forEach((a, i) => {
    if (a.type !== recorded.type || (actor !== undefined && model.actor!(a) !== actor)) return
    const got = a as unknown as Record<string, unknown>
    if (Object.keys(got).length !== keys.length) return
    const score = keys.filter((k) => deepEqual(got[k], want[k])).length
    if (score > bestScore) {
      best = i
      bestScore = score
    }
  })
  return best
}

/**
 * The structural passes (see above) on a trace that violates `target`, until none changes it.
 * Returns the trace itself when nothing shortens it.
 */
export function shrinkSteps(model: AnyModel, trace: ViolatingTrace, target: ShrinkTarget): ShrinkResult {
  const checks = PropertyChecks.only(model, target.property, target.kind)
  const init = trace.path[0] ?? 0
  let attempts = 0
  const attempt = (as: readonly Action[]): ViolatingTrace | null => {
    attempts++
    return violatingPrefix(model, init, as, checks, true)
  }
  let cur = trace
  const actorOf = model.actor ? (a: Action): string => String(model.actor!(a)) : undefined
  const rank = new Map<string, number>()
  if (actorOf) for (const a of cur.actions) if (!rank.has(actorOf(a))) rank.set(actorOf(a), rank.size)

  const accept = (cand: ViolatingTrace | null): boolean => {
    if (cand === null || cand.actions.length > cur.actions.length) return false
    cur = cand
    return true
  }

  for (let changed = true; changed; ) {
    changed = false
    if (actorOf) {
      for (const actor of [...new Set(cur.actions.map(actorOf))]) {
        if (accept(attempt(cur.actions.filter((a) => actorOf(a) !== actor)))) changed = true
      }
    }
    for (let size = highestPowerOfTwo(cur.actions.length); size >= 1; size >>= 1) {
      let i = cur.actions.length - size
      while (i >= 0) {
        const as = cur.actions
        if (accept(attempt([...as.slice(0, i), ...as.slice(i + size)]))) {
          changed = true
          i = Math.min(i, cur.actions.length)
        }
        i -= size
      }
    }
    if (actorOf && reorder()) changed = true
  }
  return { ...cur, attempts }

  /**
   * One bubble pass of swaps toward actor order. A swap is kept when the two steps are
   * independent (the same state after the pair), or when the swapped trace is shorter.
   */
  function reorder(): boolean {
    let kept = false
    for (let i = 0; i + 1 < cur.actions.length; i++) {
      const x = cur.actions[i]!
      const y = cur.actions[i + 1]!
      if (rank.get(actorOf!(y))! >= rank.get(actorOf!(x))!) continue
      const as = [...cur.actions]
      as[i] = y
      as[i + 1] = x
      const cand = attempt(as)
      if (cand === null) continue
      const independent = cand.states.length > i + 2 && deepEqual(cand.states[i + 2], cur.states[i + 2])
      if ((independent || cand.actions.length < cur.actions.length) && accept(cand)) kept = true
    }
    return kept
  }
}

function highestPowerOfTwo(n: number): number {
  let p = 1
  while (p * 2 <= n) p *= 2
  return n === 0 ? 0 : p
}

/**
 * fast-check's shrinking of a violating trace's choices while the same property fails:
 * the trace's own choices are the one example, fast-check shrinks it (no random runs).
 */
export function shrinkChoices(model: AnyModel, trace: ViolatingTrace, target: ShrinkTarget): ViolatingTrace {
  const only = PropertyChecks.only(model, target.property, target.kind)
  let walks = 0
  const fails = (choices: readonly number[]): ViolatingTrace | null => {
    // past the cap, every candidate passes: fast-check stops where it is
    if (++walks > CHOICE_WALKS) return null
    const w = walkChoices(model, choices, only)
    return w.violation ? { states: w.states, actions: w.actions, path: w.path, violation: w.violation } : null
  }
  const details = fc.check(
    fc.property(choiceSequences(trace.path.length - 1), (choices) => fails(choices) === null),
    { numRuns: 1, examples: [[[...trace.path]]] },
  )
  const found = details.failed ? details.counterexample?.[0] : undefined
  walks = 0
  const best = found === undefined ? null : fails(found)
  return best !== null && best.actions.length <= trace.actions.length ? best : trace
}

/** Runs walked by one round of fast-check's shrinking, at most. */
const CHOICE_WALKS = 3000

export interface Minimized extends ShrinkResult {
  /** Steps after the first round of fast-check's shrinking. */
  readonly afterFastCheck: number
}

/**
 * Shortcuts: from each state of the trace, a breadth-first search of a few hundred
 * distinct states (`total` shared among the states of the trace) (the paths of a few steps from there); a path that reaches a later state
 * of the trace in fewer steps replaces the steps in between, a path on which the property
 * fails ends the trace there. States are compared by their 64-bit fingerprint, and a
 * shortcut is kept only if the trace re-executes with it.
 */
export function shortcutSteps(model: AnyModel, trace: ViolatingTrace, target: ShrinkTarget, total = SHORTCUT_BUDGET): ShrinkResult {
  const budget = Math.max(SHORTCUT_MIN, Math.floor(total / Math.max(1, trace.actions.length)))
  const checks = PropertyChecks.only(model, target.property, target.kind)
  const init = trace.path[0] ?? 0
  let attempts = 0
  let cur = trace
  const tryTrace = (as: readonly Action[]): boolean => {
    attempts++
    const cand = violatingPrefix(model, init, as, checks, true)
    if (cand === null || cand.actions.length >= cur.actions.length) return false
    cur = cand
    return true
  }
  for (let i = 0; i < cur.actions.length; i++) {
    const later = new Map<string, number>()
    for (let j = i + 2; j < cur.states.length; j++) later.set(fingerprintHex(cur.states[j]), j)
    // the search tree: state, parent node, action from the parent, depth
    const nodes: { s: unknown; parent: number; a?: Action; depth: number }[] = [{ s: cur.states[i], parent: -1, depth: 0 }]
    const seen = new Set([fingerprintHex(cur.states[i])])
    const pathTo = (n: number): Action[] => {
      const out: Action[] = []
      for (let k = n; nodes[k]!.parent >= 0; k = nodes[k]!.parent) out.push(nodes[k]!.a!)
      return out.reverse()
    }
    search: for (let n = 0; n < nodes.length && nodes.length < budget; n++) {
      const { s, depth } = nodes[n]!
      // a path must end before the trace does to be shorter
      if (i + depth + 1 >= cur.actions.length || (model.constraint && !model.constraint(s))) continue
      for (const a of enabledActions(model, s, `at state ${i}`)) {
        const t = nextState(model, s, a, `at state ${i}`)
        const prefix = cur.actions.slice(0, i)
        // a step property fails on a step, whatever state it leads to (often one seen already)
        if (checks.step(s, a, t, `at state ${i}`)) {
          if (tryTrace([...prefix, ...pathTo(n), a])) break search
          continue
        }
        const fp = fingerprintHex(t)
        if (seen.has(fp)) continue
        seen.add(fp)
        nodes.push({ s: t, parent: n, a, depth: depth + 1 })
        const via = pathTo(nodes.length - 1)
        if (checks.state(t, `at state ${i}`)) {
          if (tryTrace([...prefix, ...via])) break search
          continue
        }
        const j = later.get(fp)
        if (j !== undefined && j > i + depth + 1 && tryTrace([...prefix, ...via, ...cur.actions.slice(j)])) break search
      }
    }
  }
  return { ...cur, attempts }
}

/** Distinct states searched for shortcuts, over all the states of a trace, and at least from each. */
export const SHORTCUT_BUDGET = 20_000
const SHORTCUT_MIN = 200

/**
 * One step moved later in the trace (from the first step on, to each later position in
 * turn); the first candidate that is shorter (the steps it disables dropped, as in the
 * structural passes) is kept. At most `MOVE_CANDIDATES` candidates (every move of a trace of
 * 100 steps). Returns the trace itself when no move shortens it.
 */
export function moveSteps(model: AnyModel, trace: ViolatingTrace, target: ShrinkTarget): ShrinkResult {
  const checks = PropertyChecks.only(model, target.property, target.kind)
  const init = trace.path[0] ?? 0
  const n = trace.actions.length
  let attempts = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n && attempts < MOVE_CANDIDATES; j++) {
      const as = [...trace.actions.slice(0, i), ...trace.actions.slice(i + 1, j + 1), trace.actions[i]!, ...trace.actions.slice(j + 1)]
      attempts++
      const cand = violatingPrefix(model, init, as, checks, true)
      if (cand !== null && cand.actions.length < n) return { ...cand, attempts }
    }
  }
  return { ...trace, attempts }
}

const MOVE_CANDIDATES = 5_000

/**
 * fast-check's shrinking and the structural passes in turns; when a round of both shortens
 * nothing, the shortcuts, then a step moved later; until none of them shortens the trace.
 */
export function minimizeTrace(model: AnyModel, trace: ViolatingTrace, target: ShrinkTarget): Minimized {
  let cur = trace
  let attempts = 0
  let afterFastCheck: number | undefined
  for (;;) {
    const byChoices = shrinkChoices(model, cur, target)
    afterFastCheck ??= byChoices.actions.length
    const bySteps = shrinkSteps(model, byChoices, target)
    attempts += bySteps.attempts
    if (bySteps.actions.length < cur.actions.length) {
      cur = bySteps
      continue
    }
    const byShortcuts = shortcutSteps(model, bySteps, target)
    attempts += byShortcuts.attempts
    cur = byShortcuts
    if (byShortcuts.actions.length < bySteps.actions.length) continue
    const moved = moveSteps(model, byShortcuts, target)
    attempts += moved.attempts
    if (moved.actions.length === byShortcuts.actions.length) break
    cur = moved
  }
  return { ...cur, attempts, afterFastCheck }
}
