/**
 * The `popcorn` model's parameters and mutations, read once into a `PopConfig` that every
 * rule file takes. The readings the thesis leaves open and the fixes the checker motivated
 * are parameters (faithful reading by default); the mutations are the spec's bug table.
 */
import { InputError } from '../../checker/errors.ts'
import type { LockOptions } from './lamport-lock.ts'
import { PROGRAM_OPS, type ProgramOp } from './state.ts'
import type { Retrieval } from './retrieval.ts'

export interface PopParams {
  readonly kernels: number
  readonly threads: number
  readonly pages: number
  readonly frames: number
  readonly ops: number
  /** Initially mapped pages (one anonymous read-write VMA from page 0); the rest is free for mmap. */
  readonly mapped: number
  /** Of those, the first ones already faulted in on kernel 0 (its first frames). */
  readonly populated: number
  /** Thread i starts on kernel i mod K (as after a migration); else all start on kernel 0. */
  readonly spread: boolean
  readonly read: boolean
  readonly write: boolean
  readonly migrate: boolean
  readonly fork: boolean
  readonly mmap: boolean
  readonly munmap: boolean
  readonly mprotect: boolean
  readonly mremap: boolean
  readonly exit: boolean
  readonly childOps: number
  readonly prefetch: number
  /** The fault's mapping retrieval (000 8.2, `retrieval.ts`): broadcast (5.7.3), ring, ring-all or group. */
  readonly retrieval: Retrieval
  /** Group retrieval: the migrated task waits for every JOINED before it resumes (8.2.2; false: it resumes at once). */
  readonly joinWait: boolean
  readonly atomicTimestamp: boolean
  readonly atomicBroadcast: boolean
  readonly gcCountsHeavyCopies: boolean
  readonly deferAcks: boolean
  readonly requestLock: boolean
  readonly countExitingMembers: boolean
  readonly reserveLent: boolean
  readonly distributedFork: boolean
  readonly exitLock: boolean
  readonly deferFree: boolean
  readonly prefetchNormalOnly: boolean
  readonly shadowExitSavesMm: boolean
  readonly migrateLock: boolean
  readonly [k: string]: number | boolean | string
}

export const POPCORN_MUTATIONS = [
  ['noFaultLock', 'fault retrieval without the per-page lock'],
  ['noCowBreak', 'the responder answers with the COW mapping unbroken'],
  ['noHeavyLock', 'munmap and mprotect without the heavy lock'],
  ['localFirstUnmap', 'munmap unmaps (and frees) locally before the remote acknowledgements'],
  ['noHeavyMirror', 'heavy entries are not copied into per-page queues'],
  ['unorderedChannels', 'a channel may deliver any of its messages'],
  ['noSavedMm', 'the last local member does not save the mm'],
  ['skipShadowExit', 'exit does not notify the shadows'],
  ['noMmapFetch', 'mmap picks a locally free range without fetching remote mappings (Figure 5.12)'],
  ['noShadowWake', 'a migration back sets the disposition but does not wake the shadow'],
  ['noGc', 'per-page queues are never garbage collected'],
  ['silentCount', 'a kernel with no copy of the group ignores the member count query'],
  ['ringStopsAtVma', 'retrieval ring: a kernel that finds a VMA alone answers, as if it were a complete mapping (8.2.1)'],
  ['noJoin', 'retrieval group: a kernel new to the group does not announce it (8.2.2)'],
] as const

export type PopMutation = (typeof POPCORN_MUTATIONS)[number][0]

export interface PopConfig {
  readonly K: number
  readonly T: number
  readonly V: number
  readonly F: number
  /** Task slots: the threads, then the fork child. */
  readonly slots: number
  /** Processes: tg 0, then the fork child's. */
  readonly groups: number
  readonly p: PopParams
  readonly ops: readonly ProgramOp[]
  readonly lock: LockOptions
  readonly unordered: boolean
  readonly has: (m: PopMutation) => boolean
}

export function popConfig(p: PopParams, mutations: ReadonlySet<string>): PopConfig {
  const has = (m: PopMutation): boolean => mutations.has(m)
  const ops = PROGRAM_OPS.filter((o) => p[o] === true)
  if (p.mapped > p.pages) throw new InputError(`popcorn: mapped=${p.mapped} exceeds pages=${p.pages}`)
  if (p.populated > Math.min(p.mapped, p.frames)) throw new InputError(`popcorn: populated=${p.populated} exceeds mapped=${p.mapped} or frames=${p.frames}`)
  if (p.retrieval === 'group' && p['migrateLock'] === true) throw new InputError('popcorn: retrieval=group is not modeled with migrateLock (the membership round runs when the migration ends)')
  return {
    K: p.kernels,
    T: p.threads,
    V: p.pages,
    F: p.frames,
    slots: p.threads + (p.fork ? 1 : 0),
    groups: p.fork ? 2 : 1,
    p,
    ops,
    lock: {
      queues: {
        mirrorHeavy: !has('noHeavyMirror'),
        copyOnCreate: true,
        ordered: true,
        collect: !has('noGc'),
        gcCountsHeavyCopies: p.gcCountsHeavyCopies,
      },
      atomicTimestamp: p.atomicTimestamp,
      atomicBroadcast: p.atomicBroadcast,
      deferAcks: p.deferAcks,
      requestLock: p.requestLock,
      waitForAcks: true,
    },
    unordered: has('unorderedChannels'),
    has,
  }
}

export const bit = (k: number): number => 1 << k

export function bitsOf(mask: number): number[] {
  const out: number[] = []
  for (let i = 0; mask >> i !== 0; i++) if ((mask >> i) & 1) out.push(i)
  return out
}

/** Every kernel but `self`, as a bit mask. */
export const others = (K: number, self: number): number => ((1 << K) - 1) & ~(1 << self)
