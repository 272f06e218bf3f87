/**
 * Breadth-first search on several workers, level by level, over one visited set in shared
 * memory (`shared-visited.ts`); this thread coordinates, keeps the log of ids, and is worker
 * 0 (`level-worker.ts`); workers 1 and up are threads of their own. Worker 0 starts at once;
 * a thread joins at the first level that begins after it is ready (a thread takes about
 * 0.1 s to start and build its model), so a small space ends before any thread has joined.
 *
 * The result is one worker's: each new state keeps the first step that reached it in one
 * worker's order (smallest parent rank, then action index), the coordinator merges the
 * workers' lists of new states in that order, so ids, counterexamples (shortest, and the
 * same one), distinct-state counts and verdicts equal a one-worker search's. A violation
 * ends the search at the level it is found in, counted as one worker counts it: the states
 * reached before it in one worker's order. Coverage counts each new state by the step that
 * keeps it, as one worker does. What may differ: `generated`, and coverage when a violation
 * or a limit ends the search (the workers expand a little past it), and the fingerprints
 * (collisions aside).
 *
 * Not run in parallel (one worker does it, as `explore` does): depth-first search, the
 * `objects` representation, models with measures, searches with an observer (liveness), and
 * searches given a frontier size (the frontier of a parallel search stays in memory).
 */
import type { Worker } from 'node:worker_threads'
import { statsOf, type ActionCoverage, type ExploreOptions, type ExploreResult, type ExploreStats, type LimitKind, type Violation } from '../explorer.ts'
import { defaultMemoryLimitBytes, memoryExhausted } from '../memory.ts'
import type { AnyModel } from '../model.ts'
import { coordinatorInterning } from '../codec.ts'
import { SharedVisited } from '../shared-visited.ts'
import { StateLog } from '../state-log.ts'
import { rebuildError, startWorker } from '../threads.ts'
import { Ctl, ENTRY, keyBefore, type Event, type FromWorker, type LevelInput, type Lowered, type ToWorker } from './protocol.ts'
import type { ModelSource } from './source.ts'
import { GRAIN } from './level-parts.ts'
import { ReusedBuffer } from './reused-buffer.ts'
import { mergeLists } from './merge-lists.ts'
import { LevelWorker } from './level-worker.ts'

/**
 * Whether a search of `model` with `opts` runs on several workers (see the module comment).
 * A frontier size given (`frontierMemoryBytes`) asks for a frontier that spills to disk,
 * which only the one-worker search has.
 */
export function parallelizable(model: AnyModel, opts: ExploreOptions): boolean {
  return (
    opts.strategy !== 'dfs' &&
    opts.representation !== 'objects' &&
    opts.observer === undefined &&
    opts.frontierMemoryBytes === undefined &&
    Object.keys(model.measures ?? {}).length === 0
  )
}

type Finalized = Extract<FromWorker, { kind: 'finalized' }>

/** Messages from the workers, awaited one worker at a time; an error fails every wait. */
class Mailbox {
  private readonly queues: FromWorker[][]
  private readonly waiting: ({ resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined)[]
  private failed: Error | undefined
  closing = false

  constructor(n: number) {
    this.queues = Array.from({ length: n }, () => [])
    this.waiting = Array.from({ length: n }, () => undefined)
  }

  deliver(m: FromWorker): void {
    if (m.kind === 'error') return this.fail(rebuildError(m))
    const w = this.waiting[m.worker]
    if (w) {
      this.waiting[m.worker] = undefined
      w.resolve(m)
    } else this.queues[m.worker]!.push(m)
  }

  fail(e: Error): void {
    if (this.failed || this.closing) return
    this.failed = e
    for (let k = 0; k < this.waiting.length; k++) {
      this.waiting[k]?.reject(e)
      this.waiting[k] = undefined
    }
  }

  /** A message of `worker` already received, if any (no wait). */
  take(worker: number): FromWorker | undefined {
    if (this.failed) throw this.failed
    return this.queues[worker]!.shift()
  }

  next(worker: number): Promise<FromWorker> {
    if (this.failed) return Promise.reject(this.failed)
    const q = this.queues[worker]!
    if (q.length > 0) return Promise.resolve(q.shift()!)
    return new Promise((resolve, reject) => {
      this.waiting[worker] = { resolve, reject }
    })
  }
}

export interface ParallelOptions extends ExploreOptions {
  /** Ranks of a level a worker takes at a time (default `GRAIN`; 1 interleaves the workers most, for tests). */
  readonly grain?: number
  /** Hand out each level's states from the last one (tests: the result must not depend on the order of work). */
  readonly reverse?: boolean
  /** The level the threads join at, waiting for them there (tests; -1: from the initial states); by default each joins at the first level that begins after it is ready. */
  readonly joinAt?: number
  /** The deepest level a search of a model with a view or symmetry reaches (tests; at most and by default `MAX_VIEW_LEVEL`). */
  readonly maxViewLevel?: number
}

/**
 * A slot of the shared visited set keeps 16 bits of the level a state was first reached at
 * (`shared-visited.ts`): past this depth a state 65,536 levels old is taken for a new one when
 * the model has a view, so the search stops with an error there instead of a wrong count.
 */
export const MAX_VIEW_LEVEL = 0xffff

export async function exploreParallel(model: AnyModel, source: ModelSource, workers: number, opts: ParallelOptions = {}): Promise<ExploreResult> {
  return new ParallelSearch(model, source, workers, opts).run()
}

/** The longest the coordinator goes without letting its thread's event loop run (`yieldNow`). */
const YIELD_MS = 10

class ParallelSearch {
  private readonly start = Date.now()
  private readonly log = new StateLog()
  private readonly control = new SharedArrayBuffer(Ctl.Size * 4)
  private readonly ctl = new Int32Array(this.control)
  private readonly counts = new SharedArrayBuffer(8)
  private visited = new SharedVisited(SharedVisited.allocate(1 << 18), this.counts)
  /** Workers 1 and up, each a thread of its own; worker 0 searches in this thread (`local`). */
  private readonly pool: Worker[] = []
  /** Workers taking part: 0 to `active - 1` (threads join in order as they are ready, `admit`). */
  private active = 1
  private local: LevelWorker | undefined
  private readonly mail: Mailbox
  private readonly memoryLimit: number
  private readonly deadline: number
  private stopped: { limit: LimitKind; detail?: string } | undefined
  private generated = 0
  private diameter = 0
  private coverage: ActionCoverage[] = []
  private cutByDepth = false
  private frontierBytes = 0
  private peakHeld = 0
  private peakRss = process.memoryUsage.rss()
  private queued = 0
  private readonly progressEvery: number
  private nextReport: number
  /** Where each state of the next level is (worker, chunk, offset, length), and its id. */
  private readonly index = new ReusedBuffer()
  private readonly ids = [new ReusedBuffer(), new ReusedBuffer()]
  private turn = 0
  /** When this thread's event loop last took a turn in the search (`yieldNow`). */
  private yielded = Date.now()

  constructor(
    private readonly model: AnyModel,
    private readonly source: ModelSource,
    private readonly n: number,
    private readonly opts: ParallelOptions,
  ) {
    this.mail = new Mailbox(n)
    this.memoryLimit = opts.memoryLimitBytes ?? defaultMemoryLimitBytes()
    this.deadline = opts.timeLimitSec === undefined ? Infinity : this.start + opts.timeLimitSec * 1000
    this.progressEvery = opts.progressEveryMs ?? 2000
    this.nextReport = this.start + this.progressEvery
  }

  /** Starts the workers and searches; the threads that are not ready when it ends never take part. */
  async run(): Promise<ExploreResult> {
    const watch = setInterval(() => this.watch(), 50)
    try {
      await this.startWorkers()
      return await this.levels()
    } finally {
      clearInterval(watch)
      this.mail.closing = true
      this.local?.dispose()
      await Promise.all(this.pool.map((w) => w.terminate()))
    }
  }

  /**
   * Starts the workers: worker 0 in this thread, on this thread's model (one thread fewer
   * to start, and the code a one-worker search ran here is already compiled), the others
   * each in a thread of its own; waits for worker 0 only.
   */
  private async startWorkers(): Promise<void> {
    const tables = coordinatorInterning()
    const options = {
      ...(this.opts.properties !== undefined ? { properties: this.opts.properties } : {}),
      ...(this.opts.checkDeadlock !== undefined ? { checkDeadlock: this.opts.checkDeadlock } : {}),
      ...(this.opts.maxDepth !== undefined ? { maxDepth: this.opts.maxDepth } : {}),
    }
    const start = (k: number): ToWorker => ({
      kind: 'start',
      worker: k,
      source: this.source,
      options,
      tables,
      visited: this.visited.buffer,
      counts: this.counts,
      control: this.control,
      grain: this.opts.grain ?? GRAIN,
      reverse: this.opts.reverse ?? false,
    })
    for (let k = 1; k < this.n; k++) {
      const w = startWorker(import.meta.url, './worker')
      w.on('message', (m: FromWorker) => this.mail.deliver(m))
      w.on('error', (e) => this.mail.fail(e))
      w.on('exit', (code) => this.mail.fail(new Error(`a search worker exited (code ${code})`)))
      this.pool.push(w)
      w.postMessage(start(k))
    }
    // messages to and from worker 0 are cloned, as a thread's are: neither side keeps a reference into the other's
    this.local = new LevelWorker((m) => this.mail.deliver(structuredClone(m)), this.model)
    await this.local.receive(start(0))
    await this.mail.next(0)
  }

  /**
   * Lets the threads that are ready take part from `level` on, in order (the workers' lists
   * are merged by worker number), each told the visited set as it is now.
   */
  private async admit(level: number): Promise<void> {
    const at = this.opts.joinAt
    if (at !== undefined && level < at) return
    while (this.active < this.n) {
      // the only message a thread sends before it takes part: it is ready
      const ready = at === undefined ? this.mail.take(this.active) : await this.mail.next(this.active)
      if (ready === undefined) return
      this.pool[this.active - 1]!.postMessage({ kind: 'join', visited: this.visited.buffer } satisfies ToWorker)
      this.active++
    }
  }

  /** The next message of every worker taking part. */
  private all(): Promise<FromWorker[]> {
    return Promise.all(Array.from({ length: this.active }, (_, k) => this.mail.next(k)))
  }

  /**
   * Sends `m` to every worker taking part: to the threads first, then to worker 0, which starts on it in
   * this thread at once (and may wait there for the threads, as in a rehash) and answers
   * through the mailbox, as the threads do.
   */
  private post(m: ToWorker): void {
    for (let k = 1; k < this.active; k++) this.pool[k - 1]!.postMessage(m)
    void this.local!.receive(structuredClone(m))
  }

  /** Limits, interrupt and memory, polled while the workers run. */
  private watch(): void {
    const now = Date.now()
    if (!this.stopped) {
      if (now >= this.deadline) this.stopped = { limit: 'time-limit' }
      else if (this.opts.interrupted?.()) this.stopped = { limit: 'interrupted' }
      else if (memoryExhausted(this.memoryLimit) !== undefined) {
        this.stopped = { limit: 'memory', detail: `resident memory reached ${Math.round(this.memoryLimit / 2 ** 20)} MiB` }
      }
      if (this.stopped) Atomics.store(this.ctl, Ctl.Stop, 1)
    }
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss())
    this.held()
    if (this.opts.onProgress && now >= this.nextReport) {
      this.nextReport = now + this.progressEvery
      this.opts.onProgress(this.stats(false, this.visited.size))
    }
  }

  private held(): void {
    const bytes = this.visited.bytes + this.log.bytes + this.frontierBytes
    if (bytes > this.peakHeld) this.peakHeld = bytes
  }

  private async levels(): Promise<ExploreResult> {
    let input: LevelInput | undefined
    let ids: Uint32Array<ArrayBufferLike> = new Uint32Array(0)
    const views = this.model.view !== undefined || this.model.symmetry !== undefined
    const lastLevel = Math.min(MAX_VIEW_LEVEL, this.opts.maxViewLevel ?? MAX_VIEW_LEVEL)
    for (let level = -1; ; level++) {
      if (views && level + 1 > lastLevel) {
        throw new Error(
          `a parallel search of a model with a view or symmetry stops at depth ${lastLevel} (the shared visited set keeps 16 bits of a state's level): search it with --workers 1`,
        )
      }
      await this.yieldNow()
      await this.admit(level)
      const ended = await this.expand(level, input)
      if (ended) return ended
      const done = (await this.all()) as Finalized[]
      const merged = this.merge(level, ids, done)
      if ('verdict' in merged) return merged
      ;({ input, ids } = merged)
      if (input.count === 0) {
        return this.cutByDepth ? { verdict: 'limit', limit: 'max-depth', stats: this.stats(true) } : { verdict: 'holds', stats: this.stats(true) }
      }
    }
  }

  /**
   * Lets this thread's event loop run (the timer for limits and progress, an interrupt's
   * handler, the threads' messages that they are ready) at least every `YIELD_MS`: with
   * worker 0 alone on short levels, the search would otherwise run on promises only, which
   * never let the event loop take a turn.
   */
  private async yieldNow(): Promise<void> {
    const now = Date.now()
    if (now - this.yielded < YIELD_MS) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.yielded = Date.now()
  }

  /** Runs the expand round of a level (growing the visited set when the workers ask); a limit ends the search. */
  private async expand(level: number, input: LevelInput | undefined): Promise<ExploreResult | undefined> {
    Atomics.store(this.ctl, Ctl.Next, 0)
    Atomics.store(this.ctl, Ctl.Cutoff, 0x7fffffff)
    this.queued = input?.count ?? 0
    this.post({ kind: 'expand', level, input })
    for (;;) {
      const replies = await this.all()
      const limit = replies.find((m) => m.kind === 'expanded' && m.limit !== undefined)
      if (this.stopped || limit) {
        const l = this.stopped ?? { limit: (limit as { limit: LimitKind }).limit }
        return { verdict: 'limit', limit: l.limit, ...(l.detail ? { detail: l.detail } : {}), stats: this.stats(false, this.log.size) }
      }
      if (replies.every((m) => m.kind === 'expanded')) {
        this.post({ kind: 'finalize', lowered: replies.map((m) => (m as { lowered: Lowered }).lowered) })
        return undefined
      }
      // a worker asked for a larger visited set: all of them have stopped taking states; they
      // copy the entries into it, each a part, and go on once all are done
      this.visited = this.visited.larger()
      this.held()
      Atomics.store(this.ctl, Ctl.Rehashed, 0)
      Atomics.store(this.ctl, Ctl.RehashedLeft, 0)
      this.post({ kind: 'resume', visited: this.visited.buffer, parts: this.active })
    }
  }

  /**
   * Merges the workers' lists of new states in key order into the log and the next level;
   * a violation (the first in key order) or the state budget ends the search.
   */
  private merge(level: number, ids: Uint32Array, done: Finalized[]): ExploreResult | { input: LevelInput; ids: Uint32Array } {
    let event: Event | undefined
    for (const d of done) if (d.event && (!event || keyBefore(d.event.rank, d.event.action, event.rank, event.action))) event = d.event
    this.generated = done.reduce((n, d) => n + d.generated, 0)
    this.coverage = mergeCoverage(done.map((d) => d.coverage))
    this.cutByDepth ||= done.some((d) => d.cutByDepth)

    const lists = done.map((d) => d.entries)
    const total = lists.reduce((n, l) => n + l.length / ENTRY, 0)
    // the previous level's ids (`ids`) are read while the next ones are written: two buffers take turns
    this.turn ^= 1
    const index = new Int32Array(this.index.atLeast(Math.max(1, total) * 16))
    const next = new Uint32Array(this.ids[this.turn]!.atLeast(Math.max(1, total) * 4))
    const before = this.log.size
    const { count, violating, full } = mergeLists(lists, event, this.log, level < 0 ? undefined : ids, this.opts.maxStates ?? Infinity, index, next)
    if (this.log.size > before && level + 1 > this.diameter) this.diameter = level + 1
    if (full) return { verdict: 'limit', limit: 'max-states', stats: this.stats(false, this.log.size) }
    // a model function that threw at the event (for a new state's checks: once that state is
    // logged): the error one worker would have stopped with
    if (event?.error && (event.kind !== 'invariant' || violating >= 0)) throw rebuildError(event.error)
    if (event) return { verdict: 'violated', violation: this.violation(event, violating, ids), stats: this.stats(false, this.log.size) }
    const chunks = done.map((d) => d.chunks)
    this.frontierBytes = done.reduce((n, d) => n + d.heldBytes, 0) + this.index.bytes + this.ids[0]!.bytes + this.ids[1]!.bytes
    this.held()
    return { input: { count, index: index.buffer as SharedArrayBuffer, ids: next.buffer as SharedArrayBuffer, chunks }, ids: next }
  }

  private violation(e: Event, violating: number, ids: Uint32Array): Violation {
    const base = { property: e.property, kind: e.kind, message: e.message }
    if (e.kind === 'invariant') return { ...base, path: this.log.path(violating) }
    const path = this.log.path(ids[e.rank]!)
    if (e.kind === 'transition') path.push(e.action)
    return { ...base, path }
  }

  private stats(finished: boolean, distinct = this.log.size): ExploreStats {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss())
    this.held()
    return statsOf({
      start: this.start,
      distinct,
      generated: this.generated,
      diameter: this.diameter,
      queue: finished ? 0 : this.queued,
      heldBytes: this.visited.bytes + this.log.bytes,
      peakHeldBytes: this.peakHeld,
      peakRssBytes: this.peakRss,
      frontierSpilledBytes: 0,
      frontierDiskPeakBytes: 0,
      coverage: this.coverage,
      measures: [],
      workers: this.n,
    })
  }
}

function mergeCoverage(parts: ActionCoverage[][]): ActionCoverage[] {
  const by = new Map<string, { fired: number; distinct: number }>()
  for (const p of parts) {
    for (const c of p) {
      const e = by.get(c.type) ?? { fired: 0, distinct: 0 }
      e.fired += c.fired
      e.distinct += c.distinct
      by.set(c.type, e)
    }
  }
  return [...by].map(([type, e]) => ({ type, ...e }))
}
