/** The `multikernel` model: its rules, its properties and its proofs, assembled. */
import { fifoChannelMessages, type MessageSent, type StepMessages } from '../checker/messages.ts'
import { defineModel } from '../checker/model.ts'
import { multikernelRules, PROTOCOLS, type McAction, type McState, type MultikernelParams } from '../model/multikernel.ts'
import { multikernelInvariants } from '../properties/multikernel.ts'
export { multikernelProofs } from '../properties/multikernel.proofs.ts'

/** INV and ACK on the point-to-point channels; the broadcast line written once and read by each core. */
function multikernelMessages(s: McState, a: McAction, t: McState): StepMessages {
  const p2p = fifoChannelMessages(s.net, t.net, (c) => `core ${c}`, (m) => m.kind)
  const sent: MessageSent[] = [...(p2p.sent ?? [])]
  if (a.type === 'writeLine') for (let c = 1; c < t.cores.length; c++) sent.push({ channel: `line ${c}`, to: `core ${c}`, label: 'INV (broadcast line)' })
  const delivered = [...(p2p.delivered ?? []), ...(a.type === 'readLine' ? [{ channel: `line ${a.core}` }] : [])]
  return { sent, delivered }
}

export const multikernel = defineModel<MultikernelParams>({
  name: 'multikernel',
  doc: 'TLB shootdown by messages between per-core kernels (Barrelfish): unicast, broadcast, multicast, NUMA-aware multicast',
  params: [
    { name: 'protocol', kind: 'enum', values: [...PROTOCOLS], default: 'numa-multicast', doc: 'the shootdown protocol (003 Figure 6)' },
    { name: 'sockets', kind: 'int', default: 2, min: 1, max: 8, doc: 'packages (8 on the 8x4-core AMD of Figure 2)' },
    { name: 'coresPerSocket', kind: 'int', default: 2, min: 1, max: 4, doc: 'cores per package (4 on the 8x4-core AMD)' },
    { name: 'cores', kind: 'int', default: 4, min: 2, max: 32, doc: 'cores taking part, filled package by package (at most sockets x coresPerSocket)' },
  ],
  mutations: [
    { name: 'earlyAggregateAck', doc: 'an aggregator acknowledges once it has forwarded, before its package has acknowledged' },
    { name: 'skipLastTarget', doc: "the initiator's send loop stops one target short" },
  ],
  create: (p, m) => ({ ...multikernelRules(p, m), invariants: multikernelInvariants, messages: multikernelMessages }),
})
