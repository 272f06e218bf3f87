/** Printing a counterexample and the coverage per action type (`check`, `simulate`, `shrink`). */
import pc from 'picocolors'
import type { ActionCoverage } from '../checker/explorer.ts'
import type { Action, AnyModel } from '../checker/model.ts'
import type { Trace } from '../checker/trace.ts'
import { int, table } from './format.ts'

/**
 * Every step of a trace: the action, then the state it leads to. A lasso (liveness) marks
 * the states of its cycle and ends with the step back to the cycle's first state.
 */
export function printCounterexample(model: AnyModel, t: Trace, lasso?: { readonly loop: number; readonly closing?: Action | undefined }): void {
  const describe = (a: Action): string => model.describe?.(a) ?? JSON.stringify(a)
  console.log(lasso ? `Counterexample (a lasso: states ${lasso.loop}..${t.states.length - 1} repeat forever):` : 'Counterexample:')
  t.states.forEach((s, i) => {
    const head = i === 0 ? 'initial state' : describe(t.actions[i - 1]!)
    const mark = lasso === undefined ? ' ' : i === lasso.loop ? pc.cyan('↻') : i > lasso.loop ? pc.cyan('│') : ' '
    console.log(` ${mark}${String(i).padStart(3)}: ${head}`)
    console.log(`       ${JSON.stringify(s, replacer)}`)
  })
  if (lasso) {
    const back = lasso.closing ? `${describe(lasso.closing)}, back to state ${lasso.loop}` : `no action is enabled: state ${lasso.loop} repeats forever`
    console.log(` ${pc.cyan('└')}   : ${back}`)
  }
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [typeof k === 'string' ? k : JSON.stringify(k), x]))
  if (v instanceof Set) return [...v]
  return v
}

/** How often each action type fired and reached a new state; a type that never fired is flagged. */
export function printCoverage(coverage: readonly ActionCoverage[]): void {
  console.log('Coverage:')
  console.log(
    table(
      ['action', 'fired', 'new states', ''],
      coverage.map((c) => [c.type, int(c.fired), int(c.distinct), c.fired === 0 ? pc.yellow('never fired') : '']),
    ),
  )
}
