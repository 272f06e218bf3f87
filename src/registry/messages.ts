/**
 * Message hints of the built-in models (`Model.messages`): what `rkcheck view` draws as
 * arrows. They read the rules' states and never change them.
 */
import { fifoChannelMessages, type MessageSent, type MessageDelivered, type StepMessages } from '../checker/messages.ts'
import { resName, type LamportAction, type LamportMsg, type LamportState } from '../model/lamport.ts'
import { INITIATOR, type Scheme, type TlbAction, type TlbState } from '../model/tlb.ts'
import { bitsOf } from '../model/vm/hardware.ts'

/** Lamport: REQUEST, ACK and RELEASE through the messaging layer's FIFO channels. */
export function lamportMessages(s: LamportState, _a: LamportAction, t: LamportState): StepMessages {
  return fifoChannelMessages(s.net, t.net, (k) => `kernel ${k}`, (m: LamportMsg) => `${m.kind}(${resName(m.res)}, ts ${m.ts})`)
}

/**
 * TLB shootdown: a shootdown IPI goes from vCPU 0 to each target and is delivered when the
 * target handles it; pv-flush's "flush before the next entry" goes to the host and is
 * delivered when the host resumes that vCPU and flushes; Shoot4U's hypercall goes to the
 * host and returns in the same step. An IPI or a recorded flush cleared by any other step
 * (an IPI dropped on preemption, a flush bit overwritten by the preempted flag) is lost.
 */
export function tlbMessages(scheme: Scheme): (s: TlbState, a: TlbAction, t: TlbState) => StepMessages {
  const from = `vCPU ${INITIATOR}`
  return (s, a, t) => {
    const sent: MessageSent[] = []
    const delivered: MessageDelivered[] = []
    for (const v of bitsOf(t.ipi & ~s.ipi)) sent.push({ channel: `ipi ${v}`, from, to: `vCPU ${v}`, label: `IPI: invalidate page ${t.page}` })
    for (const v of bitsOf(t.deferred & ~s.deferred)) sent.push({ channel: `flush ${v}`, from, to: 'host', label: `flush vCPU ${v} before it runs` })
    const dropped: MessageDelivered[] = []
    for (const v of bitsOf(s.ipi & ~t.ipi)) (a.type === 'handleIpi' && a.vcpu === v ? delivered : dropped).push({ channel: `ipi ${v}` })
    for (const v of bitsOf(s.deferred & ~t.deferred)) (a.type === 'resume' && a.vcpu === v ? delivered : dropped).push({ channel: `flush ${v}` })
    if (a.type === 'send' && scheme === 'shoot4u') {
      sent.push({ channel: 'hypercall', from, to: 'host', label: `hypercall: invalidate page ${t.page}` })
      delivered.push({ channel: 'hypercall' })
    }
    return { sent, delivered, dropped }
  }
}
