/**
 * The scalarsets of the built-in models (`src/checker/symmetry.ts`): which ids their rules
 * treat alike, and where those ids occur in a state. Each model turns its reduction on
 * with the parameter `symmetry=true`.
 *
 * - ticket: the threads.
 * - spinlock: the vCPUs (array index; the `running`, `pending` and `ahead` masks).
 * - tlb: the targets (vCPUs 1..V-1; not with pv-flush, whose initiator reads the targets'
 *   bytes in id order), the pages and the frames.
 * - lamport: the pages, and the threads of each kernel. Kernels are not interchangeable:
 *   equal timestamps are ordered by kernel id, and the first `requesters` kernels request.
 */
import type { LamportKernel, LamportMsg, LamportState } from '../model/lamport.ts'
import type { HeldAck } from '../model/popcorn/lamport-lock.ts'
import type { SpinState } from '../model/spinlock.ts'
import type { TicketState } from '../model/ticket.ts'
import type { TlbState, Translation } from '../model/tlb.ts'
import { ids, permuteBits, permuteIndices, scalarset, symmetry, type Rename, type Scalarset } from '../checker/symmetry.ts'

export const SYMMETRY_PARAM = { name: 'symmetry', kind: 'bool', default: false, doc: 'symmetry reduction: fingerprint one state per class of states equal up to renaming interchangeable ids' } as const

export function ticketScalarsets(threads: number): Scalarset<TicketState>[] {
  return [scalarset<TicketState>('threads', ids(threads), (s, r) => ({ ...s, threads: permuteIndices(s.threads, r) }))]
}

export function spinlockScalarsets(V: number): Scalarset<SpinState>[] {
  return [
    scalarset<SpinState>('vCPUs', ids(V), (s, r) => ({
      ...s,
      running: permuteBits(s.running, r),
      pending: permuteBits(s.pending, r),
      vcpus: permuteIndices(
        s.vcpus.map((v) => ({ ...v, ahead: permuteBits(v.ahead, r) })),
        r,
      ),
    })),
  ]
}

export function tlbScalarsets(p: { V: number; pages: number; frames: number; scheme: string }): Scalarset<TlbState>[] {
  const targets = scalarset<TlbState>('targets', ids(p.V - 1, 1), (s, r) => ({
    ...s,
    tlb: permuteIndices(s.tlb, r),
    running: permuteBits(s.running, r),
    ipi: permuteBits(s.ipi, r),
    acks: permuteBits(s.acks, r),
    waitFor: permuteBits(s.waitFor, r),
    preempted: permuteBits(s.preempted, r),
    deferred: permuteBits(s.deferred, r),
    owed: permuteBits(s.owed, r),
  }))
  const pages = scalarset<TlbState>('pages', ids(p.pages), (s, r) => ({
    ...s,
    pt: permuteIndices(s.pt, r),
    tlb: s.tlb.map((t) => permuteIndices(t, r)),
    wpDone: permuteIndices(s.wpDone, r),
    page: r(s.page),
  }))
  const frame = (t: Translation, r: Rename): Translation => (t.frame < 0 ? t : { ...t, frame: r(t.frame) })
  const frames = scalarset<TlbState>('frames', ids(p.frames), (s, r) => ({
    ...s,
    pt: s.pt.map((t) => frame(t, r)),
    tlb: s.tlb.map((row) => row.map((t) => frame(t, r))),
    frameUsed: permuteIndices(s.frameUsed, r),
    frame: r(s.frame),
  }))
  return p.scheme === 'pv-flush' ? [pages, frames] : [targets, pages, frames]
}

export function lamportScalarsets(p: { pages: number }, s0: LamportState): Scalarset<LamportState>[] {
  const res = (x: number, r: Rename): number => (x < 0 ? x : r(x))
  const pages = scalarset<LamportState>('pages', ids(p.pages), (s, r) => ({
    ...s,
    kernels: s.kernels.map(
      (k): LamportKernel => ({
        ...k,
        threads: k.threads.map((t) => ({ ...t, res: res(t.res, r) })),
        heldAcks: k.heldAcks.map((h: HeldAck<number>) => ({ ...h, res: res(h.res, r) })),
        queues: { ...k.queues, pages: new Map([...k.queues.pages].map(([page, q]) => [r(page), q])) },
      }),
    ),
    net: { ...s.net, channels: s.net.channels.map((c) => c.map((m: LamportMsg) => ({ ...m, res: res(m.res, r) }))) },
  }))
  const threads = s0.kernels.flatMap((k, kernel) =>
    k.threads.length > 1
      ? [
          scalarset<LamportState>(`threads of kernel ${kernel}`, ids(k.threads.length), (s, r) => ({
            ...s,
            kernels: s.kernels.map((x, i) => (i === kernel ? { ...x, threads: permuteIndices(x.threads, r) } : x)),
          })),
        ]
      : [],
  )
  return [pages, ...threads]
}

export const ticketSymmetry = (threads: number) => symmetry(...ticketScalarsets(threads))
export const spinlockSymmetry = (V: number) => symmetry(...spinlockScalarsets(V))
export const tlbSymmetry = (p: Parameters<typeof tlbScalarsets>[0]) => symmetry(...tlbScalarsets(p))
export const lamportSymmetry = (p: { pages: number }, s0: LamportState) => symmetry(...lamportScalarsets(p, s0))
