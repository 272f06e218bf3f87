/**
 * What a task does (seed 000_e5bbc95a2ea9d194.txt, chapter 5): its program's operations,
 * each a sequence of steps. Every step that touches shared state is its own step: a memory
 * access, a send (or, with `atomicBroadcast`, one "send to all"), a lock step, one edit of
 * the local address space. A step waits for the replies of the previous one (`wait`).
 *
 * - read/write v (5.7.3): through a usable local PTE, one load or store; a write to a COW
 *   page breaks it locally (do_wp_page); no PTE: the Popcorn fault: lock page(tg, v), send
 *   the query to every kernel, `install` the best answer, release. A segmentation fault is
 *   delivered as a signal the program handles: the access is skipped.
 * - migrate k (5.6): the task becomes a shadow and its state goes to k in one step.
 *   `migrateLock` (a fix): first the heavy lock; then that step (`go`); the lock is released
 *   once k's ARRIVED is back, so that a member count (under `exitLock`) never runs while
 *   the task is in flight.
 * - fork: the child process shares every mapped page copy-on-write, in one step (Linux
 *   copies the mm under its lock). `distributedFork` (a fix): under the heavy lock, pull
 *   every remote mapping, have every other kernel drop its PTEs, then fork.
 * - munmap / mprotect v (5.7.5, Figures 5.9-5.10): heavy lock, MODIFY to every kernel and
 *   their acknowledgements, then the local change, then release.
 * - mremap v (Figure 5.11), to page v+1 mod V: heavy lock, pull v's remote mapping in,
 *   every other kernel unmaps v and v+1, local move, release.
 * - mmap (Figure 5.12), a kernel-chosen page: heavy lock; the lowest page with no local VMA
 *   not yet found in conflict; fetch the remote mappings of it; on a conflict pick again;
 *   distributed munmap of the target; local mmap (thread i maps file i mod 2, 0 anonymous).
 * - exit (5.5): notify every kernel (shadows exit); if last local member, count the remote
 *   members (a message round); then save the mm, or, when last of all, notify the group
 *   exit; do_exit. A program ends with exit when `exit` is on.
 */
import type { Draft } from 'immer'
import { send } from './messaging.ts'
import { lockStep, mayStart, release, startRequest, takeLockStep, type LockSite, type LockStep } from './lamport-lock.ts'
import { HEAVY } from './lamport-queues.ts'
import { bit, bitsOf, others, type PopConfig } from './config.ts'
import {
  completeFault,
  forkLocal,
  installFull,
  mapLocal,
  modifyLocal,
  moveLocal,
  noMapping,
  rank,
  releaseReserved,
  breakCow,
  setVma,
  zapLocal,
  freeUnreferenced,
} from './address-space.ts'
import { clearAnswers, finishOp, leaveKernel, localMembers } from './tasks.ts'
import { forgetMembers, groupTargets, noteMember, startRing } from './retrieval.ts'
import { PROT_NONE, PROT_R, PROT_RW, type LockRes, type OpName, type PopMsg, type PopState, type Task } from './state.ts'

type D = Draft<PopState>
type Site = LockSite<PopState, LockRes, PopMsg>

export interface Choice {
  readonly op: OpName
  readonly page: number
  readonly arg: number
}

/** The operations an idle task may start: its program's nondeterministic choice. */
export function choices(s: PopState, c: PopConfig, i: number): Choice[] {
  const t = s.tasks[i]!
  const out: Choice[] = []
  if (t.left === 0) return c.p.exit ? [{ op: 'exit', page: 0, arg: 0 }] : []
  const child = t.tg !== 0
  const canLock = mayRequest(s, c, i)
  const pages = Array.from({ length: c.V }, (_, v) => v)
  for (const op of c.ops) {
    if (child && op !== 'read' && op !== 'write') continue
    if (!canLock && usesHeavyLock(c, op)) continue
    switch (op) {
      case 'read':
      case 'write':
        for (const v of pages) out.push({ op, page: v, arg: 0 })
        break
      case 'migrate':
        for (let k = 0; k < c.K; k++) if (k !== t.at) out.push({ op, page: 0, arg: k })
        break
      case 'fork':
        if (s.tasks[c.T]!.tg < 0) out.push({ op, page: 0, arg: 0 })
        break
      case 'mmap':
        out.push({ op, page: 0, arg: i % 2 })
        break
      case 'munmap':
        for (const v of pages) out.push({ op, page: v, arg: 0 })
        break
      case 'mprotect':
        for (const v of pages) for (const p of [PROT_R, PROT_RW]) out.push({ op, page: v, arg: p })
        break
      case 'mremap':
        if (c.V > 1) for (const v of pages) out.push({ op, page: v, arg: (v + 1) % c.V })
        break
    }
  }
  return out
}

const heavyOps: readonly OpName[] = ['munmap', 'mprotect', 'mremap', 'mmap']

function usesHeavyLock(c: PopConfig, op: OpName): boolean {
  if (op === 'fork') return c.p.distributedFork
  if (op === 'migrate') return c.p.migrateLock
  if (op === 'munmap' || op === 'mprotect') return !c.has('noHeavyLock')
  return heavyOps.includes(op)
}

/** The first step of an operation once it holds its lock. */
function afterLock(c: PopConfig, op: OpName): string {
  switch (op) {
    case 'read':
    case 'write':
      return 'query'
    case 'exit':
      return 'last'
    default:
      return firstPhase(c, op)
  }
}

/** The first step of a heavy operation once the lock is held. */
function firstPhase(c: PopConfig, op: OpName): string {
  switch (op) {
    case 'munmap':
      return c.has('localFirstUnmap') ? 'local' : c.p.deferFree ? 'zap' : 'remote'
    case 'mprotect':
      return 'remote'
    case 'mmap':
      return 'choose'
    case 'migrate':
      return 'go'
    default:
      return 'pull'
  }
}

/** The name of the step task i takes next in its operation, or undefined while it waits. */
export function ownStep(s: PopState, c: PopConfig, i: number): string | undefined {
  const t = s.tasks[i]!
  if (t.wait !== 0 || t.outTo !== 0) return undefined
  if (t.phase === 'access') {
    const pte = s.kernels[t.at]!.mms[t.tg]!.ptes[t.page]!
    if (pte.frame < 0) return c.has('noFaultLock') || mayRequest(s, c, i) ? 'fault' : undefined
    if (t.op === 'read') return 'read'
    if (pte.prot !== PROT_RW) return 'segv'
    return pte.cow ? 'cowBreak' : 'write'
  }
  if (t.phase === 'lock' || t.phase === 'releasing' || t.phase === 'flight') return undefined
  if (t.phase === 'exitLock' && !mayRequest(s, c, i)) return undefined
  return t.phase
}

/** The lock step task i may take (acquiring, or sending RELEASE one kernel at a time). */
export function taskLockStep(s: PopState, c: PopConfig, i: number): LockStep | undefined {
  const t = s.tasks[i]!
  if (t.phase !== 'lock' && t.phase !== 'releasing') return undefined
  return lockStep(c.lock, c.K, s.kernels[t.at]!.queues[t.tg]!, t.lock.res.res, t.at, t.lock)
}

/**
 * Sends `msg` to every other kernel (or to the kernels `to`, bits): one step, or
 * (`atomicBroadcast` false) one send per step.
 */
function sendToAll(d: D, c: PopConfig, i: number, msg: PopMsg, awaitReplies: boolean, to = others(c.K, d.tasks[i]!.at)): void {
  const t = d.tasks[i]!
  if (c.p.atomicBroadcast) for (const k of bitsOf(to)) send(d.net, t.at, k, msg)
  else if (to !== 0) {
    t.out = [msg as Draft<PopMsg>]
    t.outTo = to
  }
  if (awaitReplies) t.wait = to
}

/** One send of a broadcast in progress, to the lowest kernel still due. */
export function sendOne(d: D, i: number): number {
  const t = d.tasks[i]!
  const to = bitsOf(t.outTo)[0]!
  send(d.net, t.at, to, { ...(t.out[0] as PopMsg) })
  t.outTo &= ~bit(to)
  if (t.outTo === 0) t.out = []
  return to
}

/** A mapping query; a fault's goes by the `retrieval` protocol (`retrieval.ts`, 000 8.2). */
function query(d: D, c: PopConfig, i: number, pages: number, fault: boolean): void {
  const t = d.tasks[i]!
  t.got = Array.from({ length: c.V }, (_, v) => noMapping(v))
  const msg: PopMsg = { kind: 'QUERY', tg: t.tg, task: i, pages, fault }
  const how = fault ? c.p.retrieval : 'broadcast'
  if (how === 'ring' || how === 'ring-all') startRing(d, c, i)
  else if (how === 'group') sendToAll(d, c, i, msg, true, groupTargets(d as PopState, c.K, t.at, t.tg))
  else sendToAll(d, c, i, msg, true)
}

function modify(d: D, c: PopConfig, i: number): void {
  const t = d.tasks[i]!
  const all = (1 << c.V) - 1
  const [how, pages, prot] =
    t.op === 'mprotect'
      ? (['protect', bit(t.page), t.arg] as const)
      : t.op === 'mremap'
        ? (['unmap', bit(t.page) | bit(t.arg), 0] as const)
        : t.op === 'fork'
          ? (['zap', all, 0] as const)
          : (['unmap', bit(t.page), 0] as const)
  sendToAll(d, c, i, { kind: 'MODIFY', tg: t.tg, task: i, how, pages, prot }, true)
}

/** mmap's choice of a page: the lowest with no local VMA not yet found in conflict. */
function chooseAndProbe(d: D, c: PopConfig, i: number): void {
  const t = d.tasks[i]!
  const mm = d.kernels[t.at]!.mms[t.tg]!
  let cand = -1
  for (let v = 0; v < c.V && cand < 0; v++) if (mm.vmas[v]!.prot === PROT_NONE && !(t.tried & bit(v))) cand = v
  if (cand < 0) {
    t.phase = 'done'
    return
  }
  t.page = cand
  if (c.has('noMmapFetch')) {
    t.phase = 'remote'
    return
  }
  query(d, c, i, bit(cand), false)
  t.phase = 'check'
}

/**
 * After the lock is released (or, without a lock, at the end of an operation's work). A
 * migration under the lock hands the task to its destination now; a woken shadow there
 * ends the migration when it runs (`resume`).
 */
function afterRelease(d: D, i: number): void {
  const t = d.tasks[i]!
  if ((t.op === 'read' || t.op === 'write') && t.arg === 0) t.phase = 'access'
  else if (t.op === 'migrate') {
    t.at = t.arg
    if (d.kernels[t.at]!.tasks[i] === 'wakeMigrate') t.phase = 'flight'
    else finishOp(t)
  } else finishOp(t, t.op === 'exit' ? 'gone' : 'idle')
}

function releaseLock(d: D, site: Site, i: number): void {
  const t = d.tasks[i]!
  release(site, d, t.at, t.lock)
  if (t.lock.phase === 'idle') afterRelease(d, i)
  else t.phase = 'releasing'
}

function heavyRes(t: Draft<Task>): LockRes {
  return { tg: t.tg, res: HEAVY }
}

/** Task i starts an operation of its program (and takes its first step). */
export function start(d: D, c: PopConfig, site: Site, i: number, ch: Choice): void {
  const t = d.tasks[i]!
  const k = t.at
  if (ch.op !== 'exit') t.left--
  t.op = ch.op
  t.page = ch.page
  t.arg = ch.arg
  t.tried = 0
  switch (ch.op) {
    case 'read':
    case 'write':
      t.arg = 0
      t.phase = 'access'
      {
        const first = ownStep(d as PopState, c, i)
        if (first !== undefined) doStep(d, c, site, i, first)
      }
      return
    case 'migrate':
      if (usesHeavyLock(c, 'migrate')) break
      d.kernels[k]!.tasks[i] = 'shadow'
      t.at = ch.arg
      t.phase = 'flight'
      send(d.net, k, ch.arg, { kind: 'MIGRATE', task: i })
      return
    case 'exit':
      if (!c.has('skipShadowExit')) sendToAll(d, c, i, { kind: 'EXIT', task: i }, false)
      t.phase = c.p.exitLock ? 'exitLock' : 'last'
      return
    case 'fork':
      if (!usesHeavyLock(c, 'fork')) {
        forkChild(d, c, i)
        finishOp(t)
        return
      }
      break
  }
  if (usesHeavyLock(c, ch.op)) {
    t.phase = 'lock'
    startRequest(site, d, k, t.lock, heavyRes(t))
  } else t.phase = firstPhase(c, ch.op)
}

/** The model has one child slot: a fork that finds it taken (two forks started at once) fails, as with EAGAIN. */
function forkChild(d: D, c: PopConfig, i: number): void {
  const t = d.tasks[i]!
  const child = d.tasks[c.T]!
  if (child.tg >= 0) return
  child.tg = 1
  child.at = t.at
  child.visited = bit(t.at)
  d.kernels[t.at]!.tasks[c.T] = 'live'
  forkLocal(d, c, t.at, t.tg, 1)
}

/** A lock step of task i (`lamport-lock.ts`), and what the operation does once it holds the lock. */
export function doLockStep(d: D, c: PopConfig, site: Site, i: number, step: LockStep): void {
  const t = d.tasks[i]!
  takeLockStep(site, d, t.at, t.lock, step)
  if (t.phase === 'lock' && t.lock.phase === 'holding') t.phase = afterLock(c, t.op)
  else if (t.phase === 'releasing' && t.lock.phase === 'idle') afterRelease(d, i)
}

/** May task i's kernel start a lock request now (`lamport-lock.ts`, `mayStart`)? */
export function mayRequest(s: PopState, c: PopConfig, i: number): boolean {
  return mayStart(c.lock, s.kernels[s.tasks[i]!.at]!.lock)
}

/** Task i takes the step `name` of its operation (as `ownStep` named it). */
export function doStep(d: D, c: PopConfig, site: Site, i: number, name: string): void {
  const t = d.tasks[i]!
  const k = t.at
  const mm = d.kernels[k]!.mms[t.tg]!
  switch (name) {
    case 'read':
    case 'write':
      if (name === 'write') {
        const v = d.lastWrite[t.tg]![t.page]! + 1
        d.lastWrite[t.tg]![t.page] = v
        d.frames[mm.ptes[t.page]!.frame]!.data = v
      }
      finishOp(t)
      return
    case 'segv':
      finishOp(t)
      return
    case 'cowBreak':
      if (!breakCow(d, c, k, t.tg, t.page)) finishOp(t)
      return
    case 'fault':
      if (c.has('noFaultLock')) {
        query(d, c, i, bit(t.page), true)
        t.phase = 'install'
      } else {
        t.phase = 'lock'
        startRequest(site, d, k, t.lock, { tg: t.tg, res: t.page })
      }
      return
    case 'query':
      query(d, c, i, bit(t.page), true)
      t.phase = 'install'
      return
    case 'install': {
      const ok = completeFault(d, c, k, t.tg, t.page, t.got)
      clearAnswers(t)
      t.arg = ok ? 0 : 1
      if (c.has('noFaultLock')) afterRelease(d, i)
      else t.phase = 'release'
      return
    }
    case 'release':
    case 'done':
      if (t.lock.phase === 'holding') releaseLock(d, site, i)
      else afterRelease(d, i)
      return
    // heavy operations
    case 'remote':
      modify(d, c, i)
      t.phase = t.op === 'munmap' && c.has('localFirstUnmap') ? 'done' : 'local'
      return
    case 'local':
      localChange(d, c, i)
      t.phase = t.op === 'munmap' && c.has('localFirstUnmap') ? 'remote' : 'done'
      return
    case 'zap':
      zapLocal(d, k, t.tg, t.page)
      t.phase = 'remote'
      return
    case 'pull':
      query(d, c, i, t.op === 'fork' ? (1 << c.V) - 1 : bit(t.page), false)
      t.phase = 'pulled'
      return
    case 'pulled':
      for (const m of t.got) {
        if (rank(m) === 2) installFull(d, c, k, t.tg, m)
        else if (rank(m) === 1 && mm.vmas[m.page]!.prot === PROT_NONE) setVma(d, k, t.tg, m.page, m.vma)
      }
      clearAnswers(t)
      t.phase = 'remote'
      return
    case 'choose':
      chooseAndProbe(d, c, i)
      return
    case 'check':
      if (rank(t.got[t.page]!) > 0) {
        clearAnswers(t)
        t.tried |= bit(t.page)
        chooseAndProbe(d, c, i)
      } else {
        modify(d, c, i)
        t.phase = 'local'
      }
      return
    // exit
    case 'last':
      t.phase = localMembers(d as PopState, c, k, t.tg, i) === 0 ? 'count' : 'die'
      return
    case 'count':
      t.count = 0
      sendToAll(d, c, i, { kind: 'COUNT', tg: t.tg, task: i }, true)
      t.phase = 'decide'
      return
    case 'decide':
      if (t.count > 0) {
        if (!c.has('noSavedMm')) mm.status = 'saved'
      } else {
        sendToAll(d, c, i, { kind: 'GROUP_EXIT', tg: t.tg }, false)
        mm.status = 'ending'
        releaseReserved(d, c, k, t.tg)
        forgetMembers(d, k, t.tg)
      }
      t.phase = 'die'
      return
    case 'go':
      d.kernels[k]!.tasks[i] = 'shadow'
      send(d.net, k, t.arg, { kind: 'MIGRATE', task: i })
      t.wait = bit(t.arg)
      t.phase = 'release'
      return
    case 'exitLock':
      t.phase = 'lock'
      startRequest(site, d, k, t.lock, heavyRes(t))
      return
    // `retrieval` group (8.2.2): a kernel new to the group announces itself before the migrated task resumes
    case 'join':
      sendToAll(d, c, i, { kind: 'JOIN', tg: t.tg, task: i }, c.p.joinWait)
      t.phase = 'joined'
      return
    case 'joined':
      noteMember(d, k, t.tg, k)
      finishOp(t)
      return
    case 'die':
      leaveKernel(d, c, k, i)
      if (t.lock.phase === 'holding') releaseLock(d, site, i)
      else afterRelease(d, i)
      return
  }
  throw new Error(`popcorn: task ${i} has no step '${name}'`)
}

function localChange(d: D, c: PopConfig, i: number): void {
  const t = d.tasks[i]!
  const k = t.at
  switch (t.op) {
    case 'munmap':
      modifyLocal(d, c, k, t.tg, 'unmap', bit(t.page), 0)
      if (c.p.deferFree) freeUnreferenced(d, c, k)
      d.lastWrite[t.tg]![t.page] = 0
      d.layout[t.tg]![t.page] = 0
      return
    case 'mprotect':
      modifyLocal(d, c, k, t.tg, 'protect', bit(t.page), t.arg)
      if (d.layout[t.tg]![t.page] !== 0) d.layout[t.tg]![t.page] = t.arg
      return
    case 'mremap': {
      const moved = moveLocal(d, c, k, t.tg, t.page, t.arg)
      d.lastWrite[t.tg]![t.arg] = moved ? d.lastWrite[t.tg]![t.page]! : 0
      d.layout[t.tg]![t.arg] = moved ? d.layout[t.tg]![t.page]! : 0
      if (moved) {
        d.lastWrite[t.tg]![t.page] = 0
        d.layout[t.tg]![t.page] = 0
      }
      return
    }
    case 'mmap':
      mapLocal(d, c, k, t.tg, t.page, t.arg)
      d.lastWrite[t.tg]![t.page] = 0
      d.layout[t.tg]![t.page] = PROT_RW
      return
    case 'fork':
      forkChild(d, c, i)
      return
  }
}
