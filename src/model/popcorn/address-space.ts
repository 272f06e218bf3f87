/**
 * The distributed address space (seed 000_e5bbc95a2ea9d194.txt, 5.7): each kernel holds a
 * partial copy of a process's mm (VMAs and PTEs per page); these helpers edit one kernel's
 * copy, answer mapping queries, and apply the best answer (5.7.3). Immer recipe helpers
 * over a draft of `PopState` (or the explorer's decoded copy).
 *
 * Frames (4.3, 5.7): a kernel allocates only from its own partition. A frame is freed when
 * its owner's copies no longer map it (Linux's page reference count, kept by the owner
 * only: on a borrowing kernel a remote frame is mapped without a `struct page`, 002 4.8),
 * or when the owner's mm is torn down; an mm lives as long as a task (running or shadow)
 * of the process is on that kernel or it is saved (5.5), which is how shadows anchor the
 * frames their kernel contributed (5.7). With `reserveLent`, a frame its owner has lent
 * (answered a query with) stays reserved for the process until the group exits, the
 * spec's reading of "pages ... borrowed safely as long as they remain reserved".
 *
 * Prefetch (5.7.6): a slot describes a run of pages whose virtual and physical addresses
 * both increase contiguously, within the faulting page's VMA, as (vaddr, paddr, size):
 * no protection and no special status travel with it, so the requester installs prefetched
 * pages as normal pages with the VMA's protection.
 */
import type { Draft } from 'immer'
import { allocateFrame, freeFrame } from './kernels.ts'
import { bit, bitsOf, type PopConfig } from './config.ts'
import { NO_PTE, NO_VMA, PROT_NONE, PROT_RW, type Mapping, type Mm, type PopState, type Pte, type Vma } from './state.ts'

type D = Draft<PopState>

export const ownerOf = (c: PopConfig, f: number): number => Math.floor(f / c.F)

export function emptyMm(V: number): Mm {
  return { status: 'none', vmas: Array.from({ length: V }, () => NO_VMA), ptes: Array.from({ length: V }, () => NO_PTE) }
}

export function noMapping(page: number): Mapping {
  return { page, vma: NO_VMA, pte: NO_PTE }
}

/** 0 nothing, 1 a VMA alone, 2 a full mapping (VMA and PTE): the order of 5.7.3. */
export function rank(m: Mapping): number {
  return m.vma.prot === PROT_NONE ? 0 : m.pte.frame < 0 ? 1 : 2
}

/**
 * Keeps, page by page, the better of the best answer so far and new findings (5.7.3: "If a
 * message is received with a complete virtual to physical page mapping, it is given
 * precedence"; 8.2.1: "whether its findings represent a more complete response").
 */
export function keepBest(best: Mapping[], found: readonly Mapping[]): void {
  for (const m of found) if (rank(m) > rank(best[m.page]!)) best[m.page] = m
}

/** Does any copy on kernel k (any process, any status) map frame f? */
export function referencedOn(s: PopState, k: number, f: number): boolean {
  return s.kernels[k]!.mms.some((mm) => mm.status !== 'none' && mm.ptes.some((p) => p.frame === f))
}

/** Frees f if its owner no longer maps it (and, with `reserveLent`, it is not reserved). */
export function maybeFree(d: D, c: PopConfig, f: number): void {
  if (!d.frames[f]!.used || referencedOn(d as PopState, ownerOf(c, f), f)) return
  if (c.p.reserveLent && d.reservedFor[f]! >= 0) return
  freeFrame(d, f)
}

/** A frame from kernel k's own partition; none left cuts the run (`oom`). */
export function allocate(d: D, k: number): number {
  const f = allocateFrame(d, k)
  if (f < 0) d.oom = true
  return f
}

export function setPte(d: D, c: PopConfig, k: number, tg: number, v: number, pte: Pte): void {
  const mm = d.kernels[k]!.mms[tg]!
  const old = mm.ptes[v]!.frame
  mm.ptes[v] = { ...pte }
  if (old >= 0 && old !== pte.frame) maybeFree(d, c, old)
}

export function setVma(d: D, k: number, tg: number, v: number, vma: Vma): void {
  d.kernels[k]!.mms[tg]!.vmas[v] = { ...vma }
}

/** Tears down kernel k's copy of process tg: every page unmapped, the mm gone. */
export function destroyMm(d: D, c: PopConfig, k: number, tg: number): void {
  const mm = d.kernels[k]!.mms[tg]!
  const frames = mm.ptes.map((p) => p.frame).filter((f) => f >= 0)
  d.kernels[k]!.mms[tg] = emptyMm(c.V) as Draft<Mm>
  for (const f of frames) maybeFree(d, c, f)
}

/**
 * Breaks a COW page of kernel k's copy (Linux's do_wp_page): a frame still mapped by
 * another PTE of this kernel is copied into a new frame of k's partition; otherwise the
 * PTE just becomes writable. False when k has no free frame.
 */
export function breakCow(d: D, c: PopConfig, k: number, tg: number, v: number): boolean {
  const pte = d.kernels[k]!.mms[tg]!.ptes[v]!
  const f = pte.frame
  const shared = d.kernels[k]!.mms.some((mm, g) => mm.status !== 'none' && mm.ptes.some((p, w) => p.frame === f && (g !== tg || w !== v)))
  if (!shared) {
    setPte(d, c, k, tg, v, { frame: f, prot: pte.prot, cow: false })
    return true
  }
  const nf = allocate(d, k)
  if (nf < 0) return false
  d.frames[nf]!.data = d.frames[f]!.data
  setPte(d, c, k, tg, v, { frame: nf, prot: pte.prot, cow: false })
  return true
}

function sameVma(a: Vma, b: Vma, distance: number): boolean {
  return a.prot === b.prot && a.file === b.file && (a.file === 0 || b.off - a.off === distance)
}

/**
 * The prefetch slots around the faulting page v (5.7.6): runs of mapped pages of v's VMA
 * whose frames are contiguous too, the run of v first, then the nearest ones, at most
 * `prefetch` runs. Pages of a slot carry the VMA's protection, not their PTE's status.
 * With `prefetchNormalOnly` (a fix), a COW page is left out of the slots.
 */
function prefetchSlots(mm: Mm, v: number, slots: number, V: number, normalOnly: boolean): Mapping[] {
  const base = mm.vmas[v]!
  const inVma = (p: number): boolean => p >= 0 && p < V && sameVma(base, mm.vmas[p]!, p - v)
  let lo = v
  while (inVma(lo - 1)) lo--
  let hi = v
  while (inVma(hi + 1)) hi++
  const runs: number[][] = []
  let run: number[] = []
  for (let p = lo; p <= hi; p++) {
    const f = normalOnly && mm.ptes[p]!.cow ? -1 : mm.ptes[p]!.frame
    const prev = run[run.length - 1]
    if (f >= 0 && prev !== undefined && mm.ptes[prev]!.frame === f - 1) run.push(p)
    else {
      if (run.length > 0) runs.push(run)
      run = f >= 0 ? [p] : []
    }
  }
  if (run.length > 0) runs.push(run)
  const dist = (r: number[]): number => Math.min(...r.map((p) => Math.abs(p - v)))
  runs.sort((a, b) => dist(a) - dist(b) || a[0]! - b[0]!)
  const out: Mapping[] = []
  for (const r of runs.slice(0, slots)) {
    for (const p of r) {
      if (p !== v) out.push({ page: p, vma: mm.vmas[p]!, pte: { frame: mm.ptes[p]!.frame, prot: mm.vmas[p]!.prot, cow: false } })
    }
  }
  return out
}

/**
 * A responder's answer to a mapping query (5.7.3): from its copy of the process (a live
 * member's mm or the saved one), for each asked page the VMA and PTE found; a COW page is
 * broken first ("Special treatment"), unless `noCowBreak`. A fault's answer carries the
 * prefetch slots.
 */
export function lookup(d: D, c: PopConfig, j: number, tg: number, pages: number, fault: boolean): Mapping[] {
  const mm = d.kernels[j]!.mms[tg]!
  if (mm.status === 'none') return []
  const out: Mapping[] = []
  for (const v of bitsOf(pages)) {
    if (mm.vmas[v]!.prot === PROT_NONE) continue
    if (mm.ptes[v]!.frame >= 0 && mm.ptes[v]!.cow && !c.has('noCowBreak')) breakCow(d, c, j, tg, v)
    out.push({ page: v, vma: { ...mm.vmas[v]! }, pte: { ...mm.ptes[v]! } })
    if (fault && c.p.prefetch > 0) out.push(...prefetchSlots(mm as Mm, v, c.p.prefetch, c.V, c.p.prefetchNormalOnly))
  }
  for (const m of out) {
    if (c.p.reserveLent && m.pte.frame >= 0 && ownerOf(c, m.pte.frame) === j) d.reservedFor[m.pte.frame] = tg
  }
  return out.map((m) => ({ page: m.page, vma: { ...m.vma }, pte: { ...m.pte } }))
}

/** Installs a full mapping (VMA first if missing, then the PTE) unless a PTE is there. */
export function installFull(d: D, c: PopConfig, k: number, tg: number, m: Mapping): void {
  const mm = d.kernels[k]!.mms[tg]!
  if (mm.ptes[m.page]!.frame >= 0) return
  if (mm.vmas[m.page]!.prot === PROT_NONE) setVma(d, k, tg, m.page, m.vma)
  setPte(d, c, k, tg, m.page, m.pte)
}

/**
 * `ring-all` retrieval (8.2.1): kernel k imports the complete mappings a request carries
 * through it into its copy of the process, if it has one.
 */
export function importFull(d: D, c: PopConfig, k: number, tg: number, found: readonly Mapping[]): void {
  if (d.kernels[k]!.mms[tg]!.status === 'none') return
  for (const m of found) if (rank(m) === 2) installFull(d, c, k, tg, m)
}

/**
 * The end of a fault on page v of kernel k (5.7.3) with the best answers `got`: a PTE
 * installed meanwhile is kept (Linux re-checks the PTE under its lock); a full mapping is
 * installed; a VMA alone (or a local one) is installed and faulted locally from k's own
 * partition; nothing anywhere is a segmentation fault. Prefetched full mappings are
 * installed where k has no PTE. Returns false on a segmentation fault (or no frame).
 */
export function completeFault(d: D, c: PopConfig, k: number, tg: number, v: number, got: readonly Mapping[]): boolean {
  const mm = d.kernels[k]!.mms[tg]!
  for (const m of got) if (m.page !== v && rank(m) === 2) installFull(d, c, k, tg, m)
  if (mm.ptes[v]!.frame >= 0) return true
  const best = got[v]!
  if (rank(best) === 2) {
    installFull(d, c, k, tg, best)
    return true
  }
  const vma = mm.vmas[v]!.prot !== PROT_NONE ? mm.vmas[v]! : best.vma
  if (vma.prot === PROT_NONE) return false
  if (mm.vmas[v]!.prot === PROT_NONE) setVma(d, k, tg, v, vma)
  const f = allocate(d, k)
  if (f < 0) return false
  setPte(d, c, k, tg, v, { frame: f, prot: vma.prot, cow: false })
  return true
}

/** The local part of a distributed munmap, mprotect, or fork's PTE zap, on kernel k. */
export function modifyLocal(d: D, c: PopConfig, k: number, tg: number, how: 'unmap' | 'protect' | 'zap', pages: number, prot: number): void {
  const mm = d.kernels[k]!.mms[tg]!
  if (mm.status === 'none') return
  for (const v of bitsOf(pages)) {
    if (how === 'protect') {
      if (mm.vmas[v]!.prot !== PROT_NONE) mm.vmas[v] = { ...mm.vmas[v]!, prot }
      if (mm.ptes[v]!.frame >= 0) mm.ptes[v] = { ...mm.ptes[v]!, prot }
    } else {
      setPte(d, c, k, tg, v, NO_PTE)
      if (how === 'unmap') setVma(d, k, tg, v, NO_VMA)
    }
  }
}

/**
 * `deferFree` (a fix): munmap first clears its own PTE of page v without freeing the frame
 * (Linux's zap into an mmu_gather), and frees only once every remote kernel has unmapped.
 */
export function zapLocal(d: D, k: number, tg: number, v: number): void {
  d.kernels[k]!.mms[tg]!.ptes[v] = { ...NO_PTE }
}

/** Frees every frame of kernel k's partition that k no longer maps (the gathered frames of a `deferFree` munmap). */
export function freeUnreferenced(d: D, c: PopConfig, k: number): void {
  for (let f = k * c.F; f < (k + 1) * c.F; f++) maybeFree(d, c, f)
}

/**
 * mremap of page v to page w on kernel k, in Linux's order (mremap_to): w is unmapped first,
 * then the source is looked up; false (EFAULT) when there is no VMA at v, w unmapped all the same.
 */
export function moveLocal(d: D, c: PopConfig, k: number, tg: number, v: number, w: number): boolean {
  const mm = d.kernels[k]!.mms[tg]!
  modifyLocal(d, c, k, tg, 'unmap', bit(w), 0)
  if (mm.vmas[v]!.prot === PROT_NONE) return false
  mm.vmas[w] = { ...mm.vmas[v]! }
  mm.ptes[w] = { ...mm.ptes[v]! }
  mm.vmas[v] = { ...NO_VMA }
  mm.ptes[v] = { ...NO_PTE }
  return true
}

/** A new anonymous (file 0) or file-backed read-write VMA at page v (the local mmap). */
export function mapLocal(d: D, c: PopConfig, k: number, tg: number, v: number, file: number): void {
  modifyLocal(d, c, k, tg, 'unmap', bit(v), 0)
  setVma(d, k, tg, v, { prot: PROT_RW, file, off: 0 })
}

/**
 * fork on kernel k: the child process `child` gets a copy of k's VMAs of the parent and
 * shares every mapped page copy-on-write (both PTEs COW). With `distributedFork` (a fix), a
 * page borrowed from another kernel is not shared: the child gets a copy in a frame of k's
 * own partition (the owner would free the borrowed frame at the parent's group exit).
 */
export function forkLocal(d: D, c: PopConfig, k: number, parent: number, child: number): void {
  const pm = d.kernels[k]!.mms[parent]!
  const borrowed = (p: Pte): boolean => c.p.distributedFork && p.frame >= 0 && ownerOf(c, p.frame) !== k
  const childPtes = pm.ptes.map((p) => {
    if (p.frame < 0) return { ...NO_PTE }
    if (!borrowed(p)) return { ...p, cow: true }
    const f = allocate(d, k)
    if (f >= 0) d.frames[f]!.data = d.frames[p.frame]!.data
    return f >= 0 ? { frame: f, prot: p.prot, cow: false } : { ...NO_PTE }
  })
  d.kernels[k]!.mms[child] = { status: 'used', vmas: pm.vmas.map((x) => ({ ...x })), ptes: childPtes }
  pm.ptes = pm.ptes.map((p) => (p.frame >= 0 && !borrowed(p) ? { ...p, cow: true } : { ...p }))
  d.lastWrite[child] = pm.ptes.map((p, v) => (p.frame >= 0 ? d.lastWrite[parent]![v]! : 0))
  d.layout[child] = [...d.layout[parent]!]
}

/** At a group's exit, kernel k releases the frames it reserved for it (`reserveLent`). */
export function releaseReserved(d: D, c: PopConfig, k: number, tg: number): void {
  d.reservedFor.forEach((g, f) => {
    if (g === tg && ownerOf(c, f) === k) {
      d.reservedFor[f] = -1
      maybeFree(d, c, f)
    }
  })
}
