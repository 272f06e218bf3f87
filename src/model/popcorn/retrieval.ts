/**
 * Alternative mapping retrieval protocols (seed 000_e5bbc95a2ea9d194.txt, 8.2), the
 * `popcorn` parameter `retrieval`; the fault still takes the per-page Lamport lock (5.7.4)
 * and ends as in 5.7.3 (`completeFault`), only the query round between them changes:
 *
 * - `broadcast` (5.7.3, today's protocol): QUERY to every other kernel, ANSWER from each,
 *   the faulting kernel keeps the best.
 * - `ring` (8.2.1, "Single Query Single Response"): one RING message goes to the next
 *   kernel (k+1 mod K); each kernel looks the page up, keeps the better of its findings and
 *   the ones it received ("makes a decision about whether its findings represent a more
 *   complete response than what was previously found"), and either answers the faulting
 *   kernel directly (RING_ANSWER) once a complete mapping (VMA and PTE) is found, or
 *   forwards the findings with the request to the next kernel; the last kernel before the
 *   faulting one answers in any case. At most K messages ("an upper bound of the number of
 *   kernel instances").
 * - `ring-all` (8.2.1, "A variation of this algorithm forces the query to make its way
 *   through all active kernel instance regardless of whether or not the query has been
 *   satisfied"): the RING visits every kernel and comes back to the faulting one; a kernel
 *   that receives a request already satisfied does not look the page up ("it could first
 *   look to see if that request has already been satisfied") and imports the complete
 *   mappings into its copy of the process ("This allows the mapping to be imported into all
 *   kernel instances as its being forwarded"); a kernel with no copy of the process has
 *   nowhere to import them. Exactly K messages. The high-load skip the thesis mentions is
 *   not modeled.
 * - `group` (8.2.2): the faulting kernel queries only the kernels it knows have hosted a
 *   member of the group (`PopKernel.members`); a kernel that receives a migrated task of a
 *   group it has not hosted broadcasts JOIN, every kernel notes it and answers JOINED, and
 *   the task resumes once every JOINED is in ("Once all acknowledgments have been received,
 *   the newly hosting kernel instance can resume the execution of the migrated task"). The
 *   kernel counts itself a member only then, so that a second task arriving meanwhile waits
 *   too. `joinWait` false: the task resumes as soon as JOIN is sent. The initial members are
 *   the kernels the process starts on; a group's membership is dropped at its group exit.
 *
 * Mutations: `ringStopsAtVma` (a VMA alone ends the ring), `noJoin` (no JOIN round).
 *
 * Readings (where 8.2 is silent): the ring's order is kernel order from the faulting kernel;
 * `retrieval` changes the fault's query only (the fetches of mmap, mremap and a distributed
 * fork stay broadcasts, 5.7.5); the Lamport lock still involves every kernel (8.2 changes
 * the query, not the lock); a RING handler is one step, like the QUERY handler.
 */
import type { Draft } from 'immer'
import { send } from './messaging.ts'
import { bit, others, type PopConfig } from './config.ts'
import { importFull, keepBest, lookup, noMapping, rank } from './address-space.ts'
import type { Mapping, PopMsg, PopMsgKind, PopState, Task } from './state.ts'

type D = Draft<PopState>

export const RETRIEVALS = ['broadcast', 'ring', 'ring-all', 'group'] as const
export type Retrieval = (typeof RETRIEVALS)[number]

export type RetrievalMsg = Extract<PopMsg, { kind: 'RING' | 'RING_ANSWER' | 'JOIN' | 'JOINED' }>

/** The message kinds a retrieval protocol adds to the messaging layer's counters. */
export function retrievalKinds(c: PopConfig): readonly PopMsgKind[] {
  const r = c.p.retrieval as Retrieval
  return r === 'ring' || r === 'ring-all' ? ['RING', 'RING_ANSWER'] : r === 'group' ? ['JOIN', 'JOINED'] : []
}

const ringNext = (c: PopConfig, k: number): number => (k + 1) % c.K

/** The fault's query of task i goes round the ring: one RING to the next kernel; any kernel may answer. */
export function startRing(d: D, c: PopConfig, i: number): void {
  const t = d.tasks[i]!
  send(d.net, t.at, ringNext(c, t.at), { kind: 'RING', tg: t.tg, task: i, origin: t.at, page: t.page, maps: [] })
  t.wait = others(c.K, t.at)
}

/** Group retrieval: the kernels kernel k (of K) knows host or have hosted process tg, but k. */
export function groupTargets(s: PopState, K: number, k: number, tg: number): number {
  return (s.kernels[k]!.members?.[tg] ?? 0) & others(K, k)
}

/** Does kernel k count itself a member of process tg's group (`retrieval` group)? */
export function isMember(s: PopState, k: number, tg: number): boolean {
  return ((s.kernels[k]!.members?.[tg] ?? 0) & bit(k)) !== 0
}

/** Kernel k notes that kernel j hosts process tg. */
export function noteMember(d: D, k: number, tg: number, j: number): void {
  const m = d.kernels[k]!.members
  if (m !== undefined) m[tg] = m[tg]! | bit(j)
}

/** Kernel k drops its knowledge of process tg's group (the group has exited). */
export function forgetMembers(d: D, k: number, tg: number): void {
  const m = d.kernels[k]!.members
  if (m !== undefined) m[tg] = 0
}

/** The initial membership, known to every kernel: the kernels the process starts on (and kernel 0, which holds its layout). */
export function initialMembers(c: PopConfig, tasks: readonly Task[]): number[] {
  return Array.from({ length: c.groups }, (_, g) => (g === 0 ? tasks.reduce((m, t) => (t.tg === 0 ? m | bit(t.at) : m), bit(0)) : 0))
}

/** Best findings per page, from a message's list. */
function perPage(c: PopConfig, maps: readonly Mapping[]): Mapping[] {
  const best = Array.from({ length: c.V }, (_, v) => noMapping(v))
  keepBest(best, maps)
  return best
}

/** Kernel j handles a RING of the fault of `m.task` on `m.page` (8.2.1). */
function forwardRing(d: D, c: PopConfig, j: number, m: Extract<PopMsg, { kind: 'RING' }>): void {
  const best = perPage(c, m.maps)
  const satisfied = rank(best[m.page]!) === 2
  if (!satisfied) keepBest(best, lookup(d, c, j, m.tg, bit(m.page), true))
  const found = best.filter((x) => rank(x) > 0)
  if (c.p.retrieval === 'ring-all') importFull(d, c, j, m.tg, found)
  const next = ringNext(c, j)
  const complete = rank(best[m.page]!) >= (c.has('ringStopsAtVma') ? 1 : 2)
  if (next === m.origin || (c.p.retrieval === 'ring' && complete)) send(d.net, j, m.origin, { kind: 'RING_ANSWER', task: m.task, maps: found })
  else send(d.net, j, next, { ...m, maps: found })
}

/** The handlers of the retrieval protocols' messages on kernel `to`. */
export function handleRetrieval(d: D, c: PopConfig, to: number, from: number, m: RetrievalMsg): void {
  switch (m.kind) {
    case 'RING':
      forwardRing(d, c, to, m)
      return
    case 'RING_ANSWER': {
      // "a single, complete response. That response needs no further vetting and can be used as is"
      const t = d.tasks[m.task]!
      keepBest(t.got as Mapping[], m.maps)
      t.wait = 0
      return
    }
    case 'JOIN':
      noteMember(d, to, m.tg, from)
      send(d.net, to, from, { kind: 'JOINED', task: m.task })
      return
    case 'JOINED':
      d.tasks[m.task]!.wait &= ~bit(from)
      return
  }
}

/** Findings as `page:frame` (`vma`: a VMA alone), for message labels. */
export function mapsLabel(maps: readonly Mapping[]): string {
  return maps.map((x) => `${x.page}:${x.pte.frame >= 0 ? `f${x.pte.frame}${x.pte.cow ? ' cow' : ''}` : 'vma'}`).join(', ') || 'none'
}

export function retrievalLabel(m: RetrievalMsg): string {
  switch (m.kind) {
    case 'RING':
      return `RING(tg ${m.tg}, page ${m.page}, from kernel ${m.origin}, found ${mapsLabel(m.maps)})`
    case 'RING_ANSWER':
      return `RING_ANSWER(${mapsLabel(m.maps)})`
    case 'JOIN':
      return `JOIN(tg ${m.tg})`
    case 'JOINED':
      return `JOINED(task ${m.task})`
  }
}
