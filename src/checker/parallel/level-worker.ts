/**
 * One worker of a parallel search: builds its own copy of the model (or takes the
 * coordinator's, when it runs in the coordinator's thread), then expands the states of each
 * level it is given with the one-worker search's code (`Search`) over shared parts
 * (`level-parts.ts`), and reports the new states it holds in key order. It answers the
 * coordinator's messages (`protocol.ts`) through `post`, from a worker thread (`worker.ts`)
 * or in the coordinator's own thread (`explore-parallel.ts`).
 */
import { shareInterning } from '../codec.ts'
import { Checked, Found, Search, Stop, type LimitKind } from '../explorer.ts'
import type { AnyModel } from '../model.ts'
import { SharedVisited } from '../shared-visited.ts'
import { Field, LevelQueue, NewStates, WorkerVisited } from './level-parts.ts'
import { Ctl, ENTRY, keyBefore, type Event, type FromWorker, type ToWorker } from './protocol.ts'
import { modelFromSource } from './source.ts'
import { threadError, type ThreadError } from '../threads.ts'
import { ReusedBuffer } from './reused-buffer.ts'
import { inKeyOrder, LoweredSet } from './lowered.ts'

type Post = (m: FromWorker, transfer?: ArrayBuffer[]) => void

interface Running {
  readonly worker: number
  readonly search: Search
  readonly visited: WorkerVisited
  readonly states: NewStates
  readonly queue: LevelQueue
  readonly control: Int32Array
  readonly deferred: boolean
  level: number
  /** The violations found in the level; the first in key order is the worker's event. */
  events: Found[]
  /** What a model function threw, for the events that stand for such an error. */
  readonly errors: Map<Found, ThreadError>
  /** The visited set grew during the level: the slots the entries recorded are stale. */
  regrown: boolean
  /** The list of new states sent at the end of a level (read by the coordinator before the next level starts). */
  readonly entries: ReusedBuffer
  /** Arrays of the end of a level, kept from level to level (`reused`). */
  readonly scratch: Int32Array[]
  readonly post: Post
  /** How long it expands before it yields to its thread's event loop (`SLICE_MS`; a thread of its own never yields). */
  readonly slice: number
  /** The search ended while this worker yielded (`dispose`): it stops there. */
  disposed: boolean
}

/**
 * How long a worker in the coordinator's thread expands before it lets the thread's event
 * loop run (the coordinator's timer for limits and progress, an interrupt's handler), as
 * `exploreAsync` does.
 */
const SLICE_MS = 100

export class LevelWorker {
  private run: Running | undefined
  private worker = -1

  constructor(
    private readonly post: Post,
    /** The coordinator's model, when this worker runs in the coordinator's thread (a worker thread builds its own from the source). */
    private readonly coordinatorModel?: AnyModel,
  ) {}

  /** Answers `m`; an error is reported as a message, not thrown. */
  async receive(m: ToWorker): Promise<void> {
    try {
      await this.handle(m)
    } catch (e: unknown) {
      this.post({ kind: 'error', worker: this.worker, ...threadError(this.run ? this.run.search.failure(e) : e) })
    }
  }

  private async handle(m: ToWorker): Promise<void> {
    switch (m.kind) {
      case 'start': {
        const worker = (this.worker = m.worker)
        // a worker in the coordinator's thread interns through tables the coordinator made its own
        if (!this.coordinatorModel) shareInterning(m.tables)
        const model = this.coordinatorModel ?? (await modelFromSource(m.source))
        const deferred = model.view !== undefined || model.symmetry !== undefined
        const visited = new WorkerVisited(new SharedVisited(m.visited, m.counts), deferred)
        const states = new NewStates(visited)
        const queue = new LevelQueue(m.control, visited, states, m.grain, m.reverse)
        const control = new Int32Array(m.control)
        const search = new Search(
          model,
          { ...m.options, memoryLimitBytes: Infinity, interrupted: () => Atomics.load(control, Ctl.Stop) !== 0 },
          {
            visited,
            log: states,
            queue,
            deferStateChecks: deferred,
            checked: (id, outcome, failure) => states.checked(id, outcome, failure),
            stateNumber: (rank) => queue.idOf(rank),
          },
        )
        this.run = {
          worker,
          search,
          visited,
          states,
          queue,
          control,
          deferred,
          level: 0,
          events: [],
          errors: new Map(),
          regrown: false,
          entries: new ReusedBuffer(),
          scratch: [],
          post: this.post,
          slice: this.coordinatorModel ? SLICE_MS : Infinity,
          disposed: false,
        }
        this.post({ kind: 'ready', worker })
        return
      }
      case 'expand': {
        const r = this.run!
        r.level = m.level
        r.visited.level = m.level + 1
        r.states.clear()
        r.visited.lowered.clear()
        r.visited.lowerings.length = 0
        r.queue.startLevel(m.level, m.input)
        r.events = []
        r.errors.clear()
        r.regrown = false
        if (m.level < 0) {
          if (r.worker === 0) guard(r, () => r.search.begin())
          r.visited.table.flush()
          r.post({ kind: 'expanded', worker: r.worker, lowered: r.visited.lowered.list })
          return
        }
        return expand(r)
      }
      case 'join': {
        const r = this.run!
        r.visited.table = new SharedVisited(m.visited, r.visited.table.countsBuffer)
        return
      }
      case 'resume': {
        const r = this.run!
        const larger = new SharedVisited(m.visited, r.visited.table.countsBuffer)
        const old = r.visited.table.table
        const left = larger.rehashPart(old, r.worker, m.parts)
        barrier(r.control, Ctl.Rehashed, m.parts)
        larger.rehashLeft(old, left)
        barrier(r.control, Ctl.RehashedLeft, m.parts)
        r.visited.table = larger
        r.regrown = true
        return expand(r)
      }
      case 'finalize':
        return finalize(this.run!, new LoweredSet(m.lowered))
    }
  }

  /** Drops what the worker holds (a worker in the coordinator's thread, at the end of the search). */
  dispose(): void {
    if (this.run) {
      this.run.disposed = true
      this.run.search.dispose()
    }
    this.run = undefined
  }
}

/**
 * Expands the states this worker takes until none is left (or the visited set must grow).
 * A violation ends the state it is found in, cuts off the ranks after it, and expanding
 * goes on: a rank before it may still be in this worker's hands.
 */
async function expand(r: Running): Promise<void> {
  let limit: LimitKind | undefined
  for (;;) {
    let yielded = false
    const found = guard(r, () => {
      try {
        yielded = r.search.expand(Date.now() + r.slice)
      } catch (e) {
        if (e instanceof Stop) limit = e.limit
        else throw e
      }
    })
    if (limit !== undefined) break
    if (yielded) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (r.disposed) return
    } else if (!found) break
  }
  r.visited.table.flush()
  if (r.queue.paused && limit === undefined) return r.post({ kind: 'paused', worker: r.worker })
  r.post({ kind: 'expanded', worker: r.worker, lowered: r.visited.lowered.list, ...(limit !== undefined ? { limit } : {}) })
}

/** Runs `f`; true when it found a violation (kept among the level's events; ranks past it are cut off). */
function guard(r: Running, f: () => void): boolean {
  try {
    f()
    return false
  } catch (thrown) {
    let e: Found
    if (thrown instanceof Found) e = thrown
    else {
      // a model function threw: the search's error, if nothing comes before it in one worker's
      // order (a violation, or another error), so it is an event keyed as one: by the new
      // state whose checks threw, else by the step, else by the state (before any step)
      if (r.level < 0) throw thrown
      const at = r.search.position()
      const error = threadError(r.search.failure(thrown))
      e =
        at.entry >= 0
          ? new Found('', 'invariant', error.message, at.entry)
          : at.action >= 0
            ? new Found('', 'transition', error.message, at.id, at.action)
            : new Found('', 'deadlock', error.message, at.id)
      r.errors.set(e, error)
    }
    r.events.push(e)
    // an invariant is found at a new state, while expanding its parent
    const rank = e.kind === 'invariant' ? r.states.at(e.id, Field.Rank) : e.id
    if (r.level >= 0) atomicMin(r.control, Ctl.Cutoff, rank)
    return true
  }
}

/**
 * Array `k` of the end of a level, `n` words (contents undefined), kept from level to level:
 * fresh memory is slow to write the first time (a page fault per 4 KiB), and arrays of a
 * level's size each level took most of the 190-240 ms a worker spent here on the reference.
 */
function reused(scratch: Int32Array[], k: number, n: number): Int32Array {
  let a = scratch[k]
  if (a === undefined || a.length < n) scratch[k] = a = new Int32Array(Math.max(n, Math.floor((a?.length ?? 0) * 1.5)))
  return a.subarray(0, n)
}

/**
 * Counts, as one worker would, a new state reached by a step of this worker that lowered
 * another's key (a model without a view): if no smaller key lowered it again, that step is
 * the one that keeps it. The worker holding the state took its own count back (`finalize`).
 */
function countLowerings(r: Running): void {
  const l = r.visited.lowerings
  const t = r.visited.table
  for (let k = 0; k < l.length; k += 5) {
    const slot = t.find(l[k]!, l[k + 1]!)
    if (t.rankAt(slot) === l[k + 2]! && t.actionAt(slot) === l[k + 3]!) r.search.countFresh(l[k + 4]!, 1)
  }
}

/** The first of the level's violations in key order (an invariant's key: its state's final key). */
function firstEvent(r: Running, rank: Int32Array, act: Int32Array): Event | undefined {
  let first: Event | undefined
  for (const e of r.events) {
    const key =
      e.kind === 'invariant' ? { rank: rank[e.id]!, action: act[e.id]! } : { rank: e.id, action: e.action ?? -1 }
    if (!first || keyBefore(key.rank, key.action, first.rank, first.action)) {
      const error = r.errors.get(e)
      first = { property: e.property, kind: e.kind, message: e.message, ...key, ...(error ? { error } : {}) }
    }
  }
  return first
}

/** Waits until `n` threads have arrived at word `i` of `c` (reset to 0 before). */
function barrier(c: Int32Array, i: number, n: number): void {
  const arrived = Atomics.add(c, i, 1) + 1
  if (arrived === n) {
    Atomics.notify(c, i)
    return
  }
  for (let seen = arrived; seen < n; seen = Atomics.load(c, i)) Atomics.wait(c, i, seen)
}

function atomicMin(a: Int32Array, i: number, v: number): void {
  for (;;) {
    const cur = Atomics.load(a, i)
    if (cur <= v || Atomics.compareExchange(a, i, cur, v) === cur) return
  }
}

/**
 * Puts the new states this worker holds in order of their final keys (a state's own key,
 * unless another worker lowered it: then read from the shared set, now that every worker is
 * done with the level), acts on the checks a view put off, and sends the list.
 */
function finalize(r: Running, lowered: LoweredSet): void {
  const { states: s, search } = r
  const t = r.visited.table
  const n = s.size
  const rank = reused(r.scratch, 0, n)
  const act = reused(r.scratch, 1, n)
  // the states whose key is their own, in the order reached, and those another worker lowered
  const own = reused(r.scratch, 2, n)
  let owned = 0
  const moved: number[] = []
  for (let id = 0; id < n; id++) {
    rank[id] = s.at(id, Field.Rank)
    act[id] = s.at(id, Field.Action)
    if (lowered.has(s.at(id, Field.A), s.at(id, Field.B))) {
      const slot = r.regrown ? t.find(s.at(id, Field.A), s.at(id, Field.B)) : s.at(id, Field.Slot)
      const fr = t.rankAt(slot)
      const fa = t.actionAt(slot)
      if (fr !== rank[id] || fa !== act[id]) {
        // the state is kept by a smaller key's step, which counts it (below, or as an entry of its own)
        if (s.at(id, Field.Type) >= 0) search.countFresh(s.at(id, Field.Type), -1)
        // with a view, the entry reached by the final key is the one kept (its vector is the state kept)
        if (r.deferred) continue
        rank[id] = fr
        act[id] = fa
        moved.push(id)
        continue
      }
    }
    own[owned++] = id
  }
  countLowerings(r)
  const kept = inKeyOrder(own.subarray(0, owned), moved, rank, act, (k) => reused(r.scratch, 3, k))
  let event = firstEvent(r, rank, act)

  const out = new Int32Array(r.entries.atLeast(kept.length * ENTRY * 4), 0, kept.length * ENTRY)
  let checking = r.deferred
  for (let k = 0; k < kept.length; k++) {
    const id = kept[k]!
    const chunk = s.at(id, Field.Chunk)
    let expand = chunk >= 0 ? 1 : 0
    if (checking && chunk >= 0) {
      if (event && !keyBefore(rank[id]!, act[id]!, event.rank, event.action)) checking = false
      else {
        // the checks ran when the state was reached; this is the state kept, so they count
        const checks = s.at(id, Field.Checks)
        expand = checks === Checked.Expand ? 1 : 0
        if (checks === Checked.Failed) {
          // a violation, or an error the coordinator raises if no event comes before it
          const e = s.failures.get(id)!
          event =
            e instanceof Found
              ? { property: e.property, kind: e.kind, message: e.message, rank: rank[id]!, action: act[id]! }
              : { property: '', kind: 'invariant', message: e.message, rank: rank[id]!, action: act[id]!, error: threadError(e) }
          checking = false
        }
      }
    }
    const j = k * ENTRY
    out[j] = rank[id]!
    out[j + 1] = act[id]!
    out[j + 2] = r.worker
    out[j + 3] = chunk
    out[j + 4] = s.at(id, Field.Offset)
    out[j + 5] = s.at(id, Field.Length)
    out[j + 6] = expand
  }
  const share = search.share()
  r.post(
    {
      kind: 'finalized',
      worker: r.worker,
      entries: out,
      chunks: r.queue.chunks,
      heldBytes: r.queue.heldBytes + r.entries.bytes + r.states.bytes + r.visited.lowered.bytes,
      event,
      generated: share.generated,
      coverage: share.coverage,
      cutByDepth: share.cutByDepth,
    },
  )
}
