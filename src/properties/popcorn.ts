/**
 * Properties of the `popcorn` model: the ten of the spec (popcorn.md, "Properties"), each
 * quoting the claim of seed 000_e5bbc95a2ea9d194.txt it checks. Deadlock freedom (10) is
 * the engine's check, with `finished` as the proper end state.
 */
import type { Check } from '../checker/model.ts'
import { HEAVY } from '../model/popcorn/lamport-queues.ts'
import { finished, quiescent, type PopAction } from '../model/popcorn.ts'
import type { PopConfig } from '../model/popcorn/config.ts'
import { ownerOf } from '../model/popcorn/address-space.ts'
import { handingOver } from '../model/popcorn/tasks.ts'
import { PROT_NONE, PROT_RW, type Mm, type PopState } from '../model/popcorn/state.ts'

type Copy = { readonly k: number; readonly mm: Mm }

/** The copies of each process that exist, with their kernel; computed once per state (the properties all read them). */
const copiesOf = new WeakMap<PopState, Copy[][]>()

function copies(s: PopState, tg: number): Copy[] {
  let all = copiesOf.get(s)
  if (all === undefined) {
    all = s.kernels[0]!.mms.map((_, g) => s.kernels.flatMap((kern, k) => (kern.mms[g]!.status === 'none' ? [] : [{ k, mm: kern.mms[g]! }])))
    copiesOf.set(s, all)
  }
  return all[tg]!
}

/** Is an mprotect of page v of tg between its remote and its local change (the protections legitimately differ)? */
function protectInProgress(s: PopState, tg: number, v: number): boolean {
  return s.tasks.some((t) => t.tg === tg && t.op === 'mprotect' && t.phase === 'local' && t.page === v)
}

function pairs<T>(xs: readonly T[]): [T, T][] {
  const out: [T, T][] = []
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) out.push([xs[i]!, xs[j]!])
  return out
}

export function popcornInvariants(c: PopConfig) {
  const groups = Array.from({ length: c.groups }, (_, g) => g)
  const pages = Array.from({ length: c.V }, (_, v) => v)

  /**
   * 1. Mapping consistency (000 5.7.1): "for two mappings for the same distributed thread
   * group on two different kernel instances to be consistent with one another ... Either one
   * kernel instance is missing the mapping entirely, or All of the following aspects of both
   * mappings must be the same - Virtual address - Physical address ... - Protection bits -
   * Backing source ... - Special page status (COW, zero page, normal page)". Protection is
   * not compared while an mprotect of the page is between its remote and local change.
   */
  function mappingConsistency(s: PopState): Check {
    for (const g of groups) {
      for (const [a, b] of pairs(copies(s, g))) {
        for (const v of pages) {
          const pa = a.mm.ptes[v]!
          const pb = b.mm.ptes[v]!
          if (pa.frame < 0 || pb.frame < 0) continue
          const where = `tg ${g} page ${v} on kernels ${a.k} and ${b.k}`
          if (pa.frame !== pb.frame) return `${where}: frames ${pa.frame} and ${pb.frame}`
          if (pa.cow !== pb.cow) return `${where}: ${pa.cow ? 'COW' : 'normal'} and ${pb.cow ? 'COW' : 'normal'}`
          if (pa.prot !== pb.prot && !protectInProgress(s, g, v)) return `${where}: protections ${pa.prot} and ${pb.prot}`
          const va = a.mm.vmas[v]!
          const vb = b.mm.vmas[v]!
          if (va.file !== vb.file || va.off !== vb.off) return `${where}: backings differ`
        }
      }
    }
    return true
  }

  /**
   * 2. VMA consistency (000 5.7.1, Figures 5.6 and 5.7): "the type of all of the VMAs present
   * on each kernel instance is consistent"; "Two mappings with different backing types are
   * inconsistent with one another". Overlapping VMAs of one process agree on protection and
   * backing (protection: unless an mprotect of the page is in progress).
   */
  function vmaConsistency(s: PopState): Check {
    for (const g of groups) {
      for (const [a, b] of pairs(copies(s, g))) {
        for (const v of pages) {
          const va = a.mm.vmas[v]!
          const vb = b.mm.vmas[v]!
          if (va.prot === PROT_NONE || vb.prot === PROT_NONE) continue
          const where = `tg ${g} page ${v}: the VMAs of kernels ${a.k} and ${b.k}`
          if (va.file !== vb.file || va.off !== vb.off) return `${where} have different backings (${backing(va.file)}, ${backing(vb.file)})`
          if (va.prot !== vb.prot && !protectInProgress(s, g, v)) return `${where} have protections ${va.prot} and ${vb.prot}`
        }
      }
    }
    return true
  }

  /**
   * 3. No COW replicas (000 5.7.3, "Special treatment"): "If the COW mapping was instead
   * retrieved without first breaking the COW page, the newly installed mapping on the
   * requesting kernel instance would also be mapped COW. If code on both kernel instances
   * then breaks the COW, two different physical addresses would be assigned to the same
   * virtual address." A COW PTE of a process exists on at most one kernel.
   */
  function noCowReplicas(s: PopState): Check {
    for (const g of groups) {
      for (const v of pages) {
        const ks = copies(s, g).filter((x) => x.mm.ptes[v]!.frame >= 0 && x.mm.ptes[v]!.cow)
        if (ks.length > 1) return `tg ${g} page ${v} is mapped COW on kernels ${ks.map((x) => x.k).join(' and ')}`
      }
    }
    return true
  }

  /**
   * 4. Lamport mutual exclusion (000 5.7.4-5.7.5): the per-page lock gives "some notion of
   * atomicity" to mapping retrieval; with the heavy lock "it is assured that not only will
   * concurrent operations that modify the address space be prohibited, but also those
   * operations will never occur as a mapping is being migrated". At most one holder of
   * page(tg, v) (two threads of one kernel included), and a holder of heavy(tg) excludes
   * every other lock of tg.
   */
  function lamportMutualExclusion(s: PopState): Check {
    const holders = s.tasks.flatMap((t, i) => (t.tg >= 0 && t.lock.phase === 'holding' ? [{ i, k: t.at, r: t.lock.res }] : []))
    for (const [a, b] of pairs(holders)) {
      if (a.r.tg !== b.r.tg) continue
      if (a.r.res === HEAVY || b.r.res === HEAVY || a.r.res === b.r.res) {
        return `tasks ${a.i} (kernel ${a.k}) and ${b.i} (kernel ${b.k}) hold ${lockName(a.r.res)} and ${lockName(b.r.res)} of tg ${a.r.tg} at once`
      }
    }
    return true
  }

  /**
   * 5. No use after free (000 4.3, 5.7): a kernel "will not attempt to use another kernel
   * instances allotted memory region"; "pages from other kernel instances can be borrowed
   * safely as long as they remain reserved on the kernel instance that owns them". No PTE
   * that can still be used points at a free frame; no frame is mapped at two different pages
   * of one process. A PTE can be used while a task that is not exiting holds its copy
   * (running there, or a shadow that may resume), or while the copy is saved and such a task
   * remains anywhere (it answers that task's queries); a copy held only by tasks past the
   * start of their exit is being torn down. (A kernel allocates only from its own partition
   * by construction: `kernels.ts`.)
   */
  function noUseAfterFree(s: PopState): Check {
    const active = (i: number, g: number): boolean => s.tasks[i]!.tg === g && s.tasks[i]!.op !== 'exit' && s.tasks[i]!.op !== 'gone'
    for (const g of groups) {
      const pageOf = new Map<number, number>()
      const groupActive = s.tasks.some((_, i) => active(i, g))
      for (const { k, mm } of copies(s, g)) {
        const usable = (mm.status === 'saved' && groupActive) || s.tasks.some((_, i) => active(i, g) && s.kernels[k]!.tasks[i] !== 'none')
        for (const v of pages) {
          const f = mm.ptes[v]!.frame
          if (f < 0) continue
          if (usable && !s.frames[f]!.used) return `kernel ${k} maps tg ${g} page ${v} to frame ${f}, which kernel ${ownerOf(c, f)} has freed`
          const w = pageOf.get(f)
          if (w !== undefined && w !== v) return `frame ${f} is mapped at pages ${w} and ${v} of tg ${g}`
          pageOf.set(f, v)
        }
      }
    }
    return true
  }

  /**
   * 7. Syscall postconditions (000 5.7.5): munmap: "it is ensured that the task that called
   * munmap will not resume until the entire distributed address space reflects the changes
   * that it requested"; mprotect: "execution is not given to a task that has called mprotect
   * until the mprotect action has been applied to the entire distributed address space".
   * Checked when the call's work is done (phase `done` with every acknowledgement in, before
   * the heavy lock is released).
   * And mmap at a kernel-chosen address (Figure 5.12): "If any are found to conflict, a new
   * address is selected. This process is repeated until an unused address range is
   * selected": once selected (before the distributed munmap of it), no kernel has a VMA there.
   */
  function syscallPostconditions(s: PopState): Check {
    for (const [i, t] of s.tasks.entries()) {
      if (t.op === 'mmap' && t.phase === 'remote') {
        const used = copies(s, t.tg).find(({ mm }) => mm.vmas[t.page]!.prot !== PROT_NONE)
        if (used) return `task ${i}'s mmap selected page ${t.page}, but kernel ${used.k} has a VMA there`
      }
      if (t.phase !== 'done' || t.wait !== 0 || (t.op !== 'munmap' && t.op !== 'mprotect')) continue
      for (const { k, mm } of copies(s, t.tg)) {
        const vma = mm.vmas[t.page]!
        const pte = mm.ptes[t.page]!
        if (t.op === 'munmap' && (vma.prot !== PROT_NONE || pte.frame >= 0)) {
          return `task ${i}'s munmap of page ${t.page} is done, but kernel ${k} still maps it`
        }
        if (t.op === 'mprotect' && ((vma.prot !== PROT_NONE && vma.prot !== t.arg) || (pte.frame >= 0 && pte.prot !== t.arg))) {
          return `task ${i}'s mprotect of page ${t.page} to ${t.arg} is done, but kernel ${k} has protection ${pte.frame >= 0 ? pte.prot : vma.prot}`
        }
      }
    }
    return true
  }

  /**
   * 8. Task lifecycle (000 5.1, 5.2, 5.5): a migrated task "ceases to execute on the
   * originating kernel instance, and resumes execution on the receiving kernel instance";
   * "As that task continues to migrate to other kernel instances, shadow tasks are created on
   * each visited kernel instance"; "When a distributed task exits, not only does the currently
   * executing task exit, but all shadow tasks associated with that task must also exit."
   * Each live task executes on exactly one kernel (or its MIGRATE message is in flight), has
   * a shadow exactly on the other kernels it visited; once it has exited and every message is
   * handled, none of its shadows remain.
   */
  function taskLifecycle(s: PopState): Check {
    const quiet = quiescent(s)
    for (const [i, t] of s.tasks.entries()) {
      if (t.tg < 0) continue
      const where = s.kernels.map((k) => k.tasks[i]!)
      if (t.op === 'gone' || (t.op === 'exit' && t.phase === 'releasing')) {
        const k = where.findIndex((p) => p !== 'none')
        if (quiet && k >= 0) return `task ${i} has exited and every message is handled, but a ${where[k]} remains on kernel ${k}`
        continue
      }
      const running = where.flatMap((p, k) => (p === 'live' || p === 'wakeMigrate' ? [k] : []))
      const inFlight = s.net.channels.some((ch) => ch.some((m) => m.kind === 'MIGRATE' && m.task === i))
      if (running.length > 1) return `task ${i} executes on kernels ${running.join(' and ')}`
      if (running.length === 0 && !inFlight) return `task ${i} executes nowhere and is not migrating`
      // under `migrateLock` the source keeps the task (t.at) until the lock is released
      if (running.length === 1 && running[0] !== t.at && !handingOver(t)) return `task ${i} executes on kernel ${running[0]} but is placed on kernel ${t.at}`
      const here = running[0] ?? t.at
      for (let k = 0; k < c.K; k++) {
        if (k === here) continue
        const visited = (t.visited >> k) & 1
        // an exiting task's shadows are exiting too: there, woken, or gone already
        const shadow = where[k] === 'shadow' || (t.op === 'exit' && (where[k] === 'wakeExit' || where[k] === 'none'))
        if (visited && !shadow) return `task ${i} visited kernel ${k} but has no shadow there (${where[k]})`
        if (!visited && where[k] !== 'none') return `task ${i} never ran on kernel ${k} but has a ${where[k]} there`
      }
    }
    return true
  }

  /**
   * 9. No leak at the end (000 5.5, 5.7.4, 5.7): "every kernel drops its saved mm" at the
   * group exit ("remove all saved address space information ... as that information no
   * longer needed"); a queue "is garbage collected" once its last REQUEST is gone; "all of
   * the pages that were borrowed ... are released to their respective kernel instances".
   * When every task has exited and every message is handled: no mm, no queue entry, no
   * used frame.
   */
  function noLeakAtEnd(s: PopState): Check {
    if (!finished(s, c) || !c.p.exit) return true
    for (const [k, kern] of s.kernels.entries()) {
      for (const g of groups) {
        if (kern.mms[g]!.status !== 'none') return `the end: kernel ${k} still has ${kern.mms[g]!.status === 'saved' ? 'a saved' : 'an'} mm of tg ${g}`
        const q = kern.queues[g]!
        if (q.heavy.length > 0 || q.pages.size > 0) return `the end: kernel ${k} still has Lamport queues of tg ${g}`
      }
    }
    const f = s.frames.findIndex((fr) => fr.used)
    return f < 0 || `the end: frame ${f} of kernel ${ownerOf(c, f)} is still in use`
  }

  return {
    mappingConsistency,
    vmaConsistency,
    noCowReplicas,
    lamportMutualExclusion,
    noUseAfterFree,
    syscallPostconditions,
    taskLifecycle,
    noLeakAtEnd,
  }
}

/**
 * 6. Single copy (000 5.7.1): memory maps "for the same distributed thread group on
 * different kernel instances [that] contain different physical address mappings for the same
 * virtual page" make "tasks using those local memory maps refer to different physical pages
 * of memory when addressing the same virtual address. This situation will break the
 * applications ability to yield correct results". A read of page v returns the value of the
 * last write to v in that process (a step property: checked on every read).
 */
export function singleCopy(s: PopState, a: PopAction): Check {
  if (!((a.type === 'step' && a.name === 'read') || (a.type === 'start' && a.op === 'read'))) return true
  const t = s.tasks[a.task]!
  const pte = s.kernels[t.at]!.mms[t.tg]!.ptes[a.type === 'start' ? a.page : t.page]!
  if (pte.frame < 0) return true
  const page = a.type === 'start' ? a.page : t.page
  const got = s.frames[pte.frame]!.data
  const want = s.lastWrite[t.tg]![page]!
  return got === want || `task ${a.task} on kernel ${t.at} reads ${got} from page ${page} (frame ${pte.frame}), but the last write to it was ${want}`
}

/**
 * 6, continued: no lost mapping (000 4.6: "Applications will not be able to tell the
 * difference between an SMP Linux and Popcorn Linux system"; 5.7.3: after the fault handler
 * "either the faulting virtual address has a valid corresponding physical address, or a
 * segmentation fault has occurred", and in Linux the latter only where nothing is mapped or
 * the access is not permitted). A read or write of a page that the process has mapped (the
 * ghost `layout`) with a protection that permits it does not end in a segmentation fault,
 * unless an munmap, mprotect, mremap or mmap of the process is under way (or the kernel ran
 * out of frames: that run is cut, see `oom`). A step property.
 */
export function noLostMapping(s: PopState, a: PopAction, t: PopState): Check {
  if ((a.type !== 'start' && a.type !== 'step') || t.oom) return true
  const i = a.task
  const before = s.tasks[i]!
  const after = t.tasks[i]!
  let op: string
  let page: number
  if (a.type === 'start') {
    if (a.op !== 'read' && a.op !== 'write') return true
    const pte = s.kernels[before.at]!.mms[before.tg]!.ptes[a.page]!
    if (!(a.op === 'write' && pte.frame >= 0 && pte.prot !== PROT_RW)) return true
    op = a.op
    page = a.page
  } else if (a.name === 'segv' || (a.name === 'install' && (after.arg === 1 || after.op === 'idle'))) {
    op = before.op
    page = before.page
  } else return true
  const prot = s.layout[before.tg]![page]!
  if (prot === PROT_NONE || (op === 'write' && prot !== PROT_RW)) return true
  const changing = s.tasks.some((x) => x.tg === before.tg && ['munmap', 'mprotect', 'mremap', 'mmap'].includes(x.op) && x.phase !== 'lock')
  return changing || `task ${i} on kernel ${before.at}: a ${op} of page ${page} ends in a segmentation fault, but the process has it mapped (protection ${prot})`
}

const backing = (file: number): string => (file === 0 ? 'anonymous' : `file ${file}`)
const lockName = (res: number): string => (res === HEAVY ? 'heavy' : `page ${res}`)
