/**
 * The structural passes of shrinking (`shrinkSteps`), each on a small model built so that
 * only that pass can shorten the trace: swapping independent steps of different actors so
 * that a block of one actor's steps comes together and can be dropped; a recorded step that
 * an earlier removal changed taken as the enabled action that differs from it in one field.
 */
import { describe, expect, test } from 'vitest'
import type { Action, AnyModel } from '../src/checker/model.ts'
import { shrinkSteps, violatingPrefix, type ViolatingTrace } from '../src/checker/shrink.ts'
import { PropertyChecks } from '../src/checker/walk.ts'

interface TwoActors {
  readonly flag: boolean
  readonly bit: number
  readonly stage: number
}
type Step = Action & { readonly type: 'raise' | 'toggle' | 'read' | 'finish'; readonly actor: 'A' | 'B'; readonly seen?: number }

/**
 * Actor A raises a flag once and toggles a bit at will; actor B reads the bit, then
 * finishes. With `recordsRead`, B's read carries the value it read (a field of the action,
 * as a message carries a timestamp). notAll fails once A's flag is raised, B has finished
 * and the bit is clear; notBoth once A's flag is raised and B has finished.
 */
function twoActors(recordsRead: boolean): AnyModel {
  return {
    name: 'twoActors',
    init: () => [{ flag: false, bit: 0, stage: 0 }],
    actions: (s: TwoActors): Step[] => [
      ...(s.flag ? [] : [{ type: 'raise', actor: 'A' } as const]),
      { type: 'toggle', actor: 'A' },
      ...(s.stage === 0 ? [{ type: 'read', actor: 'B', ...(recordsRead ? { seen: s.bit } : {}) } as const] : []),
      ...(s.stage === 1 ? [{ type: 'finish', actor: 'B' } as const] : []),
    ],
    next: (s: TwoActors, a: Step): TwoActors =>
      a.type === 'raise' ? { ...s, flag: true } : a.type === 'toggle' ? { ...s, bit: 1 - s.bit } : { ...s, stage: s.stage + 1 },
    invariants: {
      notAll: (s: TwoActors) => !(s.flag && s.stage === 2 && s.bit === 0) || 'A raised its flag, B finished, the bit is clear',
      notBoth: (s: TwoActors) => !(s.flag && s.stage === 2) || 'A raised its flag and B finished',
    },
    actor: (a: Step) => a.actor,
  } as AnyModel
}

const step = (type: Step['type'], seen?: number): Step => ({ type, actor: type === 'read' || type === 'finish' ? 'B' : 'A', ...(seen === undefined ? {} : { seen }) })

function violating(model: AnyModel, property: string, actions: readonly Step[]): ViolatingTrace {
  const trace = violatingPrefix(model, 0, actions, PropertyChecks.only(model, property, 'invariant'))
  expect(trace?.actions).toHaveLength(actions.length)
  return trace!
}

describe('structural shrinking', () => {
  test('independent steps of two actors are swapped so that a block of one actor can go', () => {
    // the two toggles cancel out, but B's read lies between them: no single step, no aligned
    // block and no whole actor can be dropped until B's read moves after the second toggle
    const model = twoActors(false)
    const trace = violating(model, 'notAll', [step('raise'), step('toggle'), step('read'), step('toggle'), step('finish')])
    const r = shrinkSteps(model, trace, { property: 'notAll', kind: 'invariant' })
    expect(r.actions).toEqual([step('raise'), step('read'), step('finish')])
    expect(r.violation.property).toBe('notAll')
  })

  test('a recorded step no longer enabled as recorded takes the enabled action of its type and actor that differs in one field', () => {
    // without the toggle, B reads 0 instead of 1: only by taking read(seen 0) for the recorded read(seen 1) can the toggle go
    const model = twoActors(true)
    const trace = violating(model, 'notBoth', [step('toggle'), step('raise'), step('read', 1), step('finish')])
    const r = shrinkSteps(model, trace, { property: 'notBoth', kind: 'invariant' })
    expect(r.actions).toEqual([step('raise'), step('read', 0), step('finish')])
  })
})
