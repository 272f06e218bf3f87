/**
 * `tlb`: TLB shootdown in a guest whose vCPUs the host preempts (seed
 * 004_e74346043d439713.txt, 3.1.3 "The TLB Shootdown Preemption Problem" and 3.4
 * "Shoot4U"; seed 003_82aa9e2661ed9b79.txt for the shootdown protocols).
 *
 * vCPU 0 changes the guest page table `ops` times: unmap a page (clear the PTE, shoot
 * down the other vCPUs' translations, wait, free the frame), write-protect it (the same,
 * without the free), or map an unmapped page to any free frame (so freed frames are
 * reused by other pages). The other vCPUs read and write pages. Interrupts are handled
 * only by a running vCPU. The host preempts and resumes vCPUs, at most `P` running.
 *
 * TLBs: each vCPU's entries are tagged with its VPID and stay in the TLB of the physical
 * CPU it ran on when it is preempted; INVVPID invalidates them only on the physical CPU
 * that executes it (3.4.1). We keep one TLB per vCPU: its entries on the physical CPU it
 * runs on, or last ran on. This is exact for KVM, which flushes a vCPU's VPID when it
 * loads the vCPU on a physical CPU other than its last one (entries left on an earlier
 * CPU are never used again), and it lets the host resume a vCPU on the CPU it left, where
 * its entries are still valid.
 *
 * Schemes (`scheme`):
 * - `ipi`: IPI every other vCPU; each, when it runs, invalidates the page and sets its
 *   acknowledgement; the initiator spins until every acknowledgement is in.
 * - `pv-flush` (KVM's paravirtual remote flush, "kvmtlb" of Table 3), at the granularity
 *   of its guest/host handshake on each vCPU's steal-time `preempted` byte (bits
 *   PREEMPTED and FLUSH): the host sets it to PREEMPTED when it preempts the vCPU (a
 *   store); for each target the guest reads the byte and, if PREEMPTED is set, sets FLUSH
 *   with a cmpxchg against the value read (two steps), and leaves the target out of its
 *   IPIs if the cmpxchg succeeds; it then IPIs the remaining targets and waits for their
 *   acknowledgements. At VM entry the host exchanges the byte with 0 and flushes the
 *   vCPU's TLB if FLUSH was set: one step, since the vCPU runs no guest code meanwhile and
 *   nothing else touches its TLB.
 * - `shoot4u`: one hypercall with the target bitmap and the page (Code 3.3). 3.4.2: "the
 *   VMM determines the set of physical CPUs that are currently hosting the set of vCPUs,
 *   and issues a physical IPI to each of them"; each executes INVVPID there. Parameter
 *   `shoot4uInvalidate`: `running-pcpus` (that sentence literally: only the targets that
 *   run have their entries invalidated), `running-pcpus+entry-flush` (the same, and the
 *   VMM records a flush that it performs when a preempted target next enters the guest),
 *   `last-pcpus` (INVVPID on every target's current or last physical CPU). The hypercall
 *   is one step: it returns only when every invalidation is done, and a target entering
 *   the guest meanwhile may use an old entry only before the frame is freed.
 *
 * Mutations: `freeBeforeAck` (free before the acknowledgements are in),
 * `flushBeforeClear` (shoot down first, clear the PTE after: a refill races in between),
 * `pvNoFlushOnEntry` (VM entry clears the recorded flush without flushing),
 * `pvPlainStore` (pv-flush's guest sets FLUSH with a plain store of the value it read,
 * not a cmpxchg: the host may have resumed the vCPU in between), `dropIpiOnPreempt` (the
 * host drops the shootdown IPI injected into a vCPU that it preempts before the vCPU has
 * handled it, against 3.4.1: "After the virtual interrupt has been injected, it will be
 * handled as soon as the target vCPU resumes execution"; KVM re-queues an injected event
 * that a VM exit cut short. Nothing is freed early, so safety holds, but the initiator
 * waits forever for that acknowledgement: it breaks `shootdownCompletes` under any
 * fairness).
 *
 * Ghost state (no rule reads it): `wpDone`, pages whose write-protection has completed;
 * `owed`, vCPUs left out of a shootdown on the promise of a flush before they next run
 * (set when the guest's cmpxchg, or the VMM, records the flush; cleared when the vCPU's
 * TLB is flushed).
 */
import { match } from 'ts-pattern'
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'
import { bitsOf, hostEvents } from './vm/hardware.ts'

export type Scheme = 'ipi' | 'pv-flush' | 'shoot4u'

/** Where the Shoot4U hypercall invalidates (see the doc comment). */
export type Shoot4uInvalidate = 'running-pcpus' | 'running-pcpus+entry-flush' | 'last-pcpus'

/** A translation: frame -1 is "no entry" (TLB) or "unmapped" (PTE). */
export interface Translation {
  readonly frame: number
  readonly writable: boolean
}

export type OpKind = 'unmap' | 'wprotect'

/** The initiator's operation in progress. `scan`/`cas`: pv-flush's two steps per target;
 * `clear` comes last under `flushBeforeClear`. */
export type Phase = 'idle' | 'scan' | 'cas' | 'send' | 'wait' | 'clear' | 'finish'

export interface TlbState {
  readonly pt: readonly Translation[]
  readonly frameUsed: readonly boolean[]
  readonly tlb: readonly (readonly Translation[])[]
  readonly running: number
  /** Bit v: an unhandled shootdown IPI for vCPU v. */
  readonly ipi: number
  readonly acks: number
  /** The targets the initiator IPIs and waits for (pv-flush: those its cmpxchg did not exempt). */
  readonly waitFor: number
  /** Bit v: the PREEMPTED bit of vCPU v's steal-time byte (pv-flush). */
  readonly preempted: number
  /** Bit v: flush vCPU v's TLB before it next enters the guest (pv-flush: the FLUSH bit of its steal-time byte). */
  readonly deferred: number
  readonly phase: Phase
  readonly op: OpKind
  readonly page: number
  /** The frame the page mapped when the operation began (freed at the end of an unmap). */
  readonly frame: number
  readonly opsLeft: number
  /** pv-flush: the target whose byte the initiator reads or exchanges next, and the value it read. */
  readonly cursor: number
  readonly seen: number
  readonly wpDone: readonly boolean[]
  readonly owed: number
}

export type TlbAction =
  | { readonly type: 'preempt' | 'resume'; readonly vcpu: number }
  | { readonly type: 'unmap' | 'wprotect'; readonly page: number }
  | { readonly type: 'map'; readonly page: number; readonly frame: number }
  | { readonly type: 'readFlag' | 'casFlag'; readonly target: number }
  | { readonly type: 'send' | 'finish' | 'clear' }
  | { readonly type: 'read' | 'write'; readonly vcpu: number; readonly page: number }
  | { readonly type: 'handleIpi'; readonly vcpu: number }

export interface TlbParams {
  readonly scheme: Scheme
  readonly V: number
  readonly P: number
  readonly pages: number
  readonly frames: number
  readonly ops: number
  readonly wprotect: boolean
  readonly shoot4uInvalidate: Shoot4uInvalidate
  readonly [k: string]: number | boolean | string
}

export interface TlbConfig extends TlbParams {
  readonly freeBeforeAck: boolean
  readonly flushBeforeClear: boolean
  readonly pvNoFlushOnEntry: boolean
  readonly pvPlainStore: boolean
  readonly dropIpiOnPreempt: boolean
}

export const INITIATOR = 0
const NONE: Translation = { frame: -1, writable: false }
/** The bits of the steal-time `preempted` byte (KVM_VCPU_PREEMPTED, KVM_VCPU_FLUSH_TLB). */
const PREEMPTED = 1
const FLUSH = 2

export const isRunning = (s: TlbState, v: number): boolean => (s.running & (1 << v)) !== 0
export const targets = (s: TlbState): number => ((1 << s.tlb.length) - 1) & ~(1 << INITIATOR)

/** vCPU v's steal-time byte. */
export function flagByte(s: TlbState, v: number): number {
  const b = 1 << v
  return (s.preempted & b ? PREEMPTED : 0) | (s.deferred & b ? FLUSH : 0)
}

function setFlagByte(d: Draft<TlbState>, v: number, value: number): void {
  const b = 1 << v
  d.preempted = value & PREEMPTED ? d.preempted | b : d.preempted & ~b
  d.deferred = value & FLUSH ? d.deferred | b : d.deferred & ~b
}

function invalidate(d: Draft<TlbState>, v: number, page: number): void {
  d.tlb[v]![page] = { ...NONE }
}

function flushAll(d: Draft<TlbState>, v: number): void {
  d.tlb[v] = d.tlb[v]!.map(() => ({ ...NONE }))
  d.owed &= ~(1 << v)
}

/** Clear the PTE (unmap) or its write permission (write-protect). */
function clearPte(d: Draft<TlbState>): void {
  const pte = d.pt[d.page]!
  if (d.op === 'unmap') pte.frame = -1
  pte.writable = false
}

/** The acknowledgements the initiator waits for are in (or, mutated, it does not wait). */
export function ready(c: TlbConfig, s: TlbState): boolean {
  return c.freeBeforeAck || (s.acks & s.waitFor) === s.waitFor
}

/** The initiator's phase right after it has cleared the PTE and flushed locally. */
export function shootdownStart(c: TlbConfig): Phase {
  return c.scheme === 'pv-flush' ? 'scan' : 'send'
}

/** The first target (pv-flush scans the targets in order). */
const FIRST_TARGET = INITIATOR + 1

/** vCPU 0's next page-table steps (it must be running). */
export function initiatorActions(c: TlbConfig, s: TlbState): TlbAction[] {
  // a switch, not ts-pattern: this runs in `actions`, at every state (README, "How the engine works")
  switch (s.phase) {
    case 'idle': {
      if (s.opsLeft === 0) return []
      const out: TlbAction[] = []
      for (let page = 0; page < s.pt.length; page++) {
        const pte = s.pt[page]!
        if (pte.frame >= 0) {
          out.push({ type: 'unmap', page })
          if (c.wprotect && pte.writable) out.push({ type: 'wprotect', page })
        } else {
          for (let frame = 0; frame < s.frameUsed.length; frame++) {
            if (!s.frameUsed[frame]) out.push({ type: 'map', page, frame })
          }
        }
      }
      return out
    }
    case 'scan':
      return [{ type: 'readFlag', target: s.cursor }]
    case 'cas':
      return [{ type: 'casFlag', target: s.cursor }]
    case 'send':
      return [{ type: 'send' }]
    case 'wait':
      return ready(c, s) ? [{ type: c.flushBeforeClear ? 'clear' : 'finish' }] : []
    case 'clear':
    case 'finish':
      return [{ type: 'finish' }]
    default: {
      const unknown: never = s.phase
      throw new Error(`tlb: no phase ${JSON.stringify(unknown)}`)
    }
  }
}

/** pv-flush: on to the next target's byte, or to the IPIs once every target is scanned. */
function nextTarget(d: Draft<TlbState>): void {
  d.cursor++
  d.phase = d.cursor < d.tlb.length ? 'scan' : 'send'
}

/** Shoot4U's hypercall: the invalidations the VMM performs before it returns. */
function shoot4u(c: TlbConfig, d: Draft<TlbState>): void {
  const all = targets(d)
  const now = c.shoot4uInvalidate === 'last-pcpus' ? all : all & d.running
  for (const v of bitsOf(now)) invalidate(d, v, d.page)
  if (c.shoot4uInvalidate === 'running-pcpus+entry-flush') {
    d.deferred |= all & ~d.running
    d.owed |= all & ~d.running
  }
  d.waitFor = 0
}

/** The rules of vCPU 0's page-table operations, one step each. */
export function initiatorStep(c: TlbConfig, d: Draft<TlbState>, a: TlbAction): void {
  // a switch, not ts-pattern: this runs in `next`, at every transition (README, "How the engine works")
  switch (a.type) {
    case 'unmap':
    case 'wprotect': {
      const page = a.page
      d.op = a.type
      d.page = page
      d.frame = d.pt[page]!.frame
      d.opsLeft--
      invalidate(d, INITIATOR, page)
      if (!c.flushBeforeClear) clearPte(d)
      d.acks = 0
      d.waitFor = targets(d)
      d.cursor = FIRST_TARGET
      d.phase = shootdownStart(c)
      return
    }
    case 'readFlag':
      d.seen = flagByte(d, d.cursor)
      if (d.seen & PREEMPTED) d.phase = 'cas'
      else nextTarget(d)
      return
    case 'casFlag': {
      const v = d.cursor
      if (c.pvPlainStore || flagByte(d, v) === d.seen) {
        setFlagByte(d, v, d.seen | FLUSH)
        d.waitFor &= ~(1 << v)
        d.owed |= 1 << v
      }
      nextTarget(d)
      return
    }
    case 'send':
      switch (c.scheme) {
        case 'ipi':
        case 'pv-flush':
          d.ipi |= d.waitFor
          break
        case 'shoot4u':
          shoot4u(c, d)
          break
        default: {
          const unknown: never = c.scheme
          throw new Error(`tlb: no scheme ${JSON.stringify(unknown)}`)
        }
      }
      d.phase = 'wait'
      return
    case 'clear':
      clearPte(d)
      d.phase = 'finish'
      return
    case 'finish':
      if (d.op === 'unmap') d.frameUsed[d.frame] = false
      else d.wpDone[d.page] = true
      d.phase = 'idle'
      return
    case 'map':
      d.pt[a.page] = { frame: a.frame, writable: true }
      d.frameUsed[a.frame] = true
      d.wpDone[a.page] = false
      d.opsLeft--
      return
    case 'preempt':
    case 'resume':
    case 'read':
    case 'write':
    case 'handleIpi':
      throw new Error(`not an initiator step: ${a.type}`)
    default: {
      const unknown: never = a
      throw new Error(`tlb: no action ${JSON.stringify(unknown)}`)
    }
  }
}

/** A guest access: a TLB hit uses the cached translation; a miss walks the page table. */
function access(d: Draft<TlbState>, v: number, page: number, write: boolean): void {
  const e = d.tlb[v]![page]!
  if (e.frame >= 0) return
  const pte = d.pt[page]!
  if (pte.frame < 0 || (write && !pte.writable)) return // a page fault: nothing cached
  d.tlb[v]![page] = { frame: pte.frame, writable: pte.writable }
}

export function tlbConfig(p: TlbParams, mutations: ReadonlySet<string>): TlbConfig {
  return {
    ...p,
    freeBeforeAck: mutations.has('freeBeforeAck'),
    flushBeforeClear: mutations.has('flushBeforeClear'),
    pvNoFlushOnEntry: mutations.has('pvNoFlushOnEntry'),
    pvPlainStore: mutations.has('pvPlainStore'),
    dropIpiOnPreempt: mutations.has('dropIpiOnPreempt'),
  }
}

export function tlbRules(p: TlbParams, mutations: ReadonlySet<string>): ModelRules<TlbState, TlbAction> {
  const c = tlbConfig(p, mutations)
  if (p.P > p.V) throw new Error(`tlb: P=${p.P} physical CPUs for V=${p.V} vCPUs: at most V`)
  if (p.frames < p.pages) throw new Error(`tlb: ${p.frames} frames cannot back ${p.pages} pages`)
  const next = reducer<TlbState, TlbAction>((d, a) => {
    // a switch, not ts-pattern: `next` runs at every transition (README, "How the engine works")
    switch (a.type) {
      case 'preempt':
        d.running &= ~(1 << a.vcpu)
        if (c.dropIpiOnPreempt) d.ipi &= ~(1 << a.vcpu)
        // KVM stores PREEMPTED into the byte (a store: a FLUSH bit there is overwritten)
        setFlagByte(d, a.vcpu, c.scheme === 'pv-flush' ? PREEMPTED : flagByte(d, a.vcpu) | PREEMPTED)
        return
      case 'resume': {
        d.running |= 1 << a.vcpu
        // VM entry: xchg(byte, 0), then the recorded flush
        const was = flagByte(d, a.vcpu)
        setFlagByte(d, a.vcpu, 0)
        if (was & FLUSH && !c.pvNoFlushOnEntry) flushAll(d, a.vcpu)
        return
      }
      case 'read':
      case 'write':
        access(d, a.vcpu, a.page, a.type === 'write')
        return
      case 'handleIpi':
        invalidate(d, a.vcpu, d.page)
        d.ipi &= ~(1 << a.vcpu)
        d.acks |= 1 << a.vcpu
        return
      default:
        initiatorStep(c, d, a)
    }
  })
  const running = (1 << p.P) - 1
  const pv = p.scheme === 'pv-flush'
  const entryFlush = p.scheme === 'shoot4u' && p.shoot4uInvalidate === 'running-pcpus+entry-flush'
  return {
    name: 'tlb',
    init: () => [
      {
        pt: Array.from({ length: p.pages }, (_, page) => ({ frame: page, writable: true })),
        frameUsed: Array.from({ length: p.frames }, (_, f) => f < p.pages),
        tlb: Array.from({ length: p.V }, () => Array.from({ length: p.pages }, () => ({ ...NONE }))),
        running,
        ipi: 0,
        acks: 0,
        waitFor: 0,
        preempted: ((1 << p.V) - 1) & ~running,
        deferred: 0,
        phase: 'idle',
        op: 'unmap',
        page: 0,
        frame: 0,
        opsLeft: p.ops,
        cursor: 0,
        seen: 0,
        wpDone: Array.from({ length: p.pages }, () => false),
        owed: 0,
      },
    ],
    actions(s) {
      const out: TlbAction[] = [...hostEvents(s.running, p.V, p.P)]
      if (isRunning(s, INITIATOR)) out.push(...initiatorActions(c, s))
      for (const vcpu of bitsOf(targets(s) & s.running)) {
        if (s.ipi & (1 << vcpu)) out.push({ type: 'handleIpi', vcpu })
        for (let page = 0; page < p.pages; page++) {
          out.push({ type: 'read', vcpu, page })
          out.push({ type: 'write', vcpu, page })
        }
      }
      return out
    },
    next,
    actionTypes: [
      'preempt',
      'resume',
      'unmap',
      ...(p.wprotect ? ['wprotect'] : []),
      'map',
      ...(p.scheme === 'pv-flush' ? ['readFlag', 'casFlag'] : []),
      'send',
      ...(c.flushBeforeClear ? ['clear'] : []),
      'finish',
      'read',
      'write',
      ...(p.scheme === 'shoot4u' ? [] : ['handleIpi']),
    ],
    actor: (a) => (a.type === 'preempt' || a.type === 'resume' ? 'host' : 'vcpu' in a ? `vCPU ${a.vcpu}` : `vCPU ${INITIATOR}`),
    describe: (a) =>
      match(a)
        .with({ type: 'preempt' }, ({ vcpu }) => `host: preempt vCPU ${vcpu}${pv ? ' (its steal-time byte := PREEMPTED)' : ''}`)
        .with({ type: 'resume' }, ({ vcpu }) =>
          pv
            ? `host: resume vCPU ${vcpu} (xchg its steal-time byte with 0; flush its TLB if FLUSH was set)`
            : `host: resume vCPU ${vcpu}${entryFlush ? ' (flush its TLB if a flush is recorded)' : ''}`,
        )
        .with({ type: 'unmap' }, { type: 'wprotect' }, ({ type, page }) => `vCPU 0: ${type} page ${page} (clear the PTE, flush locally)`)
        .with({ type: 'map' }, ({ page, frame }) => `vCPU 0: map page ${page} to frame ${frame}`)
        .with({ type: 'readFlag' }, ({ target }) => `vCPU 0: read vCPU ${target}'s steal-time byte`)
        .with({ type: 'casFlag' }, ({ target }) =>
          c.pvPlainStore
            ? `vCPU 0: store the value read | FLUSH into vCPU ${target}'s steal-time byte`
            : `vCPU 0: cmpxchg vCPU ${target}'s steal-time byte from the value read to it | FLUSH`,
        )
        .with({ type: 'send' }, () => `vCPU 0: shoot down (${p.scheme})`)
        .with({ type: 'clear' }, () => 'vCPU 0: clear the PTE')
        .with({ type: 'finish' }, () => 'vCPU 0: complete the operation (free the frame after an unmap)')
        .with({ type: 'read' }, { type: 'write' }, ({ type, vcpu, page }) => `vCPU ${vcpu}: ${type} page ${page}`)
        .with({ type: 'handleIpi' }, ({ vcpu }) => `vCPU ${vcpu}: handle the shootdown IPI (invalidate, acknowledge)`)
        .exhaustive(),
  }
}
