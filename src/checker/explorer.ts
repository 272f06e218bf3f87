/**
 * The explicit-state explorer: breadth-first (shortest counterexample) or depth-first.
 *
 * Visited states are 64-bit fingerprints in a `FingerprintSet`; per state only the
 * predecessor id and action index are kept (`StateLog`). States themselves live only in
 * the frontier. A counterexample is rebuilt by re-executing the recorded action indices
 * from the initial state (`rebuildTrace`), on the same canonical states (`canonical.ts`):
 * `actions()` here always sees a state decoded from its state vector (or, with
 * `representation: 'objects'`, canonicalized), which is the form every other path sees.
 *
 * Checked at every new state: every invariant, the state constraint (a state outside it
 * is checked but not expanded); at every expanded state: deadlock (no enabled action and
 * not `terminal`). Reaching `maxStates`, `maxDepth`, `timeLimitSec`, the memory cap or an
 * interrupt before a verdict is the verdict `limit`, never a proof. A model that breaks its
 * contract (see `contract.ts`) throws a `ModelError`, never a verdict.
 *
 * A search runs in slices (`Search.run(until)`), so that `exploreAsync` can let signal
 * handlers run between them; `explore` runs one slice to the end.
 */
import type { Action, AnyModel } from './model.ts'
import { canonicalize, describeDomainViolation, DomainError } from './canonical.ts'
import { compileCodec, encodedBuffer, encodedLength, HiddenWords, reordered, type Codec } from './codec.ts'
import { actionLabel, checkActions } from './contract.ts'
import { Coverage, type ActionCoverage } from './coverage.ts'
import { ModelError } from './errors.ts'
import { fingerprint, fingerprintHidden, fingerprintWords, fpA, fpB } from './fingerprint.ts'
import { hiddenPaths, type FieldPath } from './hidden.ts'
import { chunkWordsFor, ObjectFrontier, VectorFrontier, type Frontier } from './frontier.ts'
import { defaultFrontierMemoryBytes, defaultMemoryLimitBytes, memoryExhausted } from './memory.ts'
import type { Reducer } from './reducer.ts'
import { FingerprintSet } from './visited.ts'
import { NO_PARENT, StateLog } from './state-log.ts'

export type { ActionCoverage } from './coverage.ts'

export type Strategy = 'bfs' | 'dfs'

export interface ExploreOptions {
  readonly strategy?: Strategy
  /** Explore at most this many distinct states. */
  readonly maxStates?: number
  readonly maxDepth?: number
  readonly timeLimitSec?: number
  /** Resident memory (bytes) at which the search stops; default half of the machine's memory. */
  readonly memoryLimitBytes?: number
  /**
   * Bytes of state vectors the frontier keeps in memory; past them it writes chunks to a
   * temporary folder and reads them back in turn. Default: a quarter of the memory cap.
   */
  readonly frontierMemoryBytes?: number
  /** Where the temporary folder of a spilled frontier is made (default: the system's temporary folder). */
  readonly frontierSpillParent?: string
  /** Polled between slices of work: `true` stops the search (verdict limit, interrupted). */
  readonly interrupted?: () => boolean
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
  /** Told of every state and step the search records (the liveness checker builds its graph from them). */
  readonly observer?: SearchObserver
}

/**
 * Sees the explored graph as it is discovered: `state` for each new state (its id, its
 * canonical form, its fingerprint lanes, and for an initial state its index in `init()`,
 * else -1), then `step` for every step taken, in the order of `actions(from)`, also when
 * it leads to a state seen before.
 */
export interface SearchObserver {
  state(id: number, s: unknown, fpA: number, fpB: number, initial: number): void
  step(from: number, action: Action, fpA: number, fpB: number): void
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
  /**
   * Bytes the search held at its peak, per distinct state: visited set, trace log and
   * frontier (state vectors in memory, not those spilled to disk; the objects of
   * `representation: 'objects'` are not counted).
   */
  peakBytesPerState: number
  peakRssBytes: number
  /** Bytes of frontier the search wrote to disk, deflated (0: the frontier stayed in memory). */
  frontierSpilledBytes: number
  /** The most bytes of frontier the search held on disk at once. */
  frontierDiskPeakBytes: number
  /** TLC's optimistic estimate: distinct * (generated - distinct) / 2^64. */
  collisionProbability: number
  coverage: ActionCoverage[]
  /** Largest value of each of the model's measures over the states reached. */
  measures: MeasureResult[]
  /** Worker threads that searched (1: this thread alone). */
  workers: number
}

export interface MeasureResult {
  readonly name: string
  readonly max: number
  /** Action indices to a state with that value (as in `Violation.path`). */
  readonly path: readonly number[]
}

export type PropertyKind = 'invariant' | 'transition' | 'deadlock' | 'liveness'

export interface Violation {
  readonly property: string
  readonly kind: PropertyKind
  readonly message: string
  /** Action indices: [index in init(), index in actions(s0), ...]. */
  readonly path: readonly number[]
  /**
   * A liveness violation is a lasso: the state at index `loop` of the path starts the cycle,
   * and action `closing` of the last state leads back to it (absent: the last state has no
   * enabled action and repeats forever).
   */
  readonly loop?: number
  readonly closing?: number
}

export type LimitKind = 'max-states' | 'max-depth' | 'time-limit' | 'memory' | 'interrupted'

export type ExploreResult =
  | { readonly verdict: 'holds'; readonly stats: ExploreStats }
  | { readonly verdict: 'violated'; readonly violation: Violation; readonly stats: ExploreStats }
  | { readonly verdict: 'limit'; readonly limit: LimitKind; readonly detail?: string; readonly stats: ExploreStats }

/** What a search counts, from which `statsOf` derives its statistics. */
export interface SearchCounts {
  readonly start: number
  readonly distinct: number
  readonly generated: number
  readonly diameter: number
  readonly queue: number
  /** Bytes of the visited set and the log of ids. */
  readonly heldBytes: number
  readonly peakHeldBytes: number
  readonly peakRssBytes: number
  readonly frontierSpilledBytes: number
  readonly frontierDiskPeakBytes: number
  readonly coverage: ActionCoverage[]
  readonly measures: MeasureResult[]
  readonly workers?: number
}

export function statsOf(c: SearchCounts): ExploreStats {
  const elapsedSec = (Date.now() - c.start) / 1000
  const { distinct } = c
  return {
    distinct,
    generated: c.generated,
    diameter: c.diameter,
    queue: c.queue,
    elapsedSec,
    statesPerSec: elapsedSec > 0 ? distinct / elapsedSec : distinct,
    bytesPerState: distinct > 0 ? c.heldBytes / distinct : 0,
    peakBytesPerState: distinct > 0 ? c.peakHeldBytes / distinct : 0,
    peakRssBytes: c.peakRssBytes,
    frontierSpilledBytes: c.frontierSpilledBytes,
    frontierDiskPeakBytes: c.frontierDiskPeakBytes,
    collisionProbability: (distinct * Math.max(0, c.generated - distinct)) / 2 ** 64,
    coverage: c.coverage,
    measures: c.measures,
    workers: c.workers ?? 1,
  }
}

/** Explores to the end (or to a limit) in one go. */
export function explore(model: AnyModel, opts: ExploreOptions = {}): ExploreResult {
  return new Search(model, opts).run(Infinity)!
}

/**
 * Explores in slices of about `sliceMs`, yielding to the event loop between them, so that
 * SIGINT/SIGTERM handlers (which set `interrupted`) run while the search does.
 */
export async function exploreAsync(model: AnyModel, opts: ExploreOptions = {}, sliceMs = 100): Promise<ExploreResult> {
  const search = new Search(model, opts)
  for (;;) {
    const r = search.run(Date.now() + sliceMs)
    if (r !== undefined) return r
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

/**
 * The parts of a search that a parallel search's workers replace (see `parallel/`): the
 * visited set, the log of ids, and the queue of state vectors. A one-worker search uses
 * `FingerprintSet`, `StateLog` and `VectorFrontier`.
 */
export interface SearchParts {
  readonly visited: VisitedSet
  readonly log: IdLog
  readonly queue: VectorQueue
  /**
   * Act on the invariants and the constraint of a new state later, not when it is reached (a
   * parallel search of a model with a view: the state kept for a view is the one reached
   * first in one worker's order, known only at the end of the level). The checks run when
   * the state is reached, on the state at hand, and their outcome goes to `checked`.
   */
  readonly deferStateChecks?: boolean
  /** With `deferStateChecks`: the outcome of new state `id`'s checks, and what a failed one threw (a `Found`, or the model's error). */
  readonly checked?: (id: number, outcome: Checked, failure?: Found | Error) => void
  /** The number a message gives state `id` (a worker's ids are ranks in a level). */
  readonly stateNumber?: (id: number) => number
}

/** The outcome of a new state's checks (`SearchParts.checked`). */
export const enum Checked {
  /** The constraint leaves the state out: kept, not expanded. */
  Leave = 0,
  Expand = 1,
  /** An invariant is violated, or a check threw. */
  Failed = 2,
}

export interface VisitedSet {
  /**
   * Adds the fingerprint reached from state `parent` by its action `action`, of type `type`
   * (the coverage's index; -1 for an initial state); `true`: the state is new.
   */
  add(a: number, b: number, parent: number, action: number, type: number): boolean
  readonly bytes: number
}

export interface IdLog {
  readonly size: number
  /** Records a new state; returns its id. */
  push(parent: number, action: number): number
  path(id: number): number[]
  readonly bytes: number
}

export interface VectorQueue extends Frontier {
  /** The vector of the entry `take` returned starts at `current[currentAt]`. */
  readonly current: Int32Array
  readonly currentAt: number
  push(words: Int32Array, len: number, id: number, depth: number): void
  readonly bytes: number
  readonly spilledBytes: number
  readonly peakDiskBytes: number
  readonly spillFailure: string | undefined
  dispose(): void
}

export class Found {
  constructor(
    readonly property: string,
    readonly kind: PropertyKind,
    readonly message: string,
    readonly id: number,
    /** For a transition property: the index of the action taken from state `id`. */
    readonly action?: number,
  ) {}
}

export class Stop {
  constructor(
    readonly limit: LimitKind,
    readonly detail?: string,
  ) {}
}

/** What the search is doing, for the one line that reports a model breaking its contract. */
const enum Phase {
  Engine,
  Init,
  Actions,
  Next,
  Property,
  Measure,
  Terminal,
  Constraint,
  View,
}

const PHASE_NAMES: Record<Phase, string> = {
  [Phase.Engine]: 'the explorer',
  [Phase.Init]: 'init()',
  [Phase.Actions]: 'actions()',
  [Phase.Next]: 'next()',
  [Phase.Property]: 'property',
  [Phase.Measure]: 'measure',
  [Phase.Terminal]: 'terminal()',
  [Phase.Constraint]: 'constraint()',
  [Phase.View]: 'view()/symmetry()',
}

/** The search reads the process's resident memory at most this often. */
const MEMORY_CHECK_MS = 10

/** Samples of states before the codecs are compiled once more (queues often start empty). */
const SAMPLES = 512

export class Search {
  private readonly maxStates: number
  private readonly maxDepth: number
  private readonly deadline: number
  private readonly memoryLimit: number
  private readonly checkDeadlock: boolean
  private readonly progressEvery: number

  private readonly visited: VisitedSet
  private readonly log: IdLog
  private readonly deferStateChecks: boolean
  private readonly coverage: Coverage
  private readonly invariants: [string, (s: unknown) => true | string][]
  /** The step properties that read the next state. */
  private readonly transitionInvariants: [string, (s: unknown, a: Action, t: unknown) => true | string][]
  /** The step properties declared `(s, a)`: checked before the step is taken (see model.ts). */
  private readonly beforeStep: [string, (s: unknown, a: Action) => true | string][]
  private readonly measures: [string, (s: unknown) => number][]
  private readonly measureMax: number[]
  private readonly measureId: number[]

  private readonly vectors: boolean
  private readonly recipe: ((d: unknown, a: Action) => void) | undefined
  private readonly separate: boolean
  /** The view's hidden fields (`hidden.ts`): the state is encoded once, its fingerprint skips them. */
  private readonly hidden: readonly FieldPath[] | undefined
  private readonly hiddenWords: HiddenWords
  private codec: Codec
  private stateCodec: Codec
  private samples: unknown[] = []
  private learning = true
  private readonly vf: VectorQueue
  private readonly of: ObjectFrontier
  private readonly frontier: Frontier

  private readonly start = Date.now()
  private started = false
  private done: ExploreResult | undefined
  private generated = 0
  private diameter = 0
  private expanded = 0
  private peakRss = process.memoryUsage.rss()
  private peakHeld = 0
  private nextReport: number
  private nextMemoryCheck = 0
  private cutByDepth = false

  // what the search is doing, for error messages
  private phase = Phase.Engine
  private phaseName = ''
  private curId = -1
  private curAction: Action | undefined = undefined
  /** The index of `curAction` in the state's actions (-1: none yet), and the new state being checked (-1: none). */
  private curIndex = -1
  private curEntry = -1
  /** The coverage's index of the type of the action being taken (-1: an initial state). */
  private curType = -1
  private curState: unknown = undefined
  /** The value being encoded is the view of a state (a model with a view or symmetry). */
  private encodingView = false

  constructor(
    private readonly model: AnyModel,
    private readonly opts: ExploreOptions,
    private readonly parts?: SearchParts,
  ) {
    this.maxStates = opts.maxStates ?? Infinity
    this.maxDepth = opts.maxDepth ?? Infinity
    this.deadline = opts.timeLimitSec === undefined ? Infinity : this.start + opts.timeLimitSec * 1000
    this.memoryLimit = opts.memoryLimitBytes ?? defaultMemoryLimitBytes()
    this.checkDeadlock = opts.checkDeadlock ?? true
    this.progressEvery = opts.progressEveryMs ?? 2000
    this.nextReport = this.start + this.progressEvery
    const only = opts.properties === undefined ? undefined : new Set(opts.properties)
    const chosen = <F>(r: Readonly<Record<string, F>> | undefined): [string, F][] =>
      Object.entries(r ?? {}).filter(([name]) => only === undefined || only.has(name))
    this.invariants = chosen(model.invariants)
    const steps = chosen(model.transitionInvariants)
    this.transitionInvariants = steps.filter(([, p]) => p.length !== 2)
    // a function's `length` counts its declared parameters: `(s, a)` reads no third
    this.beforeStep = steps.filter(([, p]) => p.length === 2) as [string, (s: unknown, a: Action) => true | string][]
    this.measures = Object.entries(model.measures ?? {})
    this.measureMax = this.measures.map(() => -Infinity)
    this.measureId = this.measures.map(() => -1)
    this.coverage = new Coverage(model.actionTypes ?? [])
    this.vectors = opts.representation !== 'objects'
    this.recipe = (model.next as Partial<Reducer<unknown, Action>>).recipe as ((d: unknown, a: Action) => void) | undefined
    this.hidden = model.symmetry === undefined ? hiddenPaths(model.view) : undefined
    this.hiddenWords = new HiddenWords(this.hidden?.length ?? 0)
    this.separate = (model.view !== undefined && this.hidden === undefined) || model.symmetry !== undefined
    this.codec = this.stateCodec = compileCodec([], this.hidden)
    const lifo = opts.strategy === 'dfs'
    const spillBytes = opts.frontierMemoryBytes ?? defaultFrontierMemoryBytes(this.memoryLimit)
    this.visited = parts?.visited ?? new FingerprintSet()
    this.log = parts?.log ?? new StateLog()
    this.deferStateChecks = parts?.deferStateChecks ?? false
    this.vf =
      parts?.queue ??
      new VectorFrontier(lifo, {
        spillBytes,
        chunkWords: chunkWordsFor(spillBytes),
        ...(opts.frontierSpillParent !== undefined ? { spillParent: opts.frontierSpillParent } : {}),
      })
    this.of = new ObjectFrontier(lifo)
    this.frontier = this.vectors ? this.vf : this.of
  }

  /** Works until the search ends (returns its result) or until the clock passes `until`. */
  run(until: number): ExploreResult | undefined {
    if (this.done) return this.done
    let ended = true
    try {
      if (!this.started) {
        this.started = true
        this.begin()
      }
      if (this.expand(until)) {
        ended = false
        return undefined
      }
      this.done =
        this.cutByDepth ? { verdict: 'limit', limit: 'max-depth', stats: this.stats(true) } : { verdict: 'holds', stats: this.stats(true) }
    } catch (e) {
      if (e instanceof Found) {
        const path = this.log.path(e.id)
        if (e.action !== undefined) path.push(e.action)
        const violation = { property: e.property, kind: e.kind, message: e.message, path }
        this.done = { verdict: 'violated', violation, stats: this.stats(false) }
      } else if (e instanceof Stop) {
        this.done = { verdict: 'limit', limit: e.limit, ...(e.detail ? { detail: e.detail } : {}), stats: this.stats(false) }
      } else {
        throw this.contractError(e)
      }
    } finally {
      // whatever ends the search (a verdict, a limit, an error) removes the spilled frontier
      if (ended) this.vf.dispose()
    }
    return this.done
  }

  /** Visits the initial states (a parallel search's workers call it for level 0). */
  begin(): void {
    this.started = true
    const model = this.model
    this.phase = Phase.Init
    const init: unknown = model.init()
    if (!Array.isArray(init)) throw new ModelError(`init() returned ${init === null ? 'null' : typeof init}, not an array of states`)
    if (init.length === 0) throw new ModelError('init() returned no initial state')
    this.samples = [...init]
    this.phase = Phase.View
    this.compileCodecs()
    init.forEach((s, i) => {
      this.curState = s
      this.visit(s, NO_PARENT, i, 0, undefined, undefined, -1)
    })
  }

  /** Expands states until the frontier is empty (false) or it is time to yield (true). */
  expand(until: number): boolean {
    const { model, vf, of, frontier, vectors, recipe, coverage, transitionInvariants, beforeStep } = this
    const terminal = model.terminal
    while (true) {
      if ((++this.expanded & 1023) === 0 && this.tick(until)) return true
      if (!frontier.take()) return false
      const id = frontier.id
      const depth = frontier.depth
      this.phase = Phase.Engine
      const s = vectors ? this.stateCodec.decode(vf.current, vf.currentAt) : of.state
      this.curId = id
      this.curState = s
      this.curAction = undefined
      this.curIndex = -1
      this.curEntry = -1

      this.phase = Phase.Actions
      const acts: readonly Action[] = model.actions(s)
      if (!Array.isArray(acts)) checkActions(acts, `at state #${id}`)
      if (acts.length === 0) {
        this.phase = Phase.Terminal
        if (this.checkDeadlock && !(terminal && model.terminal!(s))) {
          throw new Found('deadlock', 'deadlock', 'no action is enabled and the state is not terminal', id)
        }
        continue
      }
      if (depth >= this.maxDepth) {
        this.cutByDepth = true
        continue
      }
      const last = acts.length - 1
      for (let i = 0; i <= last; i++) {
        const a = acts[i]!
        if (a == null || typeof a.type !== 'string') checkActions(acts, `at state #${id}`)
        const ti = coverage.typeIndex(a.type)
        this.curAction = a
        this.curIndex = i
        this.curType = ti
        if (beforeStep.length > 0) this.checkBeforeStep(s, a, id, i)
        this.phase = Phase.Next
        let t: unknown
        if (vectors && recipe) {
          // the recipe edits a private copy: the decoded state itself for the last action,
          // unless a step property that reads the next state still needs to read it
          t = i === last && transitionInvariants.length === 0 ? s : this.stateCodec.decode(vf.current, vf.currentAt)
          recipe(t, a)
        } else {
          t = model.next(s, a)
        }
        this.generated++
        coverage.fired(ti)
        const tid = this.visit(t, id, i, depth + 1, s, a, i)
        if (tid < 0) continue
        coverage.fresh(ti)
      }
    }
  }

  /** Checks the step properties declared `(s, a)` on the step `a`, action `ai` of state `id` (throws `Found`). */
  private checkBeforeStep(s: unknown, a: Action, id: number, ai: number): void {
    const ps = this.beforeStep
    this.phase = Phase.Property
    for (let j = 0; j < ps.length; j++) {
      const [name, p] = ps[j]!
      this.phaseName = name
      const r = p(s, a)
      if (r !== true) throw new Found(name, 'transition', r, id, ai)
    }
  }

  /**
   * Registers a state reached from `s` by `a` (or an initial state, `s` undefined),
   * checks its properties and queues it; returns its id, or -1 when already visited.
   */
  private visit(t: unknown, parent: number, action: number, depth: number, s: unknown, a: Action | undefined, ai: number): number {
    // the canonical form of t: what properties and actions() see (see canonical.ts)
    let tc = t
    let stateWords = false
    // t was out of canonical order: tc is decoded from its words when something reads it
    let decodeTc = false
    if (this.vectors) {
      if (this.learning) this.learnShape(t)
      this.phase = Phase.View
      const v = this.separate ? this.viewOf(t) : t
      this.phase = Phase.Engine
      this.encodingView = this.separate
      this.codec.encode(v)
      this.encodingView = false
      const hidden = this.hidden
      if (hidden === undefined) fingerprintWords(encodedBuffer(), encodedLength())
      else {
        this.codec.locate(this.hiddenWords)
        fingerprintHidden(encodedBuffer(), encodedLength(), this.hiddenWords)
      }
      if (!this.separate) {
        stateWords = true
        decodeTc = reordered()
      } else if (a !== undefined && this.transitionInvariants.length > 0) {
        tc = this.encodeState(t)
        stateWords = true
      }
    } else {
      this.phase = Phase.Engine
      tc = canonicalize(t)
      this.phase = Phase.View
      let v = this.viewOf(tc)
      this.phase = Phase.Engine
      if (this.separate) {
        // a view is a state too: its values must lie in the domain
        this.encodingView = true
        v = canonicalize(v)
        this.encodingView = false
      }
      fingerprint(v)
    }
    if (a !== undefined && this.transitionInvariants.length > 0) {
      const tis = this.transitionInvariants
      if (decodeTc) {
        tc = this.codec.decode(encodedBuffer(), 0)
        decodeTc = false
      }
      this.phase = Phase.Property
      for (let j = 0; j < tis.length; j++) {
        const [name, inv] = tis[j]!
        this.phaseName = name
        const r = inv(s, a, tc)
        if (r !== true) throw new Found(name, 'transition', r, parent, ai)
      }
    }
    const obs = this.opts.observer
    const fa = fpA()
    const fb = fpB()
    if (!this.visited.add(fa, fb, parent, action, this.curType)) {
      // a state whose view was seen is still a state: its values must lie in the domain
      if (this.vectors && !stateWords) this.encodeState(t)
      if (obs && a !== undefined) obs.step(parent, a, fa, fb)
      return -1
    }
    if (this.log.size >= this.maxStates) throw new Stop('max-states')
    const id = this.log.push(parent, action)
    if (depth > this.diameter) this.diameter = depth
    if (this.vectors && !stateWords) tc = this.encodeState(t)
    if (decodeTc) tc = this.codec.decode(encodedBuffer(), 0)
    if (obs) {
      obs.state(id, tc, fa, fb, a === undefined ? action : -1)
      if (a !== undefined) obs.step(parent, a, fa, fb)
    }

    if (this.deferStateChecks) {
      this.deferChecks(tc, id)
      this.vf.push(encodedBuffer(), encodedLength(), id, depth)
      return id
    }
    const ms = this.measures
    this.phase = Phase.Measure
    for (let i = 0; i < ms.length; i++) {
      this.phaseName = ms[i]![0]
      const v = ms[i]![1](tc)
      if (v > this.measureMax[i]!) {
        this.measureMax[i] = v
        this.measureId[i] = id
      }
    }
    this.curEntry = id
    const kept = this.checkState(tc, id)
    this.curEntry = -1
    if (!kept) return id
    this.phase = Phase.Engine
    if (this.vectors) this.vf.push(encodedBuffer(), encodedLength(), id, depth)
    else this.of.push(tc, id, depth)
    return id
  }

  /** Checks the invariants of new state `id` (throws `Found`); false: the constraint leaves it out. */
  private checkState(tc: unknown, id: number): boolean {
    const invs = this.invariants
    this.phase = Phase.Property
    for (let i = 0; i < invs.length; i++) {
      const [name, inv] = invs[i]!
      this.phaseName = name
      const r = inv(tc)
      if (r !== true) throw new Found(name, 'invariant', r, id)
    }
    this.phase = Phase.Constraint
    return !this.model.constraint || this.model.constraint(tc)
  }

  /** Runs the checks of new state `id` and tells `checked` their outcome, for `deferStateChecks`. */
  private deferChecks(tc: unknown, id: number): void {
    let outcome: Checked
    let failure: Found | Error | undefined
    try {
      outcome = this.checkState(tc, id) ? Checked.Expand : Checked.Leave
    } catch (e) {
      outcome = Checked.Failed
      failure = e instanceof Found ? e : this.contractError(e)
    }
    this.phase = Phase.Engine
    this.parts!.checked!(id, outcome, failure)
  }

  /** Drops a search that has not ended (removes a spilled frontier). */
  dispose(): void {
    this.vf.dispose()
  }

  /**
   * Where the search was when it threw (a parallel search's worker keys an error by it):
   * the state being expanded, the index of the action taken (-1: before any), and the new
   * state whose checks were running (-1: none).
   */
  position(): { readonly id: number; readonly action: number; readonly entry: number } {
    return { id: this.curId, action: this.curIndex, entry: this.curEntry }
  }

  /** A parallel search worker's share of the statistics. */
  share(): { generated: number; coverage: ActionCoverage[]; cutByDepth: boolean } {
    return { generated: this.generated, coverage: this.coverage.report(), cutByDepth: this.cutByDepth }
  }

  /**
   * Adds `n` to the new states counted for the action type of coverage index `type` (a
   * parallel search's worker, at the end of a level, counts each new state once: by the
   * step that keeps it).
   */
  countFresh(type: number, n: number): void {
    this.coverage.fresh(type, n)
  }

  /** The one line for an error thrown while searching (a model breaking its contract), as `run` gives it. */
  failure(e: unknown): Error {
    return this.contractError(e)
  }

  /** Encodes `t` as a state vector (left in the codec's buffer); returns its canonical form. */
  private encodeState(t: unknown): unknown {
    this.phase = Phase.Engine
    this.stateCodec.encode(t)
    return reordered() ? this.stateCodec.decode(encodedBuffer(), 0) : t
  }

  private viewOf(s: unknown): unknown {
    const { view, symmetry } = this.model
    const r = symmetry ? this.model.symmetry!(s) : s
    return view ? this.model.view!(r) : r
  }

  /** The codecs for the shapes of `samples`: of the fingerprinted value and of the state. */
  private compileCodecs(): void {
    this.stateCodec = compileCodec(this.samples, this.hidden)
    this.codec = this.separate ? compileCodec(this.samples.map((s) => this.viewOf(s))) : this.stateCodec
  }

  /**
   * Compiles the codecs once more for the first SAMPLES states reached; encodings are
   * canonical, so the switch changes speed only.
   */
  private learnShape(s: unknown): void {
    this.samples.push(s)
    if (this.samples.length < SAMPLES) return
    this.compileCodecs()
    this.learning = false
    this.samples = []
  }

  /** Limits, memory and progress, every 1024 expansions; true: yield to the caller now. */
  private tick(until: number): boolean {
    const now = Date.now()
    this.held()
    if (now >= this.deadline) throw new Stop('time-limit')
    if (this.opts.interrupted?.()) throw new Stop('interrupted')
    // reading the resident memory is a system call: 1.7 % of the reference's profile at every tick
    let mem: ReturnType<typeof memoryExhausted>
    if (now >= this.nextMemoryCheck) {
      this.nextMemoryCheck = now + MEMORY_CHECK_MS
      mem = memoryExhausted(this.memoryLimit)
    }
    if (mem !== undefined) {
      const why = mem === 'heap' ? 'the JavaScript heap is near its limit' : `resident memory reached ${mib(this.memoryLimit)}`
      const failure = this.vf.spillFailure
      throw new Stop('memory', failure === undefined ? why : `${why} (the frontier could not spill to disk: ${failure})`)
    }
    if (this.opts.onProgress && now >= this.nextReport) {
      this.nextReport = now + this.progressEvery
      this.opts.onProgress(this.stats(false))
    }
    return now >= until
  }

  private stats(finished: boolean): ExploreStats {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss())
    this.held()
    return statsOf({
      start: this.start,
      distinct: this.log.size,
      generated: this.generated,
      diameter: this.diameter,
      queue: finished ? 0 : this.frontier.size,
      heldBytes: this.visited.bytes + this.log.bytes,
      peakHeldBytes: this.peakHeld,
      peakRssBytes: this.peakRss,
      frontierSpilledBytes: this.vf.spilledBytes,
      frontierDiskPeakBytes: this.vf.peakDiskBytes,
      coverage: this.coverage.report(),
      measures: this.measures.map(([name], i) => ({
        name,
        max: this.measureMax[i]!,
        path: this.measureId[i]! >= 0 ? this.log.path(this.measureId[i]!) : [],
      })),
    })
  }

  /** Records the bytes the search holds now (sampled every 1024 expansions and at the end). */
  private held(): void {
    const bytes = this.visited.bytes + this.log.bytes + (this.vectors ? this.vf.bytes : 0)
    if (bytes > this.peakHeld) this.peakHeld = bytes
  }

  /** One line for a model that broke its contract while the search was in `phase`. */
  private contractError(e: unknown): Error {
    if (e instanceof ModelError) return e
    const at = this.curId >= 0 ? ` (from state #${this.parts?.stateNumber?.(this.curId) ?? this.curId})` : ''
    const action = this.curAction !== undefined ? ` action ${actionLabel(this.model, this.curAction)}` : ''
    if (e instanceof DomainError) {
      const where = this.curAction !== undefined ? `after${action}${at}` : 'in an initial state'
      const d = this.encodingView
        ? (describeDomainViolation(this.viewOf(this.latest()), 'view(state)') ?? 'view() returned a value outside the domain of states')
        : (describeDomainViolation(this.latest(), 'state') ?? 'the state holds a value outside the domain of states')
      return new ModelError(`${d} ${where}`, { cause: e })
    }
    if (this.phase === Phase.Engine) return e as Error
    const name = this.phase === Phase.Property || this.phase === Phase.Measure ? `${PHASE_NAMES[this.phase]} ${this.phaseName}` : PHASE_NAMES[this.phase]
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e)
    return new ModelError(`${name} threw${action ? ` on${action}` : ''}${at}: ${msg}`, { cause: e })
  }

  /** The state being registered when a domain error was thrown (re-derived: errors only). */
  private latest(): unknown {
    const s = this.curState
    if (this.curAction === undefined) return s
    try {
      const fresh = this.vectors ? this.stateCodec.decode(this.vf.current, this.vf.currentAt) : s
      return this.model.next(fresh, this.curAction)
    } catch {
      return s
    }
  }
}

const mib = (b: number): string => `${Math.round(b / 2 ** 20)} MiB`
