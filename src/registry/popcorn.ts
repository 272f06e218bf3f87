/** The `popcorn` model: its rules, its properties and its proofs, assembled. */
import { defineModel } from '../checker/model.ts'
import { popcornRules, type PopParams } from '../model/popcorn.ts'
import { POPCORN_MUTATIONS } from '../model/popcorn/config.ts'
import { RETRIEVALS } from '../model/popcorn/retrieval.ts'
import { noLostMapping, popcornInvariants, singleCopy } from '../properties/popcorn.ts'
export { popcornProofs } from '../properties/popcorn.proofs.ts'

export const popcorn = defineModel<PopParams>({
  name: 'popcorn',
  doc: "Popcorn's distributed thread groups: migration, shadows, exit, and the distributed address space with COW",
  params: [
    { name: 'kernels', kind: 'int', default: 2, min: 2, max: 4, doc: 'kernel instances' },
    { name: 'threads', kind: 'int', default: 2, min: 1, max: 3, doc: 'threads of process 0' },
    { name: 'pages', kind: 'int', default: 2, min: 1, max: 3, doc: 'virtual pages of the address space' },
    { name: 'frames', kind: 'int', default: 2, min: 1, max: 4, doc: "frames in each kernel's partition" },
    { name: 'ops', kind: 'int', default: 1, min: 0, max: 4, doc: "operations of each thread's program (then exit)" },
    { name: 'mapped', kind: 'int', default: 2, min: 0, max: 3, doc: 'pages of the initial anonymous VMA (from page 0)' },
    { name: 'populated', kind: 'int', default: 0, min: 0, max: 3, doc: 'of those, pages already faulted in on kernel 0' },
    { name: 'spread', kind: 'bool', default: true, doc: 'thread i starts on kernel i mod K (else all on kernel 0)' },
    { name: 'read', kind: 'bool', default: true, doc: 'programs may read a page' },
    { name: 'write', kind: 'bool', default: true, doc: 'programs may write a page' },
    { name: 'migrate', kind: 'bool', default: false, doc: 'programs may migrate to another kernel' },
    { name: 'fork', kind: 'bool', default: false, doc: 'a thread may fork a child process (once)' },
    { name: 'mmap', kind: 'bool', default: false, doc: 'programs may mmap a page at a kernel-chosen address' },
    { name: 'munmap', kind: 'bool', default: false, doc: 'programs may munmap a page' },
    { name: 'mprotect', kind: 'bool', default: false, doc: 'programs may mprotect a page (r or rw)' },
    { name: 'mremap', kind: 'bool', default: false, doc: 'programs may mremap page v to v+1 mod pages' },
    { name: 'exit', kind: 'bool', default: true, doc: 'programs end with exit' },
    { name: 'childOps', kind: 'int', default: 1, min: 0, max: 2, doc: "operations (read, write) of the fork child's program" },
    { name: 'prefetch', kind: 'int', default: 0, min: 0, max: 2, doc: 'prefetch slots of a mapping answer (5.7.6)' },
    { name: 'retrieval', kind: 'enum', values: [...RETRIEVALS], default: 'broadcast', doc: "the fault's mapping retrieval (8.2): query every kernel, a ring that stops at a full mapping, a ring through every kernel that installs as it goes, or the group's kernels only" },
    { name: 'joinWait', kind: 'bool', default: true, doc: 'retrieval group: a migrated task new to a kernel waits for every JOINED before it resumes (8.2.2)' },
    { name: 'atomicTimestamp', kind: 'bool', default: false, doc: 'taking the timestamp and sending REQUEST are one step' },
    { name: 'atomicBroadcast', kind: 'bool', default: true, doc: 'send to all is one step (else K-1 steps)' },
    { name: 'gcCountsHeavyCopies', kind: 'bool', default: false, doc: 'heavy copies keep a per-page queue alive' },
    { name: 'deferAcks', kind: 'bool', default: false, doc: 'a fix of the lock: hold the ACK of a later request until the own REQUEST went to its sender' },
    { name: 'requestLock', kind: 'bool', default: false, doc: "a fix of the lock: a per-kernel lock held from the fetch-and-add until REQUEST went to all, also taken by the REQUEST handler" },
    { name: 'countExitingMembers', kind: 'bool', default: true, doc: 'a member in the middle of its exit still counts as a member' },
    { name: 'reserveLent', kind: 'bool', default: false, doc: 'a frame its owner lent stays reserved until the group exits' },
    { name: 'exitLock', kind: 'bool', default: false, doc: 'a fix: exit decides "last member" under the heavy lock, released after do_exit' },
    { name: 'migrateLock', kind: 'bool', default: false, doc: 'a fix: migration holds the heavy lock from before the task leaves until the destination acknowledges its arrival' },
    { name: 'shadowExitSavesMm', kind: 'bool', default: false, doc: "a fix: the last task leaving a kernel (a shadow's exit) saves its mm until the group exit" },
    { name: 'deferFree', kind: 'bool', default: false, doc: 'a fix: munmap clears its own PTE first and frees its frames only after every remote unmap' },
    { name: 'prefetchNormalOnly', kind: 'bool', default: false, doc: 'a fix: the responder leaves COW pages out of the prefetch slots' },
    { name: 'distributedFork', kind: 'bool', default: false, doc: 'a fix: fork pulls the remote mappings and zaps the remote PTEs under the heavy lock' },
  ],
  mutations: POPCORN_MUTATIONS.map(([name, doc]) => ({ name, doc })),
  create: (p, m) => {
    const rules = popcornRules(p, m)
    return { ...rules, invariants: popcornInvariants(rules.config), transitionInvariants: { singleCopy, noLostMapping } }
  },
})
