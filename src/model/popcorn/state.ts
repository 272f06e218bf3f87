/**
 * The state of the `popcorn` model (seed 000_e5bbc95a2ea9d194.txt, chapter 5): kernels with
 * their frame partitions and shared clock word (`kernels.ts`), one FIFO channel per ordered
 * pair of kernels (`messaging.ts`), and per kernel the task structures (running tasks and
 * shadows, 5.2), one mm per distributed process (5.7), and the Lamport queues of each
 * process (`lamport-queues.ts`).
 *
 * Absent things are sentinels, never null (states are plain data): a VMA with `prot` 0 is
 * no VMA, a PTE with `frame` -1 is no PTE, an mm with status `none` does not exist.
 */
import type { Frame } from './kernels.ts'
import type { LockKernel, LockMsg, LockRequest } from './lamport-lock.ts'
import type { ProcessQueues } from './lamport-queues.ts'
import type { Messaging } from './messaging.ts'

/** Protection bits: 0 no VMA, 1 read, 3 read-write. */
export const PROT_NONE = 0
export const PROT_R = 1
export const PROT_RW = 3

/** A VMA over one page: prot 0 is "no VMA"; `file` 0 is anonymous, else a file id at `off`. */
export interface Vma {
  readonly prot: number
  readonly file: number
  readonly off: number
}

/** A page-table entry: frame -1 is "not mapped"; `cow` marks a copy-on-write page. */
export interface Pte {
  readonly frame: number
  readonly prot: number
  readonly cow: boolean
}

export const NO_VMA: Vma = { prot: PROT_NONE, file: 0, off: 0 }
export const NO_PTE: Pte = { frame: -1, prot: PROT_NONE, cow: false }

/**
 * One kernel's copy of a process's address space (a partial replica, Figure 5.6).
 * `used`: referenced by the tasks (running or shadow) of the process on this kernel;
 * `saved`: kept after the last local member exited while remote members remain (5.5);
 * `ending`: used, and the group's exit is known here: it goes with its last task.
 */
export type MmStatus = 'none' | 'used' | 'saved' | 'ending'

export interface Mm {
  readonly status: MmStatus
  readonly vmas: readonly Vma[]
  readonly ptes: readonly Pte[]
}

/**
 * A task's structures on one kernel: `live` (executing there), `shadow` (dormant after
 * migrating away, 5.2), `wakeMigrate` / `wakeExit` (a shadow whose return disposition is
 * set and that has been woken, not yet scheduled).
 */
export type Presence = 'none' | 'live' | 'shadow' | 'wakeMigrate' | 'wakeExit'

/** A lock resource: a page of a process, or its heavy lock (`res` = HEAVY). */
export interface LockRes {
  readonly tg: number
  readonly res: number
}

export interface PopKernel {
  /** By task id. */
  readonly tasks: readonly Presence[]
  /** By process (tg) id. */
  readonly mms: readonly Mm[]
  /** By process id: the Lamport queues this kernel keeps for it. */
  readonly queues: readonly ProcessQueues[]
  readonly lock: LockKernel<LockRes>
  /**
   * `retrieval` group only (8.2.2), by process id: the kernels (bits) this kernel knows host
   * or have hosted a member of the group.
   */
  readonly members?: readonly number[]
}

export type OpName =
  | 'idle'
  | 'read'
  | 'write'
  | 'migrate'
  | 'fork'
  | 'mmap'
  | 'munmap'
  | 'mprotect'
  | 'mremap'
  | 'exit'
  | 'gone'

/** The operations a program may choose (the parameters switch them on and off). */
export const PROGRAM_OPS = ['read', 'write', 'migrate', 'fork', 'mmap', 'munmap', 'mprotect', 'mremap'] as const
export type ProgramOp = (typeof PROGRAM_OPS)[number]

/** What a mapping query found for one page: `vma.prot` 0 is nothing, `pte.frame` -1 a VMA alone. */
export interface Mapping {
  readonly page: number
  readonly vma: Vma
  readonly pte: Pte
}

/**
 * A task: a thread of a distributed process, its program and the system call it is in.
 * Its identity (5.3) is its index; `tg` its process (-1: a slot for a child not forked yet).
 */
export interface Task {
  readonly tg: number
  /** The kernel it executes on (while migrating: the destination). */
  readonly at: number
  /** Kernels it has executed on (bit k), the record migrated with it (5.6). */
  readonly visited: number
  /** Operations left in its program. */
  readonly left: number
  readonly op: OpName
  /** The step of the operation (see `operations.ts`). */
  readonly phase: string
  /** Operand: the page (read, write, munmap, mprotect, mremap, mmap candidate). */
  readonly page: number
  /** Second operand: the protection (mprotect), destination (migrate, mremap), backing (mmap). */
  readonly arg: number
  readonly lock: LockRequest<LockRes>
  /** Kernels whose reply (answer, acknowledgement, count) is still awaited. */
  readonly wait: number
  /** Best answer so far per page (5.7.3: a full mapping beats a VMA alone beats nothing). */
  readonly got: readonly Mapping[]
  /** Remote members counted during exit (5.5). */
  readonly count: number
  /** mmap: candidate pages found to conflict (Figure 5.12). */
  readonly tried: number
  /**
   * A message being sent one kernel at a time (`atomicBroadcast` false): zero or one
   * message, and the kernels (bits) it still goes to.
   */
  readonly out: readonly PopMsg[]
  readonly outTo: number
}

export type ModifyKind = 'unmap' | 'protect' | 'zap'

export type PopMsg =
  | (LockMsg<LockRes> & { readonly kind: 'REQUEST' | 'ACK' | 'RELEASE' })
  /** A mapping query for the pages of `pages` (bit v) of process tg, for task `task`. */
  | { readonly kind: 'QUERY'; readonly tg: number; readonly task: number; readonly pages: number; readonly fault: boolean }
  | { readonly kind: 'ANSWER'; readonly task: number; readonly maps: readonly Mapping[] }
  /** A distributed munmap, mprotect, or (distributed fork) PTE zap of `pages`. */
  | {
      readonly kind: 'MODIFY'
      readonly tg: number
      readonly task: number
      readonly how: ModifyKind
      readonly pages: number
      readonly prot: number
    }
  | { readonly kind: 'MODIFIED'; readonly task: number }
  | { readonly kind: 'MIGRATE'; readonly task: number }
  /** `migrateLock`: the destination has the migrated task executing. */
  | { readonly kind: 'ARRIVED'; readonly task: number }
  | { readonly kind: 'EXIT'; readonly task: number }
  | { readonly kind: 'COUNT'; readonly tg: number; readonly task: number }
  | { readonly kind: 'COUNTED'; readonly task: number; readonly n: number }
  | { readonly kind: 'GROUP_EXIT'; readonly tg: number }
  /** `retrieval` ring / ring-all (8.2.1): a fault's query on its way round, with the best findings so far. */
  | { readonly kind: 'RING'; readonly tg: number; readonly task: number; readonly origin: number; readonly page: number; readonly maps: readonly Mapping[] }
  | { readonly kind: 'RING_ANSWER'; readonly task: number; readonly maps: readonly Mapping[] }
  /** `retrieval` group (8.2.2): kernel `from` now hosts process tg (for task `task`), and its acknowledgement. */
  | { readonly kind: 'JOIN'; readonly tg: number; readonly task: number }
  | { readonly kind: 'JOINED'; readonly task: number }

export type PopMsgKind = PopMsg['kind']
export const POP_MSG_KINDS: readonly PopMsgKind[] = [
  'REQUEST',
  'ACK',
  'RELEASE',
  'QUERY',
  'ANSWER',
  'MODIFY',
  'MODIFIED',
  'MIGRATE',
  'EXIT',
  'COUNT',
  'COUNTED',
  'GROUP_EXIT',
]

export interface PopState {
  /** The shared logical-clock word (5.7.4). */
  readonly clock: number
  readonly frames: readonly Frame[]
  readonly kernels: readonly PopKernel[]
  readonly tasks: readonly Task[]
  readonly net: Messaging<PopMsg>
  /** Ghost (no rule reads it): the value of the last write to each page, by process. */
  readonly lastWrite: readonly (readonly number[])[]
  /**
   * Ghost: the address space as SMP Linux would have it, by process and page: the protection
   * of the page (0: not mapped), changed when mmap, munmap, mprotect or mremap does its local
   * change, copied at fork.
   */
  readonly layout: readonly (readonly number[])[]
  /** `reserveLent`: the process a frame stays reserved for since its owner lent it, by frame; -1 none. */
  readonly reservedFor: readonly number[]
  /** Ghost: a kernel's partition ran out of frames (the run is cut there). */
  readonly oom: boolean
}
