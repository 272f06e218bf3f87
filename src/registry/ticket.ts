/** The `ticket` model: its rules, its properties and its proofs, assembled. */
import { defineModel } from '../checker/model.ts'
import { ticketRules, type TicketParams } from '../model/ticket.ts'
import { ticketInvariants } from '../properties/ticket.ts'
import { SYMMETRY_PARAM, ticketSymmetry } from './symmetry.ts'
export { ticketProofs } from '../properties/ticket.proofs.ts'

export const ticket = defineModel<TicketParams>({
  name: 'ticket',
  doc: 'ticket spinlock: take a ticket, wait for head, enter, leave (the engine reference model)',
  params: [
    { name: 'threads', kind: 'int', default: 3, min: 1, max: 16, doc: 'number of threads' },
    { name: 'modulo', kind: 'int', default: 4, min: 2, max: 1024, doc: 'tickets wrap modulo this value' },
    SYMMETRY_PARAM,
  ],
  mutations: [{ name: 'nonAtomicTicket', doc: 'ticket taken by read then write of tail instead of an atomic xadd' }],
  create: (p, m) => ({ ...ticketRules(p, m), invariants: ticketInvariants, ...((p['symmetry'] as unknown) === true ? { symmetry: ticketSymmetry(p.threads) } : {}) }),
})
