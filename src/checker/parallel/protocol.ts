/**
 * Messages between the coordinator of a parallel search (`explore-parallel.ts`) and its
 * workers (`worker.ts`), and the shared control words.
 *
 * A level runs in two rounds. `expand`: the workers take the level's states in chunks of
 * ranks and insert their successors into the shared visited set. `finalize`, once every
 * worker has expanded: each worker puts the new states it holds in order of their keys
 * (the first step that reached them, in one worker's order) and sends that list. The
 * coordinator merges the lists into the next level and the log of ids.
 */
import type { ThreadError } from '../threads.ts'
import type { ActionCoverage, ExploreOptions, LimitKind, PropertyKind } from '../explorer.ts'
import type { ModelSource } from './source.ts'

/** Int32 words of the control buffer. */
export const enum Ctl {
  /** The next rank of the level to hand out. */
  Next,
  /** Ranks above this one need not be expanded (a violation was found at it). */
  Cutoff,
  /** 1: stop now (interrupt, time limit, memory cap). */
  Stop,
  /** Workers done with their part of copying the visited set into a larger one... */
  Rehashed,
  /** ...and with the entries their part left. */
  RehashedLeft,
  Size,
}

/** Words per entry of a finalized list: rank, action, worker, chunk, offset, length, expand (0/1). */
export const ENTRY = 7

export interface Tables {
  readonly strings: SharedArrayBuffer
  readonly shapes: SharedArrayBuffer
}

export type WorkerOptions = Pick<ExploreOptions, 'properties' | 'checkDeadlock' | 'maxDepth'>

/** A level's states: `index` holds (worker, chunk, offset, length in bytes) per rank; `chunks[w][c]` the vectors, packed (`packed.ts`); `ids` their ids. */
export interface LevelInput {
  readonly count: number
  readonly index: SharedArrayBuffer
  readonly ids: SharedArrayBuffer
  readonly chunks: readonly (readonly SharedArrayBuffer[])[]
}

export type ToWorker =
  | {
      readonly kind: 'start'
      readonly worker: number
      readonly source: ModelSource
      readonly options: WorkerOptions
      readonly tables: Tables
      readonly visited: SharedArrayBuffer
      readonly counts: SharedArrayBuffer
      readonly control: SharedArrayBuffer
      /** Ranks a worker takes at a time. */
      readonly grain: number
      readonly reverse: boolean
    }
  /** Take part in the search from the next level on (a thread that was not ready when it began), over this visited set. */
  | { readonly kind: 'join'; readonly visited: SharedArrayBuffer }
  /** Expand the states of depth `level`; level -1 has no input: worker 0 visits the initial states. */
  | { readonly kind: 'expand'; readonly level: number; readonly input: LevelInput | undefined }
  /** The visited set was grown while the workers paused: go on with the level. */
  | { readonly kind: 'resume'; readonly visited: SharedArrayBuffer; readonly parts: number }
  /** Put the new states in key order; `lowered`: the fingerprints whose key each worker lowered in the level. */
  | { readonly kind: 'finalize'; readonly lowered: readonly Lowered[] }

/** A violation a worker found, keyed by the step of the level that reached it. */
export interface Event {
  readonly property: string
  readonly kind: PropertyKind
  readonly message: string
  readonly rank: number
  /** The action index; -1 for a deadlock (found before any step of that state). */
  readonly action: number
  /**
   * What a check of the state threw (a view's checks, acted on at the end of the level): the
   * search's error if this is the first event in key order within the state budget.
   */
  readonly error?: ThreadError
}

export type FromWorker =
  | { readonly kind: 'ready'; readonly worker: number }
  | { readonly kind: 'paused'; readonly worker: number }
  | { readonly kind: 'expanded'; readonly worker: number; readonly limit?: LimitKind; readonly lowered: Lowered }
  | {
      readonly kind: 'finalized'
      readonly worker: number
      readonly entries: Int32Array
      readonly chunks: SharedArrayBuffer[]
      /** Bytes of memory the worker holds for state vectors and lists (this level's, the level before's, spare). */
      readonly heldBytes: number
      readonly event: Event | undefined
      readonly generated: number
      readonly coverage: ActionCoverage[]
      readonly cutByDepth: boolean
    }
  | { readonly kind: 'error'; readonly worker: number; readonly name: string; readonly message: string; readonly stack?: string }

/** A worker's list of the fingerprints (lane A, lane B) whose slot key it lowered in a level. */
export interface Lowered {
  readonly buffer: SharedArrayBuffer
  readonly count: number
}

/** Keys compare by rank, then action. */
export function keyBefore(r1: number, a1: number, r2: number, a2: number): boolean {
  return r1 < r2 || (r1 === r2 && a1 < a2)
}
