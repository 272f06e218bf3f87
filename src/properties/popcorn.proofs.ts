/**
 * The `popcorn` model's proofs: what `rkcheck verify` runs, and the outcome expected of each.
 *
 * CI configurations: 2 kernels, 2 threads, 2 pages, 2 frames per kernel; together they fault,
 * migrate, fork, mprotect, munmap, mremap, mmap and exit. The faithful model of each
 * operation is a finding where the checker breaks it; each finding's fix is a parameter,
 * checked where it is the only change. Configurations about another operation take the lock
 * steps coarser (`atomicTimestamp`: the lock alone is checked at its finest granularity in
 * `popcorn/fault/*`) and the fixes of the findings they do not study.
 */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

const ci = { kernels: 2, threads: 2, pages: 2, frames: 2 }
/** The lock's steps as one (timestamp, enqueue, send): correct by `popcorn/fault/requestLock` and `lamport`. */
const coarseLock = { atomicTimestamp: true }
/** The finest steps of the lock: the fetch-and-add, the enqueue and each send apart. */
const finest = { atomicTimestamp: false, atomicBroadcast: false }

const fault = { ...ci, ops: 1, exit: false }
const exits = { ...ci, ...coarseLock, ops: 1 }
const migrate = { ...ci, ...coarseLock, ops: 1, populated: 1, migrate: true, write: false, exitLock: true }
/** Migrations only, two each: to a new kernel (5.6.1) and back to the shadow (5.6.2). */
const migrateBack = { ...migrate, ops: 2, read: false, shadowExitSavesMm: true }
const fork = { ...ci, ...coarseLock, ops: 1, populated: 1, fork: true, exit: false }
const munmap = { ...ci, ...coarseLock, ops: 2, munmap: true, write: false, exit: false }
const mprotect = { ...ci, ...coarseLock, ops: 1, populated: 1, mprotect: true, read: false, exit: false }
const mremap = { ...ci, ...coarseLock, ops: 1, populated: 1, mremap: true, exit: false }
/** Prefetch around a COW page: both pages faulted in on kernel 0, a third frame for the COW break. */
const prefetch = { ...fork, populated: 2, frames: 3, prefetch: 2, distributedFork: true, reserveLent: true }
const mmap = { ...ci, ...coarseLock, ops: 2, mapped: 1, mmap: true, write: false, exit: false }
/** Mapping retrieval (8.2): 3 kernels (a ring has a kernel between the faulting one and kernel 0), page 0 faulted in on kernel 0. */
const retrieval3 = { ...fault, ...coarseLock, kernels: 3, populated: 1 }
/** Both threads start on kernel 0, so a migration goes to a kernel new to the group (group retrieval's JOIN round), then exit. */
const retrievalMigrate = { ...migrate, shadowExitSavesMm: true, spread: false }
/** Finding 8: 3 kernels, page 0 on kernel 0; each thread reads or migrates twice, then exits. */
const exitInFlight = { ...ci, ...coarseLock, kernels: 3, pages: 1, mapped: 1, populated: 1, ops: 2, write: false, migrate: true, exitLock: true, shadowExitSavesMm: true }
const RETRIEVAL_VARIANTS = ['ring', 'ring-all', 'group'] as const

const both = ['ci', 'full'] as const

export const popcornProofs: readonly ProofEntry[] = [
  {
    id: 'popcorn/fault/faithful',
    model: 'popcorn',
    params: fault,
    expect: {
      violates: 'lamportMutualExclusion',
      finding:
        "the page lock of a fault loses mutual exclusion as in `lamport`: the faulting thread's fetch-and-add and its REQUEST are " +
        'apart, the other kernel ACKs a later request first, and both faulting kernels hold page(tg, v) (000 5.7.4)',
    },
    suites: both,
  },
  {
    id: 'popcorn/fault/faithful/twoFrames',
    model: 'popcorn',
    params: fault,
    properties: ['mappingConsistency'],
    expect: {
      violates: 'mappingConsistency',
      finding:
        'what the lost page lock costs: both faulting kernels find no mapping and each maps the page to a frame of its own, ' +
        '"two physical pages mapped to the same virtual page" (000 5.7.4), the failure the lock is there to remove',
    },
    suites: both,
  },
  { id: 'popcorn/fault', model: 'popcorn', params: { ...fault, ...coarseLock }, expect: { holds: true }, suites: both },
  { id: 'popcorn/fault/requestLock', model: 'popcorn', params: { ...fault, ...finest, requestLock: true }, expect: { holds: true }, suites: both },
  {
    id: 'popcorn/exit/faithful',
    model: 'popcorn',
    params: exits,
    expect: {
      violates: 'noLeakAtEnd',
      finding:
        'the last two threads exit at once on two kernels: each counts the other as a remote member (000 5.5, Table 6.1 ' +
        '"Counting remote thread group members"), so each saves its mm and neither sends the group exit: the saved mms stay forever',
    },
    suites: both,
  },
  {
    id: 'popcorn/exit/notCountingExiting',
    model: 'popcorn',
    params: { ...exits, countExitingMembers: false },
    expect: {
      violates: 'noLeakAtEnd',
      finding:
        'not counting members already exiting does not help: the group exit notification reaches a kernel before its last ' +
        'member decides, which then saves its mm after the group is gone',
    },
    suites: both,
  },
  { id: 'popcorn/exit/exitLock', model: 'popcorn', params: { ...exits, exitLock: true }, expect: { holds: true }, suites: both },
  {
    id: 'popcorn/migrate/faithful',
    model: 'popcorn',
    params: migrate,
    expect: {
      violates: 'noLostMapping',
      finding:
        'a task migrates away and exits; its shadow exits on the kernel it left (000 5.5), which has no task of the group any more ' +
        'and tears the mm down: "When that happens, all of the pages that were borrowed ... are released" (5.7): the group loses ' +
        'the part of its address space kept only there, and another thread faults on a mapped page',
    },
    suites: both,
  },
  {
    id: 'popcorn/migrate/faithful/noUseAfterFree',
    model: 'popcorn',
    params: migrate,
    properties: ['noUseAfterFree'],
    expect: {
      violates: 'noUseAfterFree',
      finding: "the same teardown frees the frames the shadow's kernel lent: another thread of the group still maps them",
    },
    suites: both,
  },
  { id: 'popcorn/migrate', model: 'popcorn', params: { ...migrate, shadowExitSavesMm: true }, expect: { holds: true }, suites: both },
  { id: 'popcorn/migrate/back', model: 'popcorn', params: migrateBack, expect: { holds: true }, suites: both },
  // Finding 8's fix (the finding itself needs 3 kernels; see popcorn/exit/inFlight/migrateLock below)
  { id: 'popcorn/migrate/migrateLock', model: 'popcorn', params: { ...migrate, shadowExitSavesMm: true, migrateLock: true }, expect: { holds: true }, suites: both },
  { id: 'popcorn/migrate/back/migrateLock', model: 'popcorn', params: { ...migrateBack, migrateLock: true }, expect: { holds: true }, suites: both },
  {
    id: 'popcorn/fork/faithful',
    model: 'popcorn',
    params: fork,
    expect: {
      violates: 'mappingConsistency',
      finding:
        "fork marks the parent's pages COW on the forking kernel only, while another kernel keeps its replica of the same page " +
        'normal: the very inconsistency of 000 5.7.1 ("a mapping on one kernel instance is COW and the corresponding mapping on ' +
        'another kernel instance is not COW")',
    },
    suites: both,
  },
  {
    id: 'popcorn/fork/distributedFork',
    model: 'popcorn',
    params: { ...fork, distributedFork: true },
    expect: {
      violates: 'noUseAfterFree',
      finding:
        "a fork that pulls the remote mappings in and has the other kernels drop theirs (as mremap does) meets mremap's finding: " +
        'the owner of a pulled frame frees it when it drops its own mapping',
    },
    suites: both,
  },
  { id: 'popcorn/fork', model: 'popcorn', params: { ...fork, distributedFork: true, reserveLent: true }, expect: { holds: true }, suites: both },
  {
    id: 'popcorn/munmap/faithful',
    model: 'popcorn',
    params: munmap,
    expect: {
      violates: 'noUseAfterFree',
      finding:
        'munmap called on a kernel that borrowed the page: the remote owner unmaps first and frees the frame (000 5.7.5, ' +
        '"Once all remote kernel instances have completed the required unmap operation, the local unmap is done") while the ' +
        "caller's own PTE still maps it, usable by its other threads",
    },
    suites: both,
  },
  {
    id: 'popcorn/munmap/faithfulLock',
    model: 'popcorn',
    params: { ...munmap, atomicTimestamp: false, deferFree: true },
    properties: ['noUseAfterFree', 'syscallPostconditions'],
    expect: {
      violates: 'syscallPostconditions',
      finding:
        'a fault racing with munmap: with the faithful lock steps the heavy lock of munmap and the page lock of a fault are held ' +
        'at once, the fault installs the mapping after the remote unmap, and munmap returns while another kernel maps the page ' +
        '(000 5.7.5: such operations "will never occur as a mapping is being migrated")',
    },
    suites: both,
  },
  { id: 'popcorn/munmap/deferFree', model: 'popcorn', params: { ...munmap, deferFree: true }, expect: { holds: true }, suites: both },
  { id: 'popcorn/munmap/reserveLent', model: 'popcorn', params: { ...munmap, reserveLent: true }, expect: { holds: true }, suites: both },
  { id: 'popcorn/mprotect', model: 'popcorn', params: mprotect, expect: { holds: true }, suites: both },
  {
    id: 'popcorn/mremap/faithful',
    model: 'popcorn',
    params: mremap,
    expect: {
      violates: 'noUseAfterFree',
      finding:
        'mremap "pull[s] in all of the remote mappings for the region" and has the other kernels unmap it (000 5.7.5): the ' +
        "owner of a pulled page frees its frame at that unmap, and the caller's moved mapping points at a free frame",
    },
    suites: both,
  },
  { id: 'popcorn/mremap/reserveLent', model: 'popcorn', params: { ...mremap, reserveLent: true }, expect: { holds: true }, suites: both },
  { id: 'popcorn/mmap', model: 'popcorn', params: mmap, expect: { holds: true }, suites: both },
  {
    id: 'popcorn/prefetch/faithful',
    model: 'popcorn',
    params: prefetch,
    expect: {
      violates: 'mappingConsistency',
      finding:
        'a prefetch slot is only "Starting virtual address ... Starting physical address ... Size" (000 5.7.6): a COW page next ' +
        'to the faulting one (broken at the responder, "Special treatment", 5.7.3) travels in a slot and is installed as a normal ' +
        'page, against its COW original',
    },
    suites: both,
  },
  { id: 'popcorn/prefetch', model: 'popcorn', params: { ...prefetch, prefetchNormalOnly: true }, expect: { holds: true }, suites: both },
  // the fixes at the finest granularity of the faithful model (every lock step and every send apart)
  ...(
    [
      ['exit/exitLock', { ...exits, exitLock: true }],
      ['migrate', { ...migrate, shadowExitSavesMm: true }],
      ['migrate/migrateLock', { ...migrate, shadowExitSavesMm: true, migrateLock: true }],
      ['migrate/back/migrateLock', { ...migrateBack, migrateLock: true }],
      ['fork', { ...fork, distributedFork: true, reserveLent: true }],
      ['munmap/deferFree', { ...munmap, ops: 1, populated: 1, deferFree: true }],
      ['munmap/reserveLent', { ...munmap, ops: 1, populated: 1, reserveLent: true }],
      ['mremap/reserveLent', { ...mremap, reserveLent: true }],
    ] as const
  ).map(
    ([id, params]): ProofEntry => ({
      id: `popcorn/${id}/finest`,
      model: 'popcorn',
      params: { ...params, ...finest, requestLock: true },
      expect: { holds: true },
      suites: ['full'],
    }),
  ),
  // larger configurations: 3 kernels, longer programs
  { id: 'popcorn/fault/3kernels', model: 'popcorn', params: { ...fault, ...finest, kernels: 3, requestLock: true }, expect: { holds: true }, suites: ['full'] },
  // Finding 8 (README): with 3 kernels the member count misses a task whose MIGRATE is in
  // flight (found by simulation, traces/popcorn.exit.inFlight*.sim.itf.json); its fix on the
  // whole space of the smaller configuration (4 million states: the longest entry)
  {
    id: 'popcorn/exit/inFlight',
    model: 'popcorn',
    params: exitInFlight,
    expect: {
      violates: 'noLostMapping',
      finding:
        'the remote-member count (000 5.5, Table 6.1) misses a task whose MIGRATE is in flight: its source has only its shadow, its ' +
        'destination has not created it yet, so the exiting task decides it is the last member and its do_exit tears the group down',
    },
    suites: ['full'],
  },
  {
    id: 'popcorn/exit/inFlight/migrateLock',
    model: 'popcorn',
    params: { ...exitInFlight, migrateLock: true },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'popcorn/migrate/3kernels',
    model: 'popcorn',
    params: { ...migrateBack, kernels: 3 },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'popcorn/munmap/faithfulLock/requestLock',
    model: 'popcorn',
    params: { ...munmap, ...finest, requestLock: true, deferFree: true },
    expect: { holds: true },
    suites: ['full'],
  },
  { id: 'popcorn/mprotect/2ops', model: 'popcorn', params: { ...mprotect, ops: 2, populated: 0 }, expect: { holds: true }, suites: ['full'] },
  { id: 'popcorn/mremap/2ops', model: 'popcorn', params: { ...mremap, ops: 2, write: false, reserveLent: true }, expect: { holds: true }, suites: ['full'] },
  // mapping retrieval (000 8.2, parameter `retrieval`): each variant against every property
  ...RETRIEVAL_VARIANTS.flatMap((retrieval): ProofEntry[] => [
    {
      id: `popcorn/retrieval/${retrieval}/faithful`,
      model: 'popcorn',
      params: { ...fault, retrieval },
      expect: {
        violates: 'lamportMutualExclusion',
        finding: `Finding 1 (the page lock of a fault) with ${retrieval} retrieval: 8.2 changes the query under the lock, not the lock`,
      },
      suites: both,
    },
    { id: `popcorn/retrieval/${retrieval}`, model: 'popcorn', params: { ...retrieval3, retrieval }, expect: { holds: true }, suites: both },
    { id: `popcorn/retrieval/${retrieval}/migrate`, model: 'popcorn', params: { ...retrievalMigrate, retrieval }, expect: { holds: true }, suites: both },
    {
      id: `popcorn/retrieval/${retrieval}/finest`,
      model: 'popcorn',
      params: { ...retrieval3, ...finest, requestLock: true, retrieval },
      expect: { holds: true },
      suites: ['full'],
    },
    { id: `popcorn/retrieval/${retrieval}/migrate/3kernels`, model: 'popcorn', params: { ...retrievalMigrate, kernels: 3, retrieval }, expect: { holds: true }, suites: ['full'] },
    {
      id: `popcorn/retrieval/${retrieval}/fork`,
      model: 'popcorn',
      params: { ...fork, distributedFork: true, reserveLent: true, kernels: 3, retrieval },
      expect: { holds: true },
      suites: ['full'],
    },
    {
      id: `popcorn/retrieval/${retrieval}/prefetch`,
      model: 'popcorn',
      params: { ...prefetch, prefetchNormalOnly: true, kernels: 3, retrieval },
      expect: { holds: true },
      suites: ['full'],
    },
    {
      id: `popcorn/retrieval/${retrieval}/munmap`,
      model: 'popcorn',
      params: { ...munmap, ops: 1, populated: 1, deferFree: true, kernels: 3, retrieval },
      expect: { holds: true },
      suites: ['full'],
    },
  ]),
  // the JOIN round at the finest granularity: every lock step and every send apart
  {
    id: 'popcorn/retrieval/group/migrate/finest',
    model: 'popcorn',
    params: { ...retrievalMigrate, ...finest, requestLock: true, retrieval: 'group' },
    expect: { holds: true },
    suites: both,
  },
  {
    id: 'popcorn/retrieval/group/noJoinWait',
    model: 'popcorn',
    params: { ...retrievalMigrate, ops: 2, populated: 0, write: true, exit: false, retrieval: 'group', joinWait: false },
    expect: { holds: true },
    suites: ['full'],
  },
  ...mutationEntries('popcorn', { ...ci, ...coarseLock }, [
    ['noFaultLock', { ops: 1, exit: false }, 'mappingConsistency'],
    ['noCowBreak', { ...fork, distributedFork: true, reserveLent: true }, 'noCowReplicas'],
    ['noHeavyLock', mprotect, 'syscallPostconditions'],
    ['noHeavyLock', mprotect, 'vmaConsistency', true],
    ['localFirstUnmap', { ...munmap, deferFree: true }, 'noUseAfterFree'],
    ['noHeavyMirror', { ...munmap, deferFree: true }, 'lamportMutualExclusion'],
    ['unorderedChannels', { ops: 1, exit: false }, 'lamportMutualExclusion'],
    ['noSavedMm', { ...exits, exitLock: true }, 'noLostMapping'],
    ['noSavedMm', { ...exits, exitLock: true }, 'noUseAfterFree', true],
    ['noSavedMm', { ...exits, exitLock: true }, 'singleCopy', true],
    ['skipShadowExit', { ...migrate, shadowExitSavesMm: true }, 'taskLifecycle'],
    ['noMmapFetch', mmap, 'syscallPostconditions'],
    ['noShadowWake', migrateBack, 'taskLifecycle'],
    ['noGc', { ...exits, exitLock: true }, 'noLeakAtEnd'],
    ['silentCount', { ...exits, exitLock: true, spread: false }, 'deadlock'],
    ['ringStopsAtVma', { kernels: 3, threads: 3, pages: 1, mapped: 1, ops: 1, read: false, exit: false, retrieval: 'ring' }, 'mappingConsistency'],
    ['noJoin', { ops: 2, migrate: true, exit: false, spread: false, retrieval: 'group' }, 'mappingConsistency'],
  ]),
]
