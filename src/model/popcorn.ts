/**
 * `popcorn`: Popcorn Linux's distributed thread groups and their distributed address space
 * (seed 000_e5bbc95a2ea9d194.txt, chapter 5 (5.1-5.7, Figure 5.12), messaging 4.8, message
 * counts 6.7.4; seed 002_1b73c818e9b10511.txt, sections 3-4), over the kernels, messaging
 * layer, Lamport queues and Lamport lock rules shared with `lamport`
 * (`src/model/popcorn/`: `kernels.ts`, `messaging.ts`, `lamport-queues.ts`,
 * `lamport-lock.ts`).
 *
 * K kernels, each owning F frames; process 0 has `threads` threads, each running a program
 * of `ops` operations chosen from the enabled ones, then exit (`operations.ts`); `fork`
 * creates process 1 (one child thread, `childOps` reads or writes, then exit). The address
 * space has `pages` pages; the first `mapped` form one anonymous read-write VMA on kernel 0
 * at the start (a kernel a thread starts on by `spread` has an empty mm: the layout only).
 *
 * Granularity (spec, "faithfulness rules"): a step per memory access, per send (or one
 * "send to all" with `atomicBroadcast`), per lock step (the fetch-and-add of the timestamp
 * is its own step unless `atomicTimestamp`), per local edit of an mm, per handler.
 * Coarser than instructions, and why it does not hide a race: a handler is one step
 * (`handlers.ts`); choosing an operation is merged with its first step (the choice is
 * local to the thread); a migration turns the task into a shadow and sends it in one step
 * (no rule reads the channel in between); the receiving kernel creates the migrated task
 * in one handler step; fork is one step (Linux copies the mm under its lock).
 *
 * Readings the thesis leaves open (parameters; the default is the faithful or the Linux
 * reading): `atomicTimestamp`, `atomicBroadcast`, `gcCountsHeavyCopies` (as in `lamport`);
 * `countExitingMembers` (default true: a member counts until its do_exit); `reserveLent`
 * (default false: a frame is freed when its owner's copies stop mapping it, Linux's
 * reference count on the owner; true: a lent frame stays reserved until the group exits).
 * Fixes the checker motivated (README, "popcorn"; each checked at the finest granularity):
 * `requestLock` (and `deferAcks`, unsound) as in `lamport`; `exitLock` (exit decides "last
 * member" under the heavy lock, released after do_exit); `shadowExitSavesMm` (the last task
 * leaving a kernel before the group exit saves the mm); `deferFree` (munmap clears its own PTE
 * first and frees after the acknowledgements); `reserveLent`; `distributedFork` (fork pulls
 * the remote mappings, has the other kernels drop their PTEs, and copies borrowed frames for
 * the child); `prefetchNormalOnly` (no COW page in a prefetch slot).
 *
 * Mutations (`config.ts`): the spec's eight (`noFaultLock`, `noCowBreak`, `noHeavyLock`,
 * `localFirstUnmap`, `noHeavyMirror`, `unorderedChannels`, `noSavedMm`, `skipShadowExit`)
 * and `noMmapFetch`, `noShadowWake`, `noGc`, `silentCount`; of the retrieval protocols
 * (`popcorn/retrieval.ts`, 000 8.2, parameter `retrieval`): `ringStopsAtVma`, `noJoin`.
 *
 * Ghost state (no rule reads it): `lastWrite`, `layout`; `oom` (a run whose allocation found no free
 * frame is cut: Linux would call the OOM killer, which we do not model). The message
 * counters are hidden fields, left out of the fingerprint (`hiding`).
 */
import type { ModelRules } from '../checker/model.ts'
import { hiding } from '../checker/hidden.ts'
import { reducer } from '../checker/reducer.ts'
import { fifoChannelMessages } from '../checker/messages.ts'
import { initialMachine } from './popcorn/kernels.ts'
import { emptyQueues } from './popcorn/lamport-queues.ts'
import { emptyLockKernel, idleRequest, mayHandle, type LockStep } from './popcorn/lamport-lock.ts'
import { deliverable, drained, emptyMessaging, take } from './popcorn/messaging.ts'
import { bit, bitsOf, popConfig, type PopConfig, type PopParams } from './popcorn/config.ts'
import { emptyMm, noMapping } from './popcorn/address-space.ts'
import { choices, doLockStep, doStep, ownStep, sendOne, start, taskLockStep, type Choice } from './popcorn/operations.ts'
import { handle, messageLabel } from './popcorn/handlers.ts'
import { handingOver, resume } from './popcorn/tasks.ts'
import { lockSite } from './popcorn/lock-site.ts'
import { initialMembers, retrievalKinds } from './popcorn/retrieval.ts'
import { NO_PTE, POP_MSG_KINDS, PROT_RW, type Mm, type PopMsg, type PopMsgKind, type PopState, type Task } from './popcorn/state.ts'

export type { PopParams } from './popcorn/config.ts'
export { popConfig } from './popcorn/config.ts'

/** A task's step names the kernel it runs on (`at`), for reports. */
export type PopAction =
  | ({ readonly type: 'start'; readonly task: number; readonly at: number } & Choice)
  | { readonly type: 'step'; readonly task: number; readonly at: number; readonly name: string }
  | ({ readonly type: 'lock'; readonly task: number; readonly at: number } & LockStep)
  | { readonly type: 'send'; readonly task: number; readonly at: number; readonly to: number; readonly kind: PopMsgKind }
  | { readonly type: 'resume'; readonly task: number; readonly at: number }
  | {
      readonly type: 'deliver'
      readonly from: number
      readonly to: number
      readonly index: number
      /** The message's kind, for readable traces (it is determined by the channel). */
      readonly kind: PopMsgKind
    }

function initialTask(c: PopConfig, i: number): Task {
  const thread = i < c.T
  const at = thread && c.p.spread ? i % c.K : 0
  return {
    tg: thread ? 0 : -1,
    at,
    visited: thread ? bit(at) : 0,
    left: thread ? c.p.ops : c.p.childOps,
    op: 'idle',
    phase: '',
    page: 0,
    arg: 0,
    lock: idleRequest({ tg: thread ? 0 : 1, res: 0 }),
    wait: 0,
    got: Array.from({ length: c.V }, (_, v) => noMapping(v)),
    count: 0,
    tried: 0,
    out: [],
    outTo: 0,
  }
}

export function initialState(c: PopConfig): PopState {
  const tasks = Array.from({ length: c.slots }, (_, i) => initialTask(c, i))
  const layout: Mm = {
    status: 'used',
    vmas: Array.from({ length: c.V }, (_, v) => ({ prot: v < c.p.mapped ? PROT_RW : 0, file: 0, off: 0 })),
    ptes: Array.from({ length: c.V }, (_, v) => (v < c.p.populated ? { frame: v, prot: PROT_RW, cow: false } : NO_PTE)),
  }
  return {
    clock: 0,
    frames: initialMachine(c.K, c.F).frames.map((f, i) => (i < c.p.populated ? { ...f, used: true } : f)),
    kernels: Array.from({ length: c.K }, (_, k) => {
      const here = tasks.map((t) => t.tg === 0 && t.at === k)
      return {
        tasks: here.map((h) => (h ? 'live' : 'none')),
        mms: Array.from({ length: c.groups }, (_, g) =>
          g === 0 && k === 0 ? layout : g === 0 && here.some((h) => h) ? { ...emptyMm(c.V), status: 'used' } : emptyMm(c.V),
        ),
        queues: Array.from({ length: c.groups }, () => emptyQueues()),
        lock: emptyLockKernel(),
        ...(c.p.retrieval === 'group' ? { members: initialMembers(c, tasks) } : {}),
      }
    }),
    tasks,
    net: emptyMessaging<PopMsg>(c.K, [...(c.p.migrateLock ? [...POP_MSG_KINDS, 'ARRIVED' as const] : POP_MSG_KINDS), ...retrievalKinds(c)]),
    lastWrite: Array.from({ length: c.groups }, () => Array.from({ length: c.V }, () => 0)),
    layout: Array.from({ length: c.groups }, (_, g) => Array.from({ length: c.V }, (_, v) => (g === 0 && v < c.p.mapped ? PROT_RW : 0))),
    reservedFor: Array.from({ length: c.K * c.F }, () => -1),
    oom: false,
  }
}

/** Every message delivered, no broadcast half sent, no woken shadow waiting to run. */
export function quiescent(s: PopState): boolean {
  return (
    drained(s.net) &&
    s.tasks.every((t) => t.outTo === 0 && t.lock.phase !== 'requesting' && t.lock.phase !== 'releasing') &&
    s.kernels.every((k) => k.tasks.every((p) => p !== 'wakeMigrate' && p !== 'wakeExit'))
  )
}

/** Every program has ended (exited, or with `exit` off, run all its operations) and all is quiet. */
export function finished(s: PopState, c: PopConfig): boolean {
  return quiescent(s) && s.tasks.every((t) => t.tg < 0 || t.op === 'gone' || (!c.p.exit && t.op === 'idle' && t.left === 0))
}

export function popcornRules(p: PopParams, mutations: ReadonlySet<string>): ModelRules<PopState, PopAction> & { config: PopConfig } {
  const c = popConfig(p, mutations)
  const site = lockSite(c)
  return {
    name: 'popcorn',
    config: c,
    init: () => [initialState(c)],
    actions(s) {
      const out: PopAction[] = []
      s.tasks.forEach((t, task) => {
        if (t.tg < 0 || t.op === 'gone') return
        if (s.kernels[t.at]!.tasks[task] !== 'live' && !(t.op === 'exit' && t.phase === 'releasing') && !handingOver(t)) return
        const at = t.at
        if (t.outTo !== 0) {
          out.push({ type: 'send', task, at, to: bitsOf(t.outTo)[0]!, kind: t.out[0]!.kind })
          return
        }
        if (t.op === 'idle') {
          for (const ch of choices(s, c, task)) out.push({ type: 'start', task, at, ...ch })
          return
        }
        const ls = taskLockStep(s, c, task)
        if (ls !== undefined) {
          out.push({ type: 'lock', task, at, ...ls })
          return
        }
        const name = ownStep(s, c, task)
        if (name !== undefined) out.push({ type: 'step', task, at, name })
      })
      s.kernels.forEach((k, at) =>
        k.tasks.forEach((pr, task) => {
          if (pr === 'wakeMigrate' || pr === 'wakeExit') out.push({ type: 'resume', task, at })
        }),
      )
      for (const del of deliverable(s.net, c.unordered)) {
        const m = s.net.channels[del.from * c.K + del.to]![del.index]!
        if (isLockMsg(m) && !mayHandle(c.lock, s.kernels[del.to]!.lock, m)) continue
        out.push({ type: 'deliver', from: del.from, to: del.to, index: del.index, kind: m.kind })
      }
      return out
    },
    next: reducer<PopState, PopAction>((d, a) => {
      switch (a.type) {
        case 'start':
          return start(d, c, site, a.task, a)
        case 'step':
          return doStep(d, c, site, a.task, a.name)
        case 'lock':
          return doLockStep(d, c, site, a.task, a)
        case 'send':
          sendOne(d, a.task)
          return
        case 'resume':
          return resume(d, c, a.at, a.task)
        case 'deliver':
          return handle(d, c, site, a.to, a.from, take(d.net, a))
      }
    }),
    constraint: (s) => !s.oom,
    terminal: (s) => finished(s, c) || s.oom,
    view: hiding(['net', 'sent']),
    actionTypes: ['start', 'step', 'lock', ...(p.atomicBroadcast ? [] : ['send']), 'deliver', ...(p.migrate || p.exit ? ['resume'] : [])],
    actor: (a) => `kernel ${a.type === 'deliver' ? a.to : a.at}`,
    describe: (a) => describeAction(a),
    messages: (s, _a, t) =>
      fifoChannelMessages(s.net, t.net, (k) => `kernel ${k}`, (m) => messageLabel(m)),
  }
}

const isLockMsg = (m: PopMsg): m is Extract<PopMsg, { kind: 'REQUEST' | 'ACK' | 'RELEASE' }> =>
  m.kind === 'REQUEST' || m.kind === 'ACK' || m.kind === 'RELEASE'

function describeAction(a: PopAction): string {
  switch (a.type) {
    case 'start': {
      const what =
        a.op === 'migrate'
          ? `migrate to kernel ${a.arg}`
          : a.op === 'mprotect'
            ? `mprotect page ${a.page} ${a.arg === PROT_RW ? 'rw' : 'r'}`
            : a.op === 'mremap'
              ? `mremap page ${a.page} to ${a.arg}`
              : a.op === 'mmap'
                ? `mmap (${a.arg === 0 ? 'anonymous' : `file ${a.arg}`})`
                : a.op === 'exit' || a.op === 'fork'
                  ? a.op
                  : `${a.op} page ${a.page}`
      return `kernel ${a.at}, task ${a.task}: ${what}`
    }
    case 'step':
      return `kernel ${a.at}, task ${a.task}: ${a.name}`
    case 'lock':
      return `kernel ${a.at}, task ${a.task}: lock ${a.step}${a.step === 'send' ? ` ${a.kind} to kernel ${a.to}` : ''}`
    case 'send':
      return `kernel ${a.at}, task ${a.task}: send ${a.kind} to kernel ${a.to}`
    case 'resume':
      return `kernel ${a.at}: shadow of task ${a.task} runs its disposition`
    case 'deliver':
      return `kernel ${a.to}: handle ${a.kind} from kernel ${a.from}${a.index > 0 ? ` (message ${a.index} of the channel)` : ''}`
  }
}
