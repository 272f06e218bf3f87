/** The `lamport` model: its rules, its properties and its proofs, assembled. */
import { defineModel } from '../checker/model.ts'
import { lamportRules, type LamportParams, lamportConfig } from '../model/lamport.ts'
import { lamportFairness, lamportInvariants, lamportLiveness, lamportStepProperties } from '../properties/lamport.ts'
import { lamportMessages } from './messages.ts'
import { SYMMETRY_PARAM, lamportSymmetry } from './symmetry.ts'
import { lamportLivenessProofs, lamportProofs as lamportSafetyProofs } from '../properties/lamport.proofs.ts'

export const lamportProofs = [...lamportSafetyProofs, ...lamportLivenessProofs]

export const lamport = defineModel<LamportParams>({
  name: 'lamport',
  doc: "Popcorn's Lamport per-page and heavy queues over the messaging layer",
  params: [
    { name: 'kernels', kind: 'int', default: 3, min: 2, max: 4, doc: 'kernel instances' },
    { name: 'pages', kind: 'int', default: 1, min: 0, max: 3, doc: 'virtual pages with a per-page lock' },
    { name: 'heavy', kind: 'bool', default: true, doc: 'threads may also take the heavy lock' },
    { name: 'requests', kind: 'int', default: 1, min: 1, max: 3, doc: 'locks each requesting thread takes' },
    { name: 'requesters', kind: 'int', default: 4, min: 1, max: 4, doc: 'kernels (the first ones) with requesting threads' },
    { name: 'threads', kind: 'int', default: 1, min: 1, max: 3, doc: 'requesting threads on each of those kernels' },
    { name: 'clocks', kind: 'enum', values: ['shared', 'perKernel'], default: 'shared', doc: 'timestamps from the shared counter (5.7.4) or per-kernel Lamport clocks' },
    { name: 'atomicTimestamp', kind: 'bool', default: false, doc: 'taking the timestamp and sending REQUEST are one step' },
    { name: 'atomicBroadcast', kind: 'bool', default: true, doc: 'send to all is one step (else K-1 steps)' },
    { name: 'gcCountsHeavyCopies', kind: 'bool', default: false, doc: 'heavy copies keep a per-page queue alive' },
    { name: 'deferAcks', kind: 'bool', default: false, doc: 'a proposed fix: hold the ACK of a later request until the own REQUEST has gone to its sender' },
    { name: 'requestLock', kind: 'bool', default: false, doc: 'a proposed fix: a per-kernel lock around the request (fetch-and-add to last REQUEST sent), taken by the REQUEST handler too' },
    SYMMETRY_PARAM,
  ],
  mutations: [
    { name: 'noHeavyMirror', doc: 'heavy entries are not copied into per-page queues' },
    { name: 'unorderedChannels', doc: 'a channel may deliver any of its messages' },
    { name: 'noAckWait', doc: 'enter at the head of the local queue without waiting for ACKs' },
    { name: 'noCopyOnCreate', doc: 'a per-page queue created later does not receive the heavy entries' },
    { name: 'appendQueue', doc: 'queue entries are appended instead of kept in timestamp order' },
    { name: 'noGc', doc: 'per-page queues are never garbage collected' },
  ],
  create: (p, m) => {
    const rules = lamportRules(p, m)
    return {
      ...rules,
      ...lamportLiveness(p, rules.init()[0]!),
      fairness: lamportFairness(p),
      invariants: lamportInvariants(lamportConfig(p, m)),
      transitionInvariants: lamportStepProperties,
      messages: lamportMessages,
      ...(p.symmetry ? { symmetry: lamportSymmetry(p, rules.init()[0]!) } : {}),
    }
  },
})
