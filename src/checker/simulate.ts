/**
 * Random simulation driven by fast-check: `runs` random runs of up to `depth` steps drawn
 * from `seed` (a run is a sequence of choices, see `walk.ts`), every property checked at
 * every step. The same seed gives the same runs.
 *
 * A violation is shrunk deterministically, as `rkcheck shrink` shrinks a trace
 * (`shrink.ts`): fast-check on the choices of the failing run (fewer, smaller choices while
 * the same property fails), then the structural passes (whole actors, blocks of steps,
 * reordered independent steps), in turns until neither shortens it; then shortcuts and a
 * step moved later (`minimizeTrace`).
 */
import fc from 'fast-check'
import type { ActionCoverage } from './explorer.ts'
import { choiceSequences } from './fast-check.ts'
import { fingerprint, fpA, fpB } from './fingerprint.ts'
import { memoryExhausted } from './memory.ts'
import type { Action, AnyModel } from './model.ts'
import { minimizeTrace, type ViolatingTrace } from './shrink.ts'
import { FingerprintSet } from './visited.ts'
import { PropertyChecks, walkChoices, type CheckOptions, type RunViolation, type Walk } from './walk.ts'

export interface SimulateOptions extends CheckOptions {
  readonly runs: number
  readonly depth: number
  readonly seed: number
  readonly timeLimitSec?: number
  /** Resident memory (bytes) at which the runs stop (verdict limit, memory); default none. */
  readonly memoryLimitBytes?: number
  /** Polled between runs: true ends the simulation (SIGINT) with verdict `limit`. */
  readonly interrupted?: () => boolean
  readonly onProgress?: (s: SimulationStats) => void
  readonly progressEveryMs?: number
}

export interface SimulationStats {
  /** Runs completed (the failing run included). */
  runs: number
  /** Steps taken over all runs. */
  steps: number
  /** Distinct states seen (64-bit fingerprints of the model's view of a state). */
  distinct: number
  elapsedSec: number
  stepsPerSec: number
  coverage: ActionCoverage[]
}

export interface SimulationViolation extends RunViolation {
  /** 1-based number of the run that failed. */
  readonly run: number
  /** The failing run, cut at the violation. */
  readonly original: ViolatingTrace
  /** Steps after the first round of fast-check's shrinking of its choices. */
  readonly afterFastCheck: number
  /** After fast-check's and the structural shrinking (`shrink.ts`): what is written out. */
  readonly shrunk: ViolatingTrace
  readonly shrinkSec: number
}

export type SimulationResult =
  | { readonly verdict: 'holds'; readonly stats: SimulationStats }
  | { readonly verdict: 'violated'; readonly violation: SimulationViolation; readonly stats: SimulationStats }
  | { readonly verdict: 'limit'; readonly limit: SimulationLimit; readonly detail?: string; readonly stats: SimulationStats }

export type SimulationLimit = 'time-limit' | 'interrupted' | 'memory'

/** How often the simulation lets the event loop run (signal handlers). */
const YIELD_EVERY_MS = 100

class Stop {
  constructor(
    readonly limit: SimulationLimit,
    readonly detail?: string,
  ) {}
}

export async function simulate(model: AnyModel, o: SimulateOptions): Promise<SimulationResult> {
  const checks = new PropertyChecks(model, o)
  const start = Date.now()
  const deadline = o.timeLimitSec === undefined ? Infinity : start + o.timeLimitSec * 1000
  const progressEvery = o.progressEveryMs ?? 2000
  let nextReport = start + progressEvery

  const visited = new FingerprintSet()
  const view = model.view?.bind(model)
  const symmetry = model.symmetry?.bind(model)
  const viewOf = (s: unknown): unknown => (view ? view(symmetry ? symmetry(s) : s) : symmetry ? symmetry(s) : s)
  const coverage = new Map<string, { fired: number; distinct: number }>()
  for (const t of model.actionTypes ?? []) coverage.set(t, { fired: 0, distinct: 0 })
  let runs = 0
  let steps = 0
  const onState = (s: unknown, a: Action | undefined): void => {
    fingerprint(viewOf(s))
    const fresh = visited.add(fpA(), fpB())
    if (a === undefined) return
    steps++
    let c = coverage.get(a.type)
    if (c === undefined) coverage.set(a.type, (c = { fired: 0, distinct: 0 }))
    c.fired++
    if (fresh) c.distinct++
  }
  const stats = (): SimulationStats => {
    const elapsedSec = (Date.now() - start) / 1000
    return {
      runs,
      steps,
      distinct: visited.size,
      elapsedSec,
      stepsPerSec: elapsedSec > 0 ? steps / elapsedSec : steps,
      coverage: [...coverage].map(([type, c]) => ({ type, ...c })),
    }
  }

  let failing: Walk | undefined
  let nextYield = start + YIELD_EVERY_MS
  const property = fc.asyncProperty(choiceSequences(o.depth), async (choices) => {
    const now = Date.now()
    if (now >= nextYield) {
      // let signal handlers run (they set `interrupted`)
      await new Promise<void>((resolve) => setImmediate(resolve))
      nextYield = Date.now() + YIELD_EVERY_MS
      const memory = o.memoryLimitBytes === undefined ? undefined : memoryExhausted(o.memoryLimitBytes)
      if (memory !== undefined) throw new Stop('memory', memory === 'heap' ? 'the JavaScript heap is nearly full' : 'resident memory reached the cap')
    }
    if (now >= deadline) throw new Stop('time-limit')
    if (o.interrupted?.()) throw new Stop('interrupted')
    if (o.onProgress && now >= nextReport) {
      nextReport = now + progressEvery
      o.onProgress(stats())
    }
    runs++
    const w = walkChoices(model, choices, checks, onState)
    if (w.violation === undefined) return true
    failing = w
    return false
  })
  const details = await fc.check(property, { seed: o.seed, numRuns: o.runs, endOnFailure: true })
  if (details.failed && failing === undefined) {
    const e = details.errorInstance
    if (e instanceof Stop) return { verdict: 'limit', limit: e.limit, ...(e.detail ? { detail: e.detail } : {}), stats: stats() }
    throw e instanceof Error ? e : new Error(String(e))
  }
  if (failing === undefined) return { verdict: 'holds', stats: stats() }
  const simulated = stats()
  const shrinkStart = Date.now()
  const v = failing.violation!
  const original: ViolatingTrace = { states: failing.states, actions: failing.actions, path: failing.path, violation: v }
  const shrunk = minimizeTrace(model, original, v)
  const violation: SimulationViolation = {
    ...shrunk.violation,
    run: runs,
    original,
    afterFastCheck: shrunk.afterFastCheck,
    shrunk,
    shrinkSec: (Date.now() - shrinkStart) / 1000,
  }
  return { verdict: 'violated', violation, stats: simulated }
}
