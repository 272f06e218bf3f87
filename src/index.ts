/**
 * rkcheck's public API, for users' own model files and tests:
 *
 * ```ts
 * import { defineModel, reducer, type Model } from 'rkcheck'
 * ```
 *
 * A model file's default export is a factory made with `defineModel`, a plain function
 * `(params, mutations) => Model`, or a `Model`.
 */
export { defineModel } from './checker/model.ts'
export type {
  Action,
  AnyModel,
  Check,
  Model,
  ModelFactory,
  ModelRules,
  MutationSpec,
  Params,
  ParamSpec,
  ParamValue,
} from './checker/model.ts'
export { reducer, type Recipe, type Reducer } from './checker/reducer.ts'
export { hiding, type FieldPath, type HidingView } from './checker/hidden.ts'
export { eventually, forEach, leadsTo, type Liveness, type LivenessObligation } from './checker/temporal.ts'
export { ids, permuteBits, permuteIndices, scalarset, symmetry, type Rename, type Scalarset } from './checker/symmetry.ts'
export { canonicalize, compareValues } from './checker/canonical.ts'
export { explore, exploreAsync } from './checker/explorer.ts'
export type { ExploreOptions, ExploreResult, ExploreStats, Violation } from './checker/explorer.ts'
export { runCheck, type CheckOutcome, type CheckRequest } from './checker/check.ts'
export { rebuildTrace, type Trace } from './checker/trace.ts'
export { parseItf, toItf } from './checker/itf.ts'
export { replayTrace } from './checker/replay.ts'
export { checkRun, describeRun, PropertyFailure, runs, type Run, type RunsOptions } from './checker/fast-check.ts'
export type { CheckOptions } from './checker/walk.ts'
export { fifoChannelMessages, type MessageDelivered, type MessageSent, type StepMessages } from './checker/messages.ts'
