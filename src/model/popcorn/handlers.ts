/**
 * The handlers a kernel runs for incoming messages (seed 000_e5bbc95a2ea9d194.txt, 4.8: the
 * top half runs the handler registered for the message's type). A handler is one atomic
 * step: the top half runs in one work queue per kernel, so a kernel's handlers are
 * serialized, and they change an mm under its locks, so they are atomic with respect to
 * that kernel's threads' page-table changes; the threads' own steps interleave with them.
 */
import type { Draft } from 'immer'
import { send } from './messaging.ts'
import { handleLockMessage, type LockSite } from './lamport-lock.ts'
import { bit, bitsOf, type PopConfig } from './config.ts'
import { destroyMm, keepBest, lookup, modifyLocal, releaseReserved } from './address-space.ts'
import { forgetMembers, handleRetrieval, mapsLabel, retrievalLabel } from './retrieval.ts'
import { anyLocalTask, arrive, localMembers } from './tasks.ts'
import type { LockRes, Mapping, PopMsg, PopState } from './state.ts'

type D = Draft<PopState>

export function handle(d: D, c: PopConfig, site: LockSite<PopState, LockRes, PopMsg>, to: number, from: number, m: PopMsg): void {
  switch (m.kind) {
    case 'REQUEST':
    case 'ACK':
    case 'RELEASE':
      handleLockMessage(site, d, to, from, m)
      return
    case 'QUERY': {
      const maps = lookup(d, c, to, m.tg, m.pages, m.fault)
      send(d.net, to, from, { kind: 'ANSWER', task: m.task, maps })
      return
    }
    case 'ANSWER': {
      const t = d.tasks[m.task]!
      keepBest(t.got as Mapping[], m.maps)
      t.wait &= ~bit(from)
      return
    }
    case 'RING':
    case 'RING_ANSWER':
    case 'JOIN':
    case 'JOINED':
      handleRetrieval(d, c, to, from, m)
      return
    case 'MODIFY':
      modifyLocal(d, c, to, m.tg, m.how, m.pages, m.prot)
      send(d.net, to, from, { kind: 'MODIFIED', task: m.task })
      return
    case 'MODIFIED':
    case 'ARRIVED':
      d.tasks[m.task]!.wait &= ~bit(from)
      return
    case 'MIGRATE':
      arrive(d, c, to, from, m.task)
      return
    case 'EXIT':
      if (d.kernels[to]!.tasks[m.task] === 'shadow') d.kernels[to]!.tasks[m.task] = 'wakeExit'
      return
    case 'COUNT':
      if (c.has('silentCount') && d.kernels[to]!.mms[m.tg]!.status === 'none') return
      send(d.net, to, from, { kind: 'COUNTED', task: m.task, n: localMembers(d as PopState, c, to, m.tg) })
      return
    case 'COUNTED': {
      const t = d.tasks[m.task]!
      t.count += m.n
      t.wait &= ~bit(from)
      return
    }
    case 'GROUP_EXIT': {
      const mm = d.kernels[to]!.mms[m.tg]!
      if (mm.status !== 'none') {
        if (anyLocalTask(d as PopState, to, m.tg)) mm.status = 'ending'
        else destroyMm(d, c, to, m.tg)
      }
      releaseReserved(d, c, to, m.tg)
      forgetMembers(d, to, m.tg)
      return
    }
  }
}

/** A short label of a message, for traces and the sequence chart. */
export function messageLabel(m: PopMsg): string {
  switch (m.kind) {
    case 'REQUEST':
    case 'ACK':
    case 'RELEASE':
      return `${m.kind}(${m.res.res < 0 ? 'heavy' : `page ${m.res.res}`} of tg ${m.res.tg}, ts ${m.ts})`
    case 'QUERY':
      return `QUERY(tg ${m.tg}, pages ${pagesLabel(m.pages)})`
    case 'ANSWER':
      return `ANSWER(${mapsLabel(m.maps)})`
    case 'MODIFY':
      return `MODIFY(${m.how} tg ${m.tg}, pages ${pagesLabel(m.pages)}${m.how === 'protect' ? `, prot ${m.prot}` : ''})`
    case 'COUNTED':
      return `COUNTED(${m.n})`
    case 'MODIFIED':
    case 'MIGRATE':
    case 'ARRIVED':
    case 'EXIT':
      return `${m.kind}(task ${m.task})`
    case 'COUNT':
    case 'GROUP_EXIT':
      return `${m.kind}(tg ${m.tg})`
    case 'RING':
    case 'RING_ANSWER':
    case 'JOIN':
    case 'JOINED':
      return retrievalLabel(m)
  }
}

const pagesLabel = (mask: number): string => bitsOf(mask).join('+')
