/**
 * One model-checking run: build the model from its factory, explore, and on a violation
 * rebuild the counterexample and render it as an ITF trace.
 */
import { InputError, ModelError } from './errors.ts'
import { explore, exploreAsync, type ExploreOptions, type ExploreResult } from './explorer.ts'
import { toItf, type Json, type TraceMeta } from './itf.ts'
import { prepareLiveness, type LivenessRequest } from './liveness/check-liveness.ts'
import { lassoItf } from './liveness/lasso-trace.ts'
import type { AnyModel, ModelFactory, Params } from './model.ts'
import { exploreParallel, parallelizable } from './parallel/explore-parallel.ts'
import type { ModelSource } from './parallel/source.ts'
import { paramsToJson } from './params.ts'
import { rebuildTrace, type Trace } from './trace.ts'
import { TOOL_VERSION } from './version.ts'

export interface CheckRequest extends ExploreOptions {
  readonly factory: ModelFactory
  readonly params: Params
  readonly mutations: ReadonlySet<string>
  /** Recorded in the trace so that `replay` can load a user model again. */
  readonly modelFile?: string
  /** Liveness properties to check as well, under this fairness (see `liveness/`). */
  readonly liveness?: LivenessRequest
  /**
   * Worker threads for the search (default 1); with more, a breadth-first search runs in
   * parallel (`parallel/`) where it can, and needs `source` to build the model in each.
   */
  readonly workers?: number
  readonly source?: ModelSource
}

export interface CheckOutcome {
  readonly model: AnyModel
  readonly result: ExploreResult
  readonly trace?: Trace
  readonly itf?: Json
  /** A trace to the largest value of each measure, by measure name. */
  readonly witnesses: Readonly<Record<string, Json>>
}

export function runCheck(req: CheckRequest): CheckOutcome {
  const model = createModel(req)
  if (!req.liveness) return outcomeOf(req, model, explore(model, req))
  const live = prepareLiveness(model, req.liveness)
  return outcomeOf(req, model, live.finish(explore(live.model, { ...req, observer: live.observer })))
}

/** `runCheck` in slices: SIGINT/SIGTERM handlers (which set `req.interrupted`) run while it searches. */
export async function runCheckAsync(req: CheckRequest): Promise<CheckOutcome> {
  const model = createModel(req)
  if (!req.liveness) {
    const parallel = (req.workers ?? 1) > 1 && req.source !== undefined && parallelizable(model, req)
    return outcomeOf(req, model, parallel ? await exploreParallel(model, req.source!, req.workers!, req) : await exploreAsync(model, req))
  }
  const live = prepareLiveness(model, req.liveness)
  return outcomeOf(req, model, live.finish(await exploreAsync(live.model, { ...req, observer: live.observer })))
}

function createModel(req: CheckRequest): AnyModel {
  let model: AnyModel
  try {
    model = req.factory.create(req.params, req.mutations)
  } catch (e) {
    throw new ModelError(`model ${req.factory.name} cannot be built with these parameters: ${(e as Error).message.split('\n')[0]}`)
  }
  for (const p of req.properties ?? []) {
    if (!(p in model.invariants) && !(p in (model.transitionInvariants ?? {}))) {
      const known = [...Object.keys(model.invariants), ...Object.keys(model.transitionInvariants ?? {})].join(', ')
      throw new InputError(`model ${model.name} has no property '${p}' in this configuration (known: ${known})`)
    }
  }
  return model
}

function outcomeOf(req: CheckRequest, model: AnyModel, result: ExploreResult): CheckOutcome {
  const base: TraceMeta = {
    model: req.factory.name,
    ...(req.modelFile !== undefined ? { modelFile: req.modelFile } : {}),
    params: paramsToJson(req.params),
    mutations: [...req.mutations],
    toolVersion: TOOL_VERSION,
  }
  const describe = model.describe?.bind(model)
  const witnesses: Record<string, Json> = {}
  for (const m of result.stats.measures) {
    if (m.path.length === 0) continue
    const t = rebuildTrace(model, m.path)
    witnesses[m.name] = toItf({ ...base, measure: { name: m.name, value: m.max } }, t.states, t.actions, describe)
  }
  if (result.verdict !== 'violated') return { model, result, witnesses }
  const v = result.violation
  const trace = rebuildTrace(model, v.path)
  const meta: TraceMeta = { ...base, property: v.property, propertyKind: v.kind, message: v.message }
  if (v.loop !== undefined) return { model, result, trace, itf: lassoItf(model, meta, trace, v, req.liveness!), witnesses }
  return { model, result, trace, itf: toItf(meta, trace.states, trace.actions, describe), witnesses }
}
