/**
 * `coherency`: the page coherency protocol of Sadini, Barbalace, Ravindran and Quaglia,
 * "A Page Coherency Protocol for Popcorn Replicated-kernel Operating System" (poster, seed
 * 001_44de5ba93cfef617.txt), over Popcorn's kernels and messaging layer
 * (`popcorn/messaging.ts`: one FIFO channel per ordered pair of kernels, one handler step
 * per message, messages counted by type).
 *
 * What the poster says (section "New Page Coherency Protocol", "Why a new protocol?"):
 * - "We started from the MSI coherency protocol extending it with Unmapped and
 *   NotReplicated states"; "Linux pages are not present at initialization (Unmapped)";
 *   "On-demand pages become present and access any of the other states (N, M, S, I)".
 * - "A distributed algorithm with voting (i.e. no centralized approach)"; "Less
 *   constraints on the hardware (e.g. no global clock)".
 * - "Replicated page table per kernel", "Replicated page content on each kernel", "Page
 *   level protocol to guarantee a coherent memory view to the app."
 * It says nothing more about the rules. Our reading, per page and per kernel:
 * - States: U (not present here), N (present here and nowhere else: no other kernel has
 *   ever had a replica, every other kernel is U), M (the only valid copy, others may hold
 *   stale replicas, I), S (a valid read-only replica), I (a stale replica). A read hits in
 *   S, M, N; a write hits in M, N; anything else faults.
 * - Voting, no directory: the faulting kernel locks its own copy and sends REQUEST(page,
 *   access) to every other kernel. A kernel whose copy is not locked locks it for the
 *   requester and votes YES with its state and data; a locked copy votes NO (it is busy
 *   with another request). With the votes in, the requester decides: COMMIT if the
 *   `quorum` is met, else ABORT, sent to every other kernel; a kernel unlocks its copy on
 *   either, and on COMMIT applies the transition (read: M and N become S; write: every
 *   replica becomes I). The requester installs the page at the decision: data from a
 *   valid copy among the votes (or its own), or a fresh zero page when nobody has one;
 *   state S for a read (N when the page is fresh), M for a write (N when no other kernel
 *   holds any replica). After ABORT it faults again. No clock of any kind is used:
 *   conflicts end in ABORT on one side or both (a livelock is possible, a deadlock is
 *   not). 3(K-1) messages per fault without conflict: REQUEST, VOTE, COMMIT.
 * - A locked copy is not accessible to its own kernel's thread (its PTE is held for the
 *   transition, as a Linux fault holds the page table lock): the thread waits.
 * - Granularity: a handler is one step (Popcorn's handlers are serialized per kernel,
 *   000 4.8); the thread's fault start (lock own copy, send) and decision (install,
 *   unlock, send) are one step each, or one step per send with `atomicBroadcast=false`.
 *   Threads and handlers of a kernel interleave.
 *
 * Open choices, as parameters:
 * - `quorum` (default `all`): a request commits with every other kernel's YES, or with a
 *   majority of all kernels (the requester counting itself). The requester waits for every
 *   vote before deciding either way (so that no vote of an old round is taken for a new one).
 * - `atomicBroadcast` (default true): "send to all" is one step, or K-1 steps.
 * - `workload`: what each kernel's thread does (`any`: reads and writes of any page, for
 *   the checker; `rr`, `rw`, `ww`: the poster's workloads, kernel 0 writing in `rw`).
 *
 * Mutations: `writeKeepsReaders` (a write COMMIT leaves S copies valid), `readHitInvalid`
 * (a read hits on an I copy: its PTE was left mapped), `ignoreWhenLocked` (a locked copy
 * drops a REQUEST instead of voting NO), `deferWhenLocked` (a locked copy holds a REQUEST
 * until it is unlocked, then votes YES), `writeMissNotReplicated` (a write fault always
 * installs N, even when other kernels hold replicas).
 *
 * The message counters and the ghost write counters: the message counters are hidden
 * fields, left out of the fingerprint (`hiding`); `written[p]`, the number of writes to
 * page p so far, is the value of the last write (a write stores written[p] + 1) and is
 * what a read must return.
 */
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { hiding } from '../checker/hidden.ts'
import { reducer } from '../checker/reducer.ts'
import { broadcast, deliverable, drained, emptyMessaging, send, take, type Messaging } from './popcorn/messaging.ts'

export type PageState = 'U' | 'N' | 'S' | 'M' | 'I'
export type Access = 'read' | 'write'
export type Workload = 'any' | 'rr' | 'rw' | 'ww'
export type Quorum = 'all' | 'majority'

/** One kernel's copy of one page: its state, its data, and the requester it is locked for (-1: none). */
export interface PageCopy {
  readonly state: PageState
  readonly data: number
  readonly lock: number
  /** Requests held until unlocked (only with the `deferWhenLocked` mutation). */
  readonly deferred: readonly number[]
}

export type CohMsgKind = 'REQUEST' | 'VOTE' | 'COMMIT' | 'ABORT'
export const COH_MSG_KINDS: readonly CohMsgKind[] = ['REQUEST', 'VOTE', 'COMMIT', 'ABORT']

/**
 * One shape for every message (the state codec is fastest on uniform shapes): `access` of
 * a REQUEST or COMMIT, `yes`, `state` and `data` (-1: none) of a VOTE.
 */
export interface CohMsg {
  readonly kind: CohMsgKind
  readonly page: number
  readonly access: Access
  readonly yes: boolean
  readonly state: PageState
  readonly data: number
}

const message = (kind: CohMsgKind, page: number, access: Access = 'read'): CohMsg => ({ kind, page, access, yes: false, state: 'U', data: -1 })
const vote = (page: number, yes: boolean, state: PageState, data: number): CohMsg => ({ kind: 'VOTE', page, access: 'read', yes, state, data })

/**
 * A kernel's thread. `idle`: between operations; `pending`: an operation chosen, not done
 * (it retries after a decision); `requesting`: sending REQUEST one kernel at a time;
 * `voting`: waiting for votes; `deciding`: sending COMMIT/ABORT one kernel at a time.
 */
export type Phase = 'idle' | 'pending' | 'requesting' | 'voting' | 'deciding'

export interface CohThread {
  readonly left: number
  readonly phase: Phase
  readonly access: Access
  readonly page: number
  /** Next kernel to send to (one-step-per-send broadcasts). */
  readonly to: number
  /** Bitmasks of the kernels that voted YES and NO. */
  readonly yes: number
  readonly no: number
  /** Data of a valid copy among the YES votes (-1: none yet). */
  readonly data: number
  /** Bitmask of the YES voters holding any replica (not U). */
  readonly replicas: number
  /** The decision being sent (deciding). */
  readonly commit: boolean
}

export interface CohKernel {
  readonly pages: readonly PageCopy[]
  readonly thread: CohThread
}

export interface CohState {
  readonly kernels: readonly CohKernel[]
  readonly net: Messaging<CohMsg>
  /** Ghost: writes to each page so far; the value of its last write. */
  readonly written: readonly number[]
}

export type CohAction =
  | { readonly type: 'read' | 'write' | 'fault'; readonly kernel: number; readonly page: number; readonly access: Access }
  | { readonly type: 'send'; readonly kernel: number; readonly to: number; readonly kind: 'REQUEST' | 'COMMIT' | 'ABORT' }
  | { readonly type: 'decide'; readonly kernel: number; readonly commit: boolean }
  | {
      readonly type: 'deliver'
      readonly from: number
      readonly to: number
      readonly index: number
      readonly kind: CohMsgKind
      readonly page: number
    }

export interface CoherencyParams {
  readonly kernels: number
  readonly pages: number
  readonly ops: number
  readonly workload: string
  readonly quorum: string
  readonly atomicBroadcast: boolean
  readonly [k: string]: number | boolean | string
}

export interface CoherencyConfig {
  readonly K: number
  readonly pages: number
  readonly workload: Workload
  readonly quorum: Quorum
  readonly atomicBroadcast: boolean
  readonly writeKeepsReaders: boolean
  readonly readHitInvalid: boolean
  readonly ignoreWhenLocked: boolean
  readonly deferWhenLocked: boolean
  readonly writeMissNotReplicated: boolean
}

export const COHERENCY_MUTATIONS = [
  'writeKeepsReaders',
  'readHitInvalid',
  'ignoreWhenLocked',
  'deferWhenLocked',
  'writeMissNotReplicated',
] as const

export function coherencyConfig(p: CoherencyParams, m: ReadonlySet<string>): CoherencyConfig {
  return {
    K: p.kernels,
    pages: p.pages,
    workload: p.workload as Workload,
    quorum: p.quorum as Quorum,
    atomicBroadcast: p.atomicBroadcast,
    writeKeepsReaders: m.has('writeKeepsReaders'),
    readHitInvalid: m.has('readHitInvalid'),
    ignoreWhenLocked: m.has('ignoreWhenLocked'),
    deferWhenLocked: m.has('deferWhenLocked'),
    writeMissNotReplicated: m.has('writeMissNotReplicated'),
  }
}

export const VALID: ReadonlySet<PageState> = new Set(['S', 'M', 'N'])
const WRITABLE: ReadonlySet<PageState> = new Set(['M', 'N'])

/** The kernel's thread may read its copy without the protocol. */
export function readable(c: PageCopy): boolean {
  return c.lock === -1 && VALID.has(c.state)
}

/** The kernel's thread may write its copy without the protocol. */
export function writable(c: PageCopy): boolean {
  return c.lock === -1 && WRITABLE.has(c.state)
}

/** The accesses a kernel's thread makes under a workload (kernel 0 is the writer of `rw`). */
export function accessesOf(w: Workload, kernel: number): readonly Access[] {
  if (w === 'rr') return ['read']
  if (w === 'ww') return ['write']
  if (w === 'rw') return [kernel === 0 ? 'write' : 'read']
  return ['read', 'write']
}

const idleThread = (left: number): CohThread => ({
  left,
  phase: 'idle',
  access: 'read',
  page: 0,
  to: 0,
  yes: 0,
  no: 0,
  data: -1,
  replicas: 0,
  commit: false,
})

const bit = (k: number): number => 1 << k
const others = (K: number, k: number): number => ((1 << K) - 1) & ~bit(k)
const popcount = (x: number): number => {
  let n = 0
  for (let v = x; v !== 0; v &= v - 1) n++
  return n
}

/** The decision once every vote is in: commit, abort, or undefined (votes still missing). */
export function decision(c: CoherencyConfig, kernel: number, t: CohThread): boolean | undefined {
  if (t.phase !== 'voting' || (t.yes | t.no) !== others(c.K, kernel)) return undefined
  if (c.quorum === 'all') return t.no === 0
  return 2 * (popcount(t.yes) + 1) > c.K
}

/** The next kernel after `from` (inclusive) other than `self`, or K when none is left. */
function nextTarget(K: number, self: number, from: number): number {
  let k = from
  while (k < K && k === self) k++
  return k
}

export function quiescent(s: CohState): boolean {
  return drained(s.net) && s.kernels.every((k) => k.thread.phase === 'idle' || k.thread.phase === 'pending')
}

export function finished(s: CohState): boolean {
  return drained(s.net) && s.kernels.every((k) => k.thread.phase === 'idle' && k.thread.left === 0)
}

export function coherencyRules(p: CoherencyParams, mutations: ReadonlySet<string>): ModelRules<CohState, CohAction> {
  const c = coherencyConfig(p, mutations)
  const { K } = c
  if (!['any', 'rr', 'rw', 'ww'].includes(c.workload)) throw new Error(`coherency: unknown workload '${c.workload}'`)
  const pages = Array.from({ length: c.pages }, (_, i) => i)

  /** The thread's attempt at its operation: a hit, a fault, or nothing (its copy is locked). */
  const attempt = (kernel: number, copy: PageCopy, page: number, access: Access): CohAction | undefined => {
    if (copy.lock !== -1) return undefined
    if (access === 'read' && (VALID.has(copy.state) || (c.readHitInvalid && copy.state === 'I'))) return { type: 'read', kernel, page, access }
    if (access === 'write' && WRITABLE.has(copy.state)) return { type: 'write', kernel, page, access }
    return { type: 'fault', kernel, page, access }
  }

  /** A YES vote: lock the copy for the requester and answer with its state and data. */
  const voteYes = (d: Draft<CohState>, voter: number, requester: number, page: number): void => {
    const copy = d.kernels[voter]!.pages[page]!
    copy.lock = requester
    const data = VALID.has(copy.state) ? copy.data : -1
    send(d.net, voter, requester, vote(page, true, copy.state, data))
  }

  const unlock = (d: Draft<CohState>, kernel: number, page: number): void => {
    const copy = d.kernels[kernel]!.pages[page]!
    copy.lock = -1
    const next = copy.deferred.shift()
    if (next !== undefined) voteYes(d, kernel, next, page)
  }

  const handle = (d: Draft<CohState>, to: number, from: number, m: CohMsg): void => {
    const copy = d.kernels[to]!.pages[m.page]!
    switch (m.kind) {
      case 'REQUEST':
        if (copy.lock === -1) voteYes(d, to, from, m.page)
        else if (c.deferWhenLocked) copy.deferred.push(from)
        else if (!c.ignoreWhenLocked) send(d.net, to, from, vote(m.page, false, copy.state, -1))
        return
      case 'VOTE': {
        const t = d.kernels[to]!.thread
        if (m.yes) {
          t.yes |= bit(from)
          if (m.data >= 0) t.data = m.data
          if (m.state !== 'U') t.replicas |= bit(from)
        } else t.no |= bit(from)
        return
      }
      case 'COMMIT':
        if (m.access === 'write') {
          if (copy.state !== 'U' && !(c.writeKeepsReaders && copy.state === 'S')) copy.state = 'I'
        } else if (WRITABLE.has(copy.state)) copy.state = 'S'
        if (copy.lock === from) unlock(d, to, m.page)
        return
      case 'ABORT':
        if (copy.lock === from) unlock(d, to, m.page)
        return
    }
  }

  /** The decision: install the page on a commit, unlock the own copy. */
  const decide = (d: Draft<CohState>, kernel: number, commit: boolean): void => {
    const t = d.kernels[kernel]!.thread
    const copy = d.kernels[kernel]!.pages[t.page]!
    if (commit) {
      const ownValid = VALID.has(copy.state)
      const data = ownValid ? copy.data : t.data
      if (t.access === 'read') {
        copy.state = data >= 0 ? 'S' : 'N'
      } else {
        copy.state = t.replicas === 0 || c.writeMissNotReplicated ? 'N' : 'M'
      }
      copy.data = Math.max(data, 0)
    }
    t.commit = commit
    unlock(d, kernel, t.page)
  }

  const resetVotes = (t: Draft<CohThread>): void => {
    t.yes = 0
    t.no = 0
    t.data = -1
    t.replicas = 0
  }

  return {
    name: 'coherency',
    init: () => [
      {
        kernels: Array.from({ length: K }, () => ({
          pages: pages.map(() => ({ state: 'U' as PageState, data: 0, lock: -1, deferred: [] })),
          thread: idleThread(p.ops),
        })),
        net: emptyMessaging<CohMsg>(K, COH_MSG_KINDS),
        written: pages.map(() => 0),
      },
    ],
    actions(s) {
      const out: CohAction[] = []
      for (let kernel = 0; kernel < K; kernel++) {
        const k = s.kernels[kernel]!
        const t = k.thread
        switch (t.phase) {
          case 'idle':
            if (t.left === 0) break
            for (const access of accessesOf(c.workload, kernel)) {
              for (const page of pages) {
                const a = attempt(kernel, k.pages[page]!, page, access)
                if (a) out.push(a)
              }
            }
            break
          case 'pending': {
            const a = attempt(kernel, k.pages[t.page]!, t.page, t.access)
            if (a) out.push(a)
            break
          }
          case 'requesting':
            out.push({ type: 'send', kernel, to: t.to, kind: 'REQUEST' })
            break
          case 'voting': {
            const commit = decision(c, kernel, t)
            if (commit !== undefined) out.push({ type: 'decide', kernel, commit })
            break
          }
          case 'deciding':
            out.push({ type: 'send', kernel, to: t.to, kind: t.commit ? 'COMMIT' : 'ABORT' })
            break
        }
      }
      for (const del of deliverable(s.net, false)) {
        const m = s.net.channels[del.from * K + del.to]![del.index]!
        out.push({ type: 'deliver', from: del.from, to: del.to, index: del.index, kind: m.kind, page: m.page })
      }
      return out
    },
    next: reducer<CohState, CohAction>((d, a) => {
      switch (a.type) {
        case 'read':
        case 'write': {
          const t = d.kernels[a.kernel]!.thread
          if (a.type === 'write') {
            const copy = d.kernels[a.kernel]!.pages[a.page]!
            copy.data = ++d.written[a.page]!
          }
          t.left -= t.phase === 'idle' ? 1 : 0
          t.phase = 'idle'
          return
        }
        case 'fault': {
          const t = d.kernels[a.kernel]!.thread
          if (t.phase === 'idle') t.left--
          t.access = a.access
          t.page = a.page
          resetVotes(t)
          d.kernels[a.kernel]!.pages[a.page]!.lock = a.kernel
          const msg = message('REQUEST', a.page, a.access)
          if (c.atomicBroadcast) {
            broadcast(d.net, a.kernel, msg)
            t.phase = 'voting'
          } else {
            t.phase = 'requesting'
            t.to = nextTarget(K, a.kernel, 0)
          }
          return
        }
        case 'send': {
          const t = d.kernels[a.kernel]!.thread
          send(d.net, a.kernel, a.to, message(a.kind, t.page, t.access))
          t.to = nextTarget(K, a.kernel, a.to + 1)
          if (t.to === K) t.phase = t.phase === 'requesting' ? 'voting' : 'pending'
          return
        }
        case 'decide': {
          const t = d.kernels[a.kernel]!.thread
          decide(d, a.kernel, a.commit)
          const page = t.page
          if (c.atomicBroadcast) {
            broadcast(d.net, a.kernel, message(a.commit ? 'COMMIT' : 'ABORT', page, t.access))
            t.phase = 'pending'
          } else {
            t.phase = 'deciding'
            t.to = nextTarget(K, a.kernel, 0)
          }
          resetVotes(t)
          return
        }
        case 'deliver':
          handle(d, a.to, a.from, take(d.net, a))
          return
      }
    }),
    terminal: finished,
    view: hiding(['net', 'sent']),
    actionTypes: ['read', 'write', 'fault', ...(c.atomicBroadcast ? [] : ['send']), 'decide', 'deliver'],
    actor: (a) => (a.type === 'deliver' ? `kernel ${a.to}` : `kernel ${a.kernel} thread`),
    describe: (a) => describeCoherency(a),
  }
}

export function describeCoherency(a: CohAction): string {
  switch (a.type) {
    case 'read':
    case 'write':
      return `kernel ${a.kernel} thread: ${a.type} page ${a.page} (hit)`
    case 'fault':
      return `kernel ${a.kernel} thread: ${a.access} fault on page ${a.page}: lock the own copy, send REQUEST`
    case 'send':
      return `kernel ${a.kernel} thread: send ${a.kind} to kernel ${a.to}`
    case 'decide':
      return `kernel ${a.kernel} thread: every vote in, ${a.commit ? 'COMMIT: install the page' : 'ABORT'}`
    case 'deliver':
      return `kernel ${a.to}: handle ${a.kind}(page ${a.page}) from kernel ${a.from}${a.index > 0 ? ` (message ${a.index} of the channel)` : ''}`
  }
}

export function cohMsgLabel(m: CohMsg): string {
  switch (m.kind) {
    case 'REQUEST':
    case 'COMMIT':
      return `${m.kind}(page ${m.page}, ${m.access})`
    case 'VOTE':
      return `VOTE(page ${m.page}, ${m.yes ? 'yes' : 'no'}, ${m.state}${m.data >= 0 ? `, data ${m.data}` : ''})`
    case 'ABORT':
      return `ABORT(page ${m.page})`
  }
}
