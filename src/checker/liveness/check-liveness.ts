/**
 * A liveness check rides on the explorer: `prepareLiveness` gives the model to explore
 * (without its symmetry reduction: a cycle of symmetry classes is not a cycle of states)
 * and the observer that records the behaviour graph; once the search has ended with every
 * safety property holding, `finish` looks for a fair lasso violating each obligation, in
 * the order the properties were named.
 */
import { InputError } from '../errors.ts'
import type { ExploreResult } from '../explorer.ts'
import type { AnyModel } from '../model.ts'
import { findLasso } from './fair-cycles.ts'
import { checkPatterns, describeFairness, fairUnits, type FairnessOptions } from './fairness.ts'
import { GraphRecorder, type NamedObligation } from './graph.ts'

export interface LivenessRequest extends FairnessOptions {
  /** Names of the model's liveness properties to check. */
  readonly properties: readonly string[]
}

export interface LivenessRun {
  /** The model the explorer runs. */
  readonly model: AnyModel
  readonly observer: GraphRecorder
  finish(r: ExploreResult): ExploreResult
}

/**
 * The obligations of the named properties; `NAME[LABEL]` names one obligation of a
 * `forEach` property (`waiterAcquires[vCPU 1]`).
 */
export function livenessObligations(model: AnyModel, names: readonly string[]): NamedObligation[] {
  const known = Object.keys(model.liveness ?? {})
  return names.flatMap((full) => {
    const m = /^(.*)\[(.*)\]$/.exec(full)
    const name = m ? m[1]! : full
    const prop = model.liveness?.[name]
    if (prop === undefined) {
      throw new InputError(`model ${model.name} has no liveness property '${name}' in this configuration (known: ${known.join(', ') || 'none'})`)
    }
    const chosen = m ? prop.obligations.filter((o) => o.label === m[2]) : prop.obligations
    if (chosen.length === 0) {
      const labels = prop.obligations.map((o) => o.label ?? '(unlabelled)').join(', ')
      throw new InputError(`liveness property ${name} has no obligation '${m![2]}' (known: ${labels})`)
    }
    return chosen.map((obligation) => ({ property: name, obligation }))
  })
}

export function prepareLiveness(model: AnyModel, req: LivenessRequest): LivenessRun {
  const obligations = livenessObligations(model, req.properties)
  const concrete = model.symmetry === undefined ? model : withoutSymmetry(model)
  const observer = new GraphRecorder(concrete, obligations)
  return {
    model: concrete,
    observer,
    finish(r) {
      const stats = { ...r.stats, bytesPerState: r.stats.bytesPerState + (r.stats.distinct > 0 ? observer.bytes / r.stats.distinct : 0) }
      if (r.verdict !== 'holds') return { ...r, stats }
      const { graph, pq } = observer.graph()
      checkPatterns(req.fair, graph.units)
      const isFair = fairUnits(req.fair)
      const fair = Uint8Array.from(graph.units, (u) => (isFair(u) ? 1 : 0))
      for (let j = 0; j < obligations.length; j++) {
        const lasso = findLasso(graph, pq[j]!, { kind: req.kind, fair })
        if (lasso === undefined) continue
        const { property, obligation } = obligations[j]!
        const who = obligation.label !== undefined ? `${obligation.label}: ` : ''
        const last = lasso.path.length - 1
        const what = obligation.p === undefined ? 'Q never holds' : `P holds at state ${lasso.pending} and Q never holds from there on`
        const cycle =
          lasso.closing === undefined ? `state ${lasso.loop} has no enabled action and repeats forever` : `states ${lasso.loop}..${last} repeat forever`
        const message = `${who}${what}: ${cycle} (${describeFairness(req)})`
        return {
          verdict: 'violated',
          violation: {
            property,
            kind: 'liveness',
            message,
            path: lasso.path,
            loop: lasso.loop,
            ...(lasso.closing !== undefined ? { closing: lasso.closing } : {}),
          },
          stats,
        }
      }
      return { ...r, stats }
    },
  }
}

function withoutSymmetry(model: AnyModel): AnyModel {
  const { symmetry: _symmetry, ...concrete } = model
  return concrete
}
