/**
 * `ticket`: the reference model, a ticket spinlock shared by `threads` threads with
 * tickets modulo `modulo` (Linux's ticket spinlock as described in seed
 * 004_e74346043d439713.txt, section 3.2: each waiter takes the next ticket with an
 * atomic fetch-and-add on `tail` and spins until `head` equals it; unlock advances
 * `head`).
 *
 * Each thread loops: take a ticket, wait until head equals it, enter the critical
 * section, leave advancing head. An idle thread's ticket is reset to 0 so that it does
 * not tell states apart. With 8 threads and modulo 16 there are 3,507,216 reachable
 * states: the engine's reference configuration (engine.md, "Performance").
 *
 * Mutation `nonAtomicTicket`: the ticket is taken by a read of `tail` and a later
 * write of `tail + 1`, so two threads can draw the same ticket and both enter.
 */
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'

export type ThreadPc = 'idle' | 'taking' | 'waiting' | 'critical'

export interface TicketThread {
  readonly pc: ThreadPc
  readonly ticket: number
}

export interface TicketState {
  readonly head: number
  readonly tail: number
  readonly threads: readonly TicketThread[]
}

export type TicketAction =
  | { readonly type: 'take'; readonly thread: number }
  | { readonly type: 'readTail'; readonly thread: number }
  | { readonly type: 'writeTail'; readonly thread: number }
  | { readonly type: 'enter'; readonly thread: number }
  | { readonly type: 'leave'; readonly thread: number }

export interface TicketParams {
  readonly threads: number
  readonly modulo: number
  readonly [k: string]: number
}

export function ticketRules(p: TicketParams, mutations: ReadonlySet<string>): ModelRules<TicketState, TicketAction> {
  const nonAtomic = mutations.has('nonAtomicTicket')
  const m = p.modulo
  return {
    name: 'ticket',
    init: () => [
      { head: 0, tail: 0, threads: Array.from({ length: p.threads }, () => ({ pc: 'idle', ticket: 0 })) },
    ],
    actions(s) {
      const out: TicketAction[] = []
      const threads = s.threads
      for (let thread = 0; thread < threads.length; thread++) {
        const t = threads[thread]!
        switch (t.pc) {
          case 'idle':
            out.push({ type: nonAtomic ? 'readTail' : 'take', thread })
            break
          case 'taking':
            out.push({ type: 'writeTail', thread })
            break
          case 'waiting':
            if (s.head === t.ticket) out.push({ type: 'enter', thread })
            break
          case 'critical':
            out.push({ type: 'leave', thread })
            break
        }
      }
      return out
    },
    next: reducer((d, a) => {
        const t = d.threads[a.thread]!
        // a switch, not ts-pattern: `next` runs at every transition (README, "How the engine works")
        switch (a.type) {
          case 'take':
            t.ticket = d.tail
            d.tail = (d.tail + 1) % m
            t.pc = 'waiting'
            return
          case 'readTail':
            t.ticket = d.tail
            t.pc = 'taking'
            return
          case 'writeTail':
            d.tail = (t.ticket + 1) % m
            t.pc = 'waiting'
            return
          case 'enter':
            t.pc = 'critical'
            return
          case 'leave':
            d.head = (d.head + 1) % m
            t.ticket = 0
            t.pc = 'idle'
            return
          default: {
            const unknown: never = a
            throw new Error(`ticket: no action ${JSON.stringify(unknown)}`)
          }
        }
      }),
    actionTypes: nonAtomic ? ['readTail', 'writeTail', 'enter', 'leave'] : ['take', 'enter', 'leave'],
    actor: (a) => `thread ${a.thread}`,
    describe: (a) => `thread ${a.thread}: ${a.type}`,
  }
}
