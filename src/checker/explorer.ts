/**
 * The explicit-state explorer: breadth-first (shortest counterexample) or depth-first.
 *
 * Visited states are 64-bit fingerprints in a `FingerprintSet`; per state only the
 * predecessor id and action index are kept (`StateLog`). States themselves live only in
 * the frontier. A counterexample is rebuilt by re-executing the recorded action indices
 * from the initial state (`rebuildTrace`).
 *
 * Checked at every new state: every invariant, the state constraint (a state outside it
 * is checked but not expanded); at every expanded state: deadlock (no enabled action and
 * not `terminal`). Reaching `maxStates`, `maxDepth` or `timeLimitSec` before a verdict is
 * the verdict `limit`, never a proof.
 */
import type { Action, AnyModel } from './model.ts'
import { compileCodec, encodedBuffer, encodedLength, type Codec } from './codec.ts'
import { fingerprint, fingerprintWords, fpA, fpB } from './fingerprint.ts'
import { ObjectFrontier, VectorFrontier, type Frontier } from './frontier.ts'
import type { Reducer } from './reducer.ts'
import { FingerprintSet } from './visited.ts'
import { NO_PARENT, StateLog } from './state-log.ts'

export type Strategy = 'bfs' | 'dfs'

export interface ExploreOptions {
  readonly strategy?: Strategy
  readonly maxStates?: number
  readonly maxDepth?: number
  readonly timeLimitSec?: number
  /** Report a state with no enabled action that is not `terminal` (default true). */
  readonly checkDeadlock?: boolean
  /** Called about every `progressEveryMs` with the running statistics. */
  readonly onProgress?: (s: ExploreStats) => void
  readonly progressEveryMs?: number
  /**
   * How the frontier holds states: `vectors` (default) as encoded state vectors, decoded
   * to expand (a reducer's immer recipe then edits the decoded copy directly), or
   * `objects` as the immutable states `next` returns (structural fingerprints).
   */
  readonly representation?: 'vectors' | 'objects'
  /** Check only these properties (state or step); default: all of the model's. */
  readonly properties?: readonly string[]
}

export interface ActionCoverage {
  readonly type: string
  /** Transitions taken by this action type. */
  readonly fired: number
  /** Of those, how many reached a state not seen before. */
  readonly distinct: number
}

export interface ExploreStats {
  distinct: number
  generated: number
  /** Largest depth of a discovered state (initial states are depth 0). */
  diameter: number
  queue: number
  elapsedSec: number
  statesPerSec: number
  /** Bytes of the visited set and the trace log, per distinct state (frontier excluded). */
  bytesPerState: number
  peakRssBytes: number
  /** TLC's optimistic estimate: distinct * (generated - distinct) / 2^64. */
  collisionProbability: number
  coverage: ActionCoverage[]
  /** Largest value of each of the model's measures over the states reached. */
  measures: MeasureResult[]
}

export interface MeasureResult {
  readonly name: string
  readonly max: number
  /** Action indices to a state with that value (as in `Violation.path`). */
  readonly path: readonly number[]
}

export type PropertyKind = 'invariant' | 'transition' | 'deadlock'

export interface Violation {
  readonly property: string
  readonly kind: PropertyKind
  readonly message: string
  /** Action indices: [index in init(), index in actions(s0), ...]. */
  readonly path: readonly number[]
}

export type LimitKind = 'max-states' | 'max-depth' | 'time-limit'

export type ExploreResult =
  | { readonly verdict: 'holds'; readonly stats: ExploreStats }
  | { readonly verdict: 'violated'; readonly violation: Violation; readonly stats: ExploreStats }
  | { readonly verdict: 'limit'; readonly limit: LimitKind; readonly stats: ExploreStats }

class Found {
  constructor(
    readonly property: string,
    readonly kind: PropertyKind,
    readonly message: string,
    readonly id: number,
    /** For a transition property: the index of the action taken from state `id`. */
    readonly action?: number,
  ) {}
}

class Stop {
  constructor(readonly limit: LimitKind) {}
}

export function explore(model: AnyModel, opts: ExploreOptions = {}): ExploreResult {
  const strategy = opts.strategy ?? 'bfs'
  const maxStates = opts.maxStates ?? Infinity
  const maxDepth = opts.maxDepth ?? Infinity
  const deadline = opts.timeLimitSec === undefined ? Infinity : Date.now() + opts.timeLimitSec * 1000
  const checkDeadlock = opts.checkDeadlock ?? true
  const progressEvery = opts.progressEveryMs ?? 2000
  const onProgress = opts.onProgress

  const visited = new FingerprintSet()
  const log = new StateLog()
  const only = opts.properties === undefined ? undefined : new Set(opts.properties)
  const chosen = <F>(r: Readonly<Record<string, F>> | undefined): [string, F][] =>
    Object.entries(r ?? {}).filter(([name]) => only === undefined || only.has(name))
  const invariants = chosen(model.invariants)
  const transitionInvariants = chosen(model.transitionInvariants)
  const measures = Object.entries(model.measures ?? {})
  const measureMax = measures.map(() => -Infinity)
  const measureId = measures.map(() => -1)
  const constraint = model.constraint?.bind(model)
  const terminal = model.terminal?.bind(model)
  const symmetry = model.symmetry?.bind(model)
  const view = model.view?.bind(model)

  const typeIndex = new Map<string, number>()
  const typeNames: string[] = []
  let fired = new Float64Array(16)
  let fresh = new Float64Array(16)
  for (const t of model.actionTypes ?? []) indexOfType(t)
  function indexOfType(t: string): number {
    let i = typeIndex.get(t)
    if (i === undefined) {
      i = typeNames.length
      typeIndex.set(t, i)
      typeNames.push(t)
      if (i === fired.length) {
        const f = new Float64Array(i * 2)
        f.set(fired)
        fired = f
        const g = new Float64Array(i * 2)
        g.set(fresh)
        fresh = g
      }
    }
    return i
  }

  const start = Date.now()
  let generated = 0
  let diameter = 0
  let peakRss = process.memoryUsage().rss
  let nextReport = start + progressEvery
  let queueSize = 0

  function stats(): ExploreStats {
    const elapsedSec = (Date.now() - start) / 1000
    const distinct = log.size
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    return {
      distinct,
      generated,
      diameter,
      queue: queueSize,
      elapsedSec,
      statesPerSec: elapsedSec > 0 ? distinct / elapsedSec : distinct,
      bytesPerState: distinct > 0 ? (visited.bytes + log.bytes) / distinct : 0,
      peakRssBytes: peakRss,
      collisionProbability: (distinct * Math.max(0, generated - distinct)) / 2 ** 64,
      coverage: typeNames.map((type, i) => ({ type, fired: fired[i]!, distinct: fresh[i]! })),
      measures: measures.map(([name], i) => ({
        name,
        max: measureMax[i]!,
        path: measureId[i]! >= 0 ? log.path(measureId[i]!) : [],
      })),
    }
  }

  // What is fingerprinted: the state vector of view(symmetry(s)), or of s itself, in
  // which case the same words go into the frontier. The codecs are compiled for the
  // shapes of the initial states, then once more for the first SAMPLES states reached
  // (queues and channels are often empty at first); encodings are canonical, so the
  // switch changes speed only.
  const SAMPLES = 512
  const samples: unknown[] = [...model.init()]
  const viewOf = (s: unknown): unknown => (view ? view(symmetry ? symmetry(s) : s) : symmetry ? symmetry(s) : s)
  let codec: Codec = compileCodec(samples.map(viewOf))
  let stateCodec: Codec = view || symmetry ? compileCodec(samples) : codec
  let learning = true
  function learnShape(s: unknown): void {
    samples.push(s)
    if (samples.length < SAMPLES) return
    const separate = stateCodec !== codec
    codec = compileCodec(samples.map(viewOf))
    stateCodec = separate ? compileCodec(samples) : codec
    learning = false
    samples.length = 0
  }
  const recipe = (model.next as Partial<Reducer<unknown, Action>>).recipe
  const lifo = strategy === 'dfs'
  const vectors = opts.representation !== 'objects'
  const vf = new VectorFrontier(lifo)
  const of = new ObjectFrontier(lifo)
  const frontier: Frontier = vectors ? vf : of

  /** Registers a state; returns its id, or -1 when already visited. */
  function discover(s: unknown, parent: number, action: number): number {
    if (vectors) {
      if (learning) learnShape(s)
      codec.encode(viewOf(s))
      fingerprintWords(encodedBuffer(), encodedLength())
    } else {
      fingerprint(viewOf(s))
    }
    if (!visited.add(fpA(), fpB())) return -1
    const id = log.push(parent, action)
    if (id >= maxStates) throw new Stop('max-states')
    for (let i = 0; i < measures.length; i++) {
      const v = measures[i]![1](s)
      if (v > measureMax[i]!) {
        measureMax[i] = v
        measureId[i] = id
      }
    }
    for (let i = 0; i < invariants.length; i++) {
      const [name, inv] = invariants[i]!
      const r = inv(s)
      if (r !== true) throw new Found(name, 'invariant', r, id)
    }
    return id
  }

  function enqueue(s: unknown, id: number, depth: number): void {
    if (constraint && !constraint(s)) return
    if (!vectors) return of.push(s, id, depth)
    if (stateCodec !== codec) stateCodec.encode(s)
    vf.push(encodedBuffer(), encodedLength(), id, depth)
  }

  function tick(): void {
    const now = Date.now()
    if (now >= deadline) throw new Stop('time-limit')
    if (onProgress && now >= nextReport) {
      nextReport = now + progressEvery
      onProgress(stats())
    }
  }

  let cutByDepth = false

  try {
    model.init().forEach((s, i) => {
      const id = discover(s, NO_PARENT, i)
      if (id >= 0) enqueue(s, id, 0)
    })
    let expanded = 0
    while (frontier.take()) {
      queueSize = frontier.size
      const id = frontier.id
      const depth = frontier.depth
      const s = vectors ? stateCodec.decode(vf.current, 0) : of.state
      if ((++expanded & 1023) === 0) tick()

      const acts: readonly Action[] = model.actions(s)
      if (acts.length === 0) {
        if (checkDeadlock && !(terminal && terminal(s))) {
          throw new Found('deadlock', 'deadlock', 'no action is enabled and the state is not terminal', id)
        }
        continue
      }
      if (depth >= maxDepth) {
        cutByDepth = true
        continue
      }
      const last = acts.length - 1
      for (let i = 0; i <= last; i++) {
        const a = acts[i]!
        let t: unknown
        if (vectors && recipe) {
          // the recipe edits a private copy: the decoded state itself for the last action,
          // unless a transition property still needs to read it
          t = i === last && transitionInvariants.length === 0 ? s : stateCodec.decode(vf.current, 0)
          recipe(t, a)
        } else {
          t = model.next(s, a)
        }
        generated++
        for (let j = 0; j < transitionInvariants.length; j++) {
          const [name, inv] = transitionInvariants[j]!
          const r = inv(s, a, t)
          if (r !== true) throw new Found(name, 'transition', r, id, i)
        }
        let ti = typeIndex.get(a.type)
        if (ti === undefined) ti = indexOfType(a.type)
        fired[ti]!++
        const tid = discover(t, id, i)
        if (tid < 0) continue
        fresh[ti]!++
        if (depth + 1 > diameter) diameter = depth + 1
        enqueue(t, tid, depth + 1)
      }
    }
  } catch (e) {
    if (e instanceof Found) {
      const path = log.path(e.id)
      if (e.action !== undefined) path.push(e.action)
      const violation = { property: e.property, kind: e.kind, message: e.message, path }
      return { verdict: 'violated', violation, stats: stats() }
    }
    if (e instanceof Stop) return { verdict: 'limit', limit: e.limit, stats: stats() }
    throw e
  }
  queueSize = 0
  if (cutByDepth) return { verdict: 'limit', limit: 'max-depth', stats: stats() }
  return { verdict: 'holds', stats: stats() }
}
