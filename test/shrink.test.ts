/**
 * The structural passes of shrinking (`shrinkSteps`), each on a small model built so that
 * only that pass can shorten the trace: swapping independent steps of different actors so
 * that a block of one actor's steps comes together and can be dropped; a recorded step that
 * an earlier removal changed taken as the enabled action that differs from it in one field;
 * and, when they all stall, one step moved later past a step it depends on (`moveSteps`).
 */
import { describe, expect, test } from 'vitest'
import type { Action, AnyModel } from '../src/checker/model.ts'
import { moveSteps, shrinkSteps, violatingPrefix, type ViolatingTrace } from '../src/checker/shrink.ts'
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

interface Fault {
  readonly installed: boolean
  readonly stage: number
}
type FaultStep = Action & { readonly type: 'install' | 'read' | 'fetch'; readonly actor: 'A' | 'B' }

/**
 * A installs a page; B reads it: a hit once it is installed, otherwise a fault that B
 * resolves by fetching a copy of its own. The invariant fails once the page is installed and
 * B has read it: after a fault in three steps (read, install, fetch), after a hit in two.
 */
const fault: AnyModel = {
  name: 'fault',
  init: () => [{ installed: false, stage: 0 }],
  actions: (s: Fault): FaultStep[] => [
    ...(s.installed ? [] : [{ type: 'install', actor: 'A' } as const]),
    ...(s.stage === 0 ? [{ type: 'read', actor: 'B' } as const] : s.stage === 1 ? [{ type: 'fetch', actor: 'B' } as const] : []),
  ],
  next: (s: Fault, a: FaultStep): Fault =>
    a.type === 'install' ? { ...s, installed: true } : a.type === 'read' ? { ...s, stage: s.installed ? 2 : 1 } : { ...s, stage: 2 },
  invariants: { notRead: (s: Fault) => !(s.installed && s.stage === 2) || 'B has read the installed page' },
  actor: (a: FaultStep) => a.actor,
} as AnyModel

function violating(model: AnyModel, property: string, actions: readonly Action[]): ViolatingTrace {
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

  test('a step moved later, past a step it depends on, when no other pass shortens the trace', () => {
    const read = { type: 'read', actor: 'B' }
    const install = { type: 'install', actor: 'A' }
    const trace = violating(fault, 'notRead', [read, install, { type: 'fetch', actor: 'B' }])
    const target = { property: 'notRead', kind: 'invariant' } as const
    expect(shrinkSteps(fault, trace, target).actions).toHaveLength(3)
    // B's read after A's install is a hit: the fetch is no longer enabled and goes
    expect(moveSteps(fault, trace, target).actions).toEqual([install, read])
  })
})
