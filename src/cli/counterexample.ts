/** Printing a counterexample and the coverage per action type (`check`, `simulate`, `shrink`). */
import pc from 'picocolors'
import type { ActionCoverage } from '../checker/explorer.ts'
import type { AnyModel } from '../checker/model.ts'
import type { Trace } from '../checker/trace.ts'
import { int, table } from './format.ts'

/** Every step of a trace: the action, then the state it leads to. */
export function printCounterexample(model: AnyModel, t: Trace): void {
  const describe = (a: (typeof t.actions)[number]): string => model.describe?.(a) ?? JSON.stringify(a)
  console.log('Counterexample:')
  t.states.forEach((s, i) => {
    const head = i === 0 ? 'initial state' : describe(t.actions[i - 1]!)
    console.log(`  ${String(i).padStart(3)}: ${head}`)
    console.log(`       ${JSON.stringify(s, replacer)}`)
  })
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
