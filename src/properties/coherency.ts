/**
 * Properties of the `coherency` model (seed 001_44de5ba93cfef617.txt, Sadini et al.). The
 * poster states its goal as "Page level protocol to guarantee a coherent memory view to
 * the app" and concludes "The design properties are satisfied"; it lists none. We check
 * the two that define a coherent memory for an MSI protocol ("We started from the MSI
 * coherency protocol"), and two that any request/vote protocol owes. Deadlock freedom is
 * the engine's check (a state with no enabled step that is not `finished`).
 */
import type { Check } from '../checker/model.ts'
import { readable, writable, type CohAction, type CohState } from '../model/coherency.ts'

/**
 * Single writer or many readers, MSI's invariant: when a kernel may write a page (M or N,
 * not locked by a transition in progress), no other kernel may read or write it. And the
 * meaning of NotReplicated: a kernel whose unlocked copy is N is the only kernel with any
 * replica of the page ("extending it with Unmapped and NotReplicated states"): every other
 * kernel is U. A copy locked for a transition is not accessible to its kernel, so it is
 * neither a reader nor a writer until the transition reaches it.
 */
export function singleWriterOrReaders(s: CohState): Check {
  const pages = s.written.length
  for (let p = 0; p < pages; p++) {
    const copies = s.kernels.map((k) => k.pages[p]!)
    const writer = copies.findIndex(writable)
    if (writer >= 0) {
      const other = copies.findIndex((c, k) => k !== writer && readable(c))
      if (other >= 0) {
        const what = writable(copies[other]!) ? 'write' : 'read'
        return `kernel ${writer} may write page ${p} (${copies[writer]!.state}) while kernel ${other} may ${what} it (${copies[other]!.state})`
      }
    }
    const alone = copies.findIndex((c) => c.state === 'N' && c.lock === -1)
    if (alone >= 0) {
      const other = copies.findIndex((c, k) => k !== alone && c.state !== 'U')
      if (other >= 0) return `kernel ${alone} holds page ${p} NotReplicated while kernel ${other} holds a replica (${copies[other]!.state})`
    }
  }
  return true
}

/**
 * A read returns the last write ("a coherent memory view to the app"): a step property, at
 * every read, the value read is the value of the latest write to that page in the run.
 */
export function readReturnsLastWrite(s: CohState, a: CohAction): Check {
  if (a.type !== 'read') return true
  const got = s.kernels[a.kernel]!.pages[a.page]!.data
  const last = s.written[a.page]!
  return got === last || `kernel ${a.kernel} reads ${got} from page ${a.page}, whose last write stored ${last}`
}

const inChannel = (s: CohState, from: number, to: number, pred: (m: CohState['net']['channels'][number][number]) => boolean): boolean =>
  s.net.channels[from * s.net.kernels + to]!.some(pred)

/**
 * No request left without an answer: every REQUEST a kernel has sent and has no vote for
 * is still on its way, or its VOTE is, or (with `deferWhenLocked`) the receiver holds it;
 * every copy locked for a requester will get its decision (the requester still runs that
 * request, or its COMMIT/ABORT is on its way).
 */
export function noRequestUnanswered(s: CohState): Check {
  const K = s.kernels.length
  for (let i = 0; i < K; i++) {
    const t = s.kernels[i]!.thread
    if (t.phase !== 'requesting' && t.phase !== 'voting') continue
    for (let j = 0; j < K; j++) {
      if (j === i || (t.phase === 'requesting' && j >= t.to) || ((t.yes | t.no) & (1 << j)) !== 0) continue
      const answered =
        inChannel(s, i, j, (m) => m.kind === 'REQUEST' && m.page === t.page) ||
        inChannel(s, j, i, (m) => m.kind === 'VOTE' && m.page === t.page) ||
        s.kernels[j]!.pages[t.page]!.deferred.includes(i)
      if (!answered) return `kernel ${i}'s REQUEST for page ${t.page} to kernel ${j} has no answer: neither it nor a VOTE is on its way`
    }
  }
  for (let j = 0; j < K; j++) {
    for (const [p, copy] of s.kernels[j]!.pages.entries()) {
      const i = copy.lock
      if (i === -1 || i === j) continue
      const t = s.kernels[i]!.thread
      const open = t.page === p && (t.phase === 'requesting' || t.phase === 'voting' || (t.phase === 'deciding' && j >= t.to))
      const decided = inChannel(s, i, j, (m) => (m.kind === 'COMMIT' || m.kind === 'ABORT') && m.page === p)
      if (!open && !decided) return `kernel ${j}'s copy of page ${p} is locked for kernel ${i}, which will send it no decision`
    }
  }
  return true
}

export const coherencyInvariants = { singleWriterOrReaders, noRequestUnanswered }
export const coherencyStepProperties = { readReturnsLastWrite }
