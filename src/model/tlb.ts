/**
 * `tlb`: TLB shootdown in a guest whose vCPUs the host preempts (seed
 * 004_e74346043d439713.txt, 3.1.3 "The TLB Shootdown Preemption Problem" and 3.4
 * "Shoot4U"; seed 003_82aa9e2661ed9b79.txt for the shootdown protocols).
 *
 * vCPU 0 changes the guest page table `ops` times: unmap a page (clear the PTE, shoot
 * down the other vCPUs' translations, wait, free the frame), write-protect it (the same,
 * without the free), or map an unmapped page to any free frame (so freed frames are
 * reused by other pages). The other vCPUs read and write pages. Each vCPU has a TLB tagged
 * with its VPID: its entries survive preemption; a miss walks the page table and fills
 * the entry; a hit uses the cached frame and permission even if the PTE has changed.
 * Interrupts are handled only by a running vCPU. The host preempts and resumes vCPUs, at
 * most `P` running.
 *
 * Schemes (`scheme`):
 * - `ipi`: IPI every other vCPU; each, when it runs, invalidates the page and sets its
 *   acknowledgement; the initiator spins until every acknowledgement is in.
 * - `pv-flush` (KVM's paravirtual remote flush, "kvmtlb" of Table 3): running targets get
 *   the IPI; for a preempted target the hypervisor records "flush before next entry" and
 *   the initiator does not wait for it; resuming that vCPU flushes its TLB first.
 * - `shoot4u`: one hypercall with the target bitmap and the page; the hypervisor
 *   invalidates the targets' VPID-tagged entries itself, running or not, then returns.
 *
 * Mutations: `freeBeforeAck` (free before the acknowledgements are in),
 * `flushBeforeClear` (shoot down first, clear the PTE after: a refill races in between),
 * `pvNoFlushOnEntry` (resume ignores the recorded flush), `shoot4uRunningOnly` (the
 * hypercall invalidates only the targets that are running).
 *
 * Ghost state (no rule reads it): `wpDone`, pages whose write-protection has completed.
 */
import { match } from 'ts-pattern'
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'
import { bitsOf, hostEvents } from './vm/hardware.ts'

export type Scheme = 'ipi' | 'pv-flush' | 'shoot4u'

/** A translation: frame -1 is "no entry" (TLB) or "unmapped" (PTE). */
export interface Translation {
  readonly frame: number
  readonly writable: boolean
}

export type OpKind = 'unmap' | 'wprotect'

/** The initiator's operation in progress. `clear` comes last under `flushBeforeClear`. */
export type Phase = 'idle' | 'send' | 'wait' | 'clear' | 'finish'

export interface TlbState {
  readonly pt: readonly Translation[]
  readonly frameUsed: readonly boolean[]
  readonly tlb: readonly (readonly Translation[])[]
  readonly running: number
  /** Bit v: an unhandled shootdown IPI for vCPU v. */
  readonly ipi: number
  readonly acks: number
  /** Acknowledgements the initiator waits for. */
  readonly waitFor: number
  /** Bit v: the hypervisor must flush vCPU v's TLB before it next enters the guest. */
  readonly deferred: number
  readonly phase: Phase
  readonly op: OpKind
  readonly page: number
  /** The frame the page mapped when the operation began (freed at the end of an unmap). */
  readonly frame: number
  readonly opsLeft: number
  readonly wpDone: readonly boolean[]
}

export type TlbAction =
  | { readonly type: 'preempt' | 'resume'; readonly vcpu: number }
  | { readonly type: 'unmap' | 'wprotect'; readonly page: number }
  | { readonly type: 'map'; readonly page: number; readonly frame: number }
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
  readonly [k: string]: number | boolean | string
}

export interface TlbConfig extends TlbParams {
  readonly freeBeforeAck: boolean
  readonly flushBeforeClear: boolean
  readonly pvNoFlushOnEntry: boolean
  readonly shoot4uRunningOnly: boolean
}

export const INITIATOR = 0
const NONE: Translation = { frame: -1, writable: false }

export const isRunning = (s: TlbState, v: number): boolean => (s.running & (1 << v)) !== 0
export const targets = (s: TlbState): number => ((1 << s.tlb.length) - 1) & ~(1 << INITIATOR)

function invalidate(d: Draft<TlbState>, v: number, page: number): void {
  d.tlb[v]![page] = { ...NONE }
}

function flushAll(d: Draft<TlbState>, v: number): void {
  d.tlb[v] = d.tlb[v]!.map(() => ({ ...NONE }))
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

/** vCPU 0's next page-table steps (it must be running). */
export function initiatorActions(c: TlbConfig, s: TlbState): TlbAction[] {
  return match(s.phase)
    .with('idle', () => {
      if (s.opsLeft === 0) return []
      const out: TlbAction[] = []
      s.pt.forEach((pte, page) => {
        if (pte.frame >= 0) {
          out.push({ type: 'unmap', page })
          if (c.wprotect && pte.writable) out.push({ type: 'wprotect', page })
        } else {
          s.frameUsed.forEach((used, frame) => {
            if (!used) out.push({ type: 'map', page, frame })
          })
        }
      })
      return out
    })
    .with('send', () => [{ type: 'send' } as const])
    .with('wait', () => (ready(c, s) ? [{ type: c.flushBeforeClear ? 'clear' : 'finish' } as const] : []))
    .with('clear', 'finish', () => [{ type: 'finish' } as const])
    .exhaustive()
}

/** The rules of vCPU 0's page-table operations, one step each. */
export function initiatorStep(c: TlbConfig, d: Draft<TlbState>, a: TlbAction): void {
  match(a)
    .with({ type: 'unmap' }, { type: 'wprotect' }, ({ type, page }) => {
      d.op = type
      d.page = page
      d.frame = d.pt[page]!.frame
      d.opsLeft--
      invalidate(d, INITIATOR, page)
      if (!c.flushBeforeClear) clearPte(d)
      d.phase = 'send'
    })
    .with({ type: 'send' }, () => {
      const all = targets(d)
      d.acks = 0
      match(c.scheme)
        .with('ipi', () => {
          d.ipi |= all
          d.waitFor = all
        })
        .with('pv-flush', () => {
          d.ipi |= all & d.running
          d.waitFor = all & d.running
          d.deferred |= all & ~d.running
        })
        .with('shoot4u', () => {
          const hit = c.shoot4uRunningOnly ? all & d.running : all
          for (const v of bitsOf(hit)) invalidate(d, v, d.page)
          d.waitFor = 0
        })
        .exhaustive()
      d.phase = 'wait'
    })
    .with({ type: 'clear' }, () => {
      clearPte(d)
      d.phase = 'finish'
    })
    .with({ type: 'finish' }, () => {
      if (d.op === 'unmap') d.frameUsed[d.frame] = false
      else d.wpDone[d.page] = true
      d.phase = 'idle'
    })
    .with({ type: 'map' }, ({ page, frame }) => {
      d.pt[page] = { frame, writable: true }
      d.frameUsed[frame] = true
      d.wpDone[page] = false
      d.opsLeft--
    })
    .otherwise(() => {
      throw new Error(`not an initiator step: ${a.type}`)
    })
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
    shoot4uRunningOnly: mutations.has('shoot4uRunningOnly'),
  }
}

export function tlbRules(p: TlbParams, mutations: ReadonlySet<string>): ModelRules<TlbState, TlbAction> {
  const c = tlbConfig(p, mutations)
  if (p.P > p.V) throw new Error(`tlb: P=${p.P} physical CPUs for V=${p.V} vCPUs: at most V`)
  if (p.frames < p.pages) throw new Error(`tlb: ${p.frames} frames cannot back ${p.pages} pages`)
  const next = reducer<TlbState, TlbAction>((d, a) => {
    match(a)
      .with({ type: 'preempt' }, ({ vcpu }) => {
        d.running &= ~(1 << vcpu)
      })
      .with({ type: 'resume' }, ({ vcpu }) => {
        d.running |= 1 << vcpu
        if (d.deferred & (1 << vcpu) && !c.pvNoFlushOnEntry) {
          flushAll(d, vcpu)
          d.deferred &= ~(1 << vcpu)
        }
      })
      .with({ type: 'read' }, { type: 'write' }, ({ type, vcpu, page }) => access(d, vcpu, page, type === 'write'))
      .with({ type: 'handleIpi' }, ({ vcpu }) => {
        invalidate(d, vcpu, d.page)
        d.ipi &= ~(1 << vcpu)
        d.acks |= 1 << vcpu
      })
      .otherwise((x) => initiatorStep(c, d, x))
  })
  return {
    name: 'tlb',
    init: () => [
      {
        pt: Array.from({ length: p.pages }, (_, page) => ({ frame: page, writable: true })),
        frameUsed: Array.from({ length: p.frames }, (_, f) => f < p.pages),
        tlb: Array.from({ length: p.V }, () => Array.from({ length: p.pages }, () => ({ ...NONE }))),
        running: (1 << p.P) - 1,
        ipi: 0,
        acks: 0,
        waitFor: 0,
        deferred: 0,
        phase: 'idle',
        op: 'unmap',
        page: 0,
        frame: 0,
        opsLeft: p.ops,
        wpDone: Array.from({ length: p.pages }, () => false),
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
        .with({ type: 'preempt' }, { type: 'resume' }, ({ type, vcpu }) => `host: ${type} vCPU ${vcpu}`)
        .with({ type: 'unmap' }, { type: 'wprotect' }, ({ type, page }) => `vCPU 0: ${type} page ${page} (clear the PTE, flush locally)`)
        .with({ type: 'map' }, ({ page, frame }) => `vCPU 0: map page ${page} to frame ${frame}`)
        .with({ type: 'send' }, () => `vCPU 0: shoot down (${p.scheme})`)
        .with({ type: 'clear' }, () => 'vCPU 0: clear the PTE')
        .with({ type: 'finish' }, () => 'vCPU 0: complete the operation (free the frame after an unmap)')
        .with({ type: 'read' }, { type: 'write' }, ({ type, vcpu, page }) => `vCPU ${vcpu}: ${type} page ${page}`)
        .with({ type: 'handleIpi' }, ({ vcpu }) => `vCPU ${vcpu}: handle the shootdown IPI (invalidate, acknowledge)`)
        .exhaustive(),
  }
}
