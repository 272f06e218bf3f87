/** Properties of the `ticket` reference model. */
import type { Check } from '../checker/model.ts'
import type { TicketState } from '../model/ticket.ts'

/** At most one thread is in its critical section. */
export function mutualExclusion(s: TicketState): Check {
  let inside = 0
  for (const t of s.threads) if (t.pc === 'critical') inside++
  if (inside <= 1) return true
  const who = s.threads.flatMap((t, i) => (t.pc === 'critical' ? [i] : []))
  return `threads ${who.join(' and ')} are in the critical section at once`
}

export const ticketInvariants = { mutualExclusion }
