/** The `coherency` model: its rules, its properties and its proofs, assembled. */
import { fifoChannelMessages, type StepMessages } from '../checker/messages.ts'
import { defineModel } from '../checker/model.ts'
import { cohMsgLabel, coherencyRules, type CohAction, type CoherencyParams, type CohState } from '../model/coherency.ts'
import { coherencyInvariants, coherencyStepProperties } from '../properties/coherency.ts'
export { coherencyProofs } from '../properties/coherency.proofs.ts'

/** REQUEST, VOTE, COMMIT and ABORT through the messaging layer's FIFO channels. */
function coherencyMessages(s: CohState, _a: CohAction, t: CohState): StepMessages {
  return fifoChannelMessages(s.net, t.net, (k) => `kernel ${k}`, cohMsgLabel)
}

export const coherency = defineModel<CoherencyParams>({
  name: 'coherency',
  doc: 'page coherency for Popcorn (Sadini et al.): MSI with Unmapped and NotReplicated, by voting',
  params: [
    { name: 'kernels', kind: 'int', default: 2, min: 2, max: 4, doc: 'kernel instances' },
    { name: 'pages', kind: 'int', default: 2, min: 1, max: 3, doc: 'pages of the shared array' },
    { name: 'ops', kind: 'int', default: 2, min: 1, max: 4, doc: 'accesses each kernel\'s thread makes' },
    { name: 'workload', kind: 'enum', values: ['any', 'rr', 'rw', 'ww'], default: 'any', doc: 'any read or write, or the poster\'s R/R, R/W (kernel 0 writes), W/W' },
    { name: 'quorum', kind: 'enum', values: ['all', 'majority'], default: 'all', doc: 'a request commits with every other kernel\'s YES, or a majority of all kernels' },
    { name: 'atomicBroadcast', kind: 'bool', default: true, doc: 'send to all is one step (else K-1 steps)' },
  ],
  mutations: [
    { name: 'writeKeepsReaders', doc: 'a write COMMIT leaves Shared copies valid' },
    { name: 'readHitInvalid', doc: 'a read hits on an Invalid copy (its PTE left mapped)' },
    { name: 'ignoreWhenLocked', doc: 'a copy locked for another request drops a REQUEST instead of voting NO' },
    { name: 'deferWhenLocked', doc: 'a copy locked for another request holds a REQUEST until unlocked instead of voting NO' },
    { name: 'writeMissNotReplicated', doc: 'a write fault installs NotReplicated even when other kernels hold replicas' },
  ],
  create: (p, m) => ({
    ...coherencyRules(p, m),
    invariants: coherencyInvariants,
    transitionInvariants: coherencyStepProperties,
    messages: coherencyMessages,
  }),
})
