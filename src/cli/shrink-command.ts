/**
 * `rkcheck shrink TRACE [--out FILE]`: minimize a violating trace (from `simulate`, a DFS,
 * or written by hand) while every step stays enabled and the same property fails. Exit 0
 * when the shrunk trace is written, 1 when the trace does not reproduce its violation, 2 on
 * bad input, which includes a lasso (a liveness counterexample: deleting steps does not keep
 * its cycle closed and fair, and `check` already gives it a shortest prefix).
 */
import { resolve } from 'node:path'
import pc from 'picocolors'
import { deepEqual } from '../checker/equal.ts'
import { InputError } from '../checker/errors.ts'
import { assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { stateVars, toItf, type TraceMeta } from '../checker/itf.ts'
import type { Action } from '../checker/model.ts'
import { buildModelForTrace, replayTrace } from '../checker/replay.ts'
import { minimizeTrace, violatingPrefix } from '../checker/shrink.ts'
import { TOOL_VERSION } from '../checker/version.ts'
import { cachedInitialStates, PropertyChecks } from '../checker/walk.ts'
import { secs } from './format.ts'
import { printCounterexample } from './counterexample.ts'
import { readTrace, traceModel } from './trace-input.ts'

export interface ShrinkCliOptions {
  readonly out?: string
  readonly modelFile?: string
}

/** `traces/x.itf.json` -> `traces/x.shrunk.itf.json`. */
export function defaultShrinkPath(trace: string): string {
  return `${trace.replace(/\.itf\.json$|\.json$/, '')}.shrunk.itf.json`
}

export async function shrinkCommand(file: string, o: ShrinkCliOptions): Promise<number> {
  const out = o.out ?? defaultShrinkPath(file)
  if (resolve(out) === resolve(file)) throw new InputError(`--out ${out} would overwrite the trace`)
  assertWritableFile(out, '--out')
  const { trace } = readTrace(file)
  const { property, propertyKind } = trace.meta
  if (trace.loop !== undefined || propertyKind === 'liveness') {
    const of = property !== undefined ? ` of ${property}` : ''
    throw new InputError(`${file} is a lasso (a liveness counterexample${of}): lasso traces cannot be shrunk, only safety counterexamples can`)
  }
  if (property === undefined || trace.meta.measure !== undefined) {
    throw new InputError(`${file} records no violated property: there is nothing to shrink`)
  }
  const factory = await traceModel(trace, file, o.modelFile)
  const replay = replayTrace(factory, trace)
  if (!replay.ok) {
    console.log(`${file}: ${pc.red(replay.message)}`)
    return 1
  }
  const model = buildModelForTrace(factory, trace)
  const init = cachedInitialStates(model).findIndex((s) => deepEqual(stateVars(s), trace.steps[0]!.state))
  const actions = trace.steps.slice(1).map((s) => s.action as Action)
  const kind = propertyKind ?? (property === 'deadlock' ? 'deadlock' : property in model.invariants ? 'invariant' : 'transition')
  const target = { property, kind }
  const start = Date.now()
  const recorded = violatingPrefix(model, init, actions, PropertyChecks.only(model, property, kind))
  if (recorded === null) {
    console.log(`${file}: ${pc.red(`${property} does not fail along the trace re-executed from its first state`)}`)
    return 1
  }
  const r = minimizeTrace(model, recorded, target)
  const meta: TraceMeta = {
    ...trace.meta,
    propertyKind: kind,
    message: r.violation.message,
    originalLength: trace.meta.originalLength ?? actions.length,
    shrunkLength: r.actions.length,
    toolVersion: TOOL_VERSION,
  }
  writeFileAtomic(out, JSON.stringify(toItf(meta, r.states, r.actions, model.describe?.bind(model)), null, 1) + '\n')
  printCounterexample(model, r)
  console.log(
    `Shrunk ${file}: ${actions.length} steps -> ${pc.bold(String(r.actions.length))} steps, ${property} still fails: ${r.violation.message}` +
      ` (${r.attempts} candidates, ${secs((Date.now() - start) / 1000)} s)`,
  )
  console.log(`Trace written to ${out}`)
  return 0
}
