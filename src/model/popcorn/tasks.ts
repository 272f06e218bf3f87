/**
 * Tasks, shadows and their kernels (seed 000_e5bbc95a2ea9d194.txt, 5.1-5.6): where a task
 * runs, the shadows it leaves behind, and the mm each kernel keeps for a process while any
 * of its tasks (running or shadow) is there or the mm is saved.
 *
 * Readings (documented in `src/model/popcorn.ts`):
 * - The members counted for "last member of its local thread group" and in the remote
 *   count round (5.5, Table 6.1) are the tasks executing there (running, or woken to
 *   resume after a migration back); shadows are dormant custodians, not members.
 *   `countExitingMembers` (default true): a member in the middle of its own exit still
 *   counts (it is in the thread group until do_exit removes it); false: it does not.
 * - The receiving kernel creates the migrated task in one handler step (5.6.1).
 * - `migrateLock` (a fix): the source kernel keeps the migration (`t.at` stays the source)
 *   until the destination's ARRIVED comes back and the heavy lock is released; the task
 *   executes at the destination meanwhile but starts nothing new.
 */
import type { Draft } from 'immer'
import { bit, type PopConfig } from './config.ts'
import { destroyMm, emptyMm, noMapping } from './address-space.ts'
import { idleRequest } from './lamport-lock.ts'
import { isMember } from './retrieval.ts'
import { send } from './messaging.ts'
import { PROT_NONE } from './state.ts'
import type { Mm, PopState, Presence, Task } from './state.ts'

type D = Draft<PopState>

const executing = (p: Presence): boolean => p === 'live' || p === 'wakeMigrate'

/** `migrateLock`: task t has left its source kernel (`t.at`) and still holds, or releases, the heavy lock there. */
export const handingOver = (t: Task): boolean => t.op === 'migrate' && t.lock.phase !== 'idle'

/** Members of process tg executing on kernel k, but `except`. */
export function localMembers(s: PopState, c: PopConfig, k: number, tg: number, except = -1): number {
  let n = 0
  s.tasks.forEach((t, i) => {
    if (i === except || t.tg !== tg || !executing(s.kernels[k]!.tasks[i]!)) return
    if (!c.p.countExitingMembers && t.op === 'exit') return
    n++
  })
  return n
}

/** Any task structure (running or shadow) of process tg on kernel k. */
export function anyLocalTask(s: PopState, k: number, tg: number): boolean {
  return s.tasks.some((t, i) => t.tg === tg && s.kernels[k]!.tasks[i] !== 'none')
}

/**
 * Task i's structures leave kernel k; the mm goes with the last of them unless saved. With
 * `shadowExitSavesMm` (a fix), a copy whose last task leaves before the group's exit is
 * known here is saved instead, until the group exit notification.
 */
export function leaveKernel(d: D, c: PopConfig, k: number, i: number): void {
  d.kernels[k]!.tasks[i] = 'none'
  const tg = d.tasks[i]!.tg
  const mm = d.kernels[k]!.mms[tg]!
  if ((mm.status !== 'used' && mm.status !== 'ending') || anyLocalTask(d as PopState, k, tg)) return
  if (mm.status === 'used' && c.p.shadowExitSavesMm) mm.status = 'saved'
  else destroyMm(d, c, k, tg)
}

/**
 * A MIGRATE message for task i handled on kernel j: a shadow there is given the new state,
 * its disposition set to migrate, and woken (5.6.2; `noShadowWake`: not woken); otherwise a
 * task is created (5.6.1), sharing the mm of the process's tasks there, else the saved mm,
 * else a new mm built from the layout in the message (no VMAs: they come on demand).
 */
export function arrive(d: D, c: PopConfig, j: number, from: number, i: number): void {
  const t = d.tasks[i]!
  const here = d.kernels[j]!
  if (c.p.migrateLock) send(d.net, j, from, { kind: 'ARRIVED', task: i })
  if (here.tasks[i] === 'shadow') {
    if (!c.has('noShadowWake')) here.tasks[i] = 'wakeMigrate'
    return
  }
  const mm = here.mms[t.tg]!
  if (mm.status === 'none') here.mms[t.tg] = { ...emptyMm(c.V), status: 'used' } as Draft<Mm>
  else if (mm.status === 'saved') mm.status = 'used'
  here.tasks[i] = 'live'
  t.visited |= bit(j)
  // `retrieval` group (8.2.2, `retrieval.ts`): on a kernel new to the group the task first announces it (JOIN), then resumes
  if (c.p.retrieval === 'group' && t.phase === 'flight' && !isMember(d as PopState, j, t.tg) && !c.has('noJoin')) {
    t.phase = 'join'
    return
  }
  if (t.phase === 'flight') finishOp(t)
}

/** A woken shadow scheduled: it handles its return disposition (5.1). */
export function resume(d: D, c: PopConfig, k: number, i: number): void {
  const t = d.tasks[i]!
  if (d.kernels[k]!.tasks[i] === 'wakeMigrate') {
    d.kernels[k]!.tasks[i] = 'live'
    if (t.phase === 'flight') finishOp(t)
  } else {
    leaveKernel(d, c, k, i)
  }
}

/** The operation is over: the task is idle (or gone), its scratch fields cleared so that dead values do not tell states apart. */
export function finishOp(t: Draft<Task>, op: 'idle' | 'gone' = 'idle'): void {
  t.op = op
  t.phase = ''
  t.page = 0
  t.arg = 0
  t.count = 0
  t.tried = 0
  clearAnswers(t)
  t.lock = idleRequest({ tg: t.tg, res: 0 })
}

export function clearAnswers(t: Draft<Task>): void {
  t.got.forEach((m, v) => {
    if (m.vma.prot !== PROT_NONE) t.got[v] = noMapping(v)
  })
}
