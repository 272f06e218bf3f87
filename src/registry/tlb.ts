/** The `tlb` model: its rules, its properties and its proofs, assembled. */
import { defineModel } from '../checker/model.ts'
import { tlbRules, type TlbParams, tlbConfig } from '../model/tlb.ts'
import { tlbFairness, tlbLiveness, tlbProperties } from '../properties/tlb.ts'
import { SYMMETRY_PARAM, tlbSymmetry } from './symmetry.ts'
import { tlbMessages } from './messages.ts'
import { tlbLivenessProofs, tlbProofs as tlbSafetyProofs } from '../properties/tlb.proofs.ts'

export const tlbProofs = [...tlbSafetyProofs, ...tlbLivenessProofs]

export const tlb = defineModel<TlbParams>({
  name: 'tlb',
  doc: 'TLB shootdown by IPI, by paravirtual flush, and by Shoot4U',
  params: [
    { name: 'scheme', kind: 'enum', values: ['ipi', 'pv-flush', 'shoot4u'], default: 'shoot4u', doc: 'the shootdown scheme' },
    { name: 'V', kind: 'int', default: 3, min: 2, max: 4, doc: 'vCPUs (vCPU 0 changes the page table)' },
    { name: 'P', kind: 'int', default: 2, min: 1, max: 4, doc: 'physical CPUs: at most P vCPUs run' },
    { name: 'pages', kind: 'int', default: 1, min: 1, max: 3, doc: 'virtual pages' },
    { name: 'frames', kind: 'int', default: 2, min: 1, max: 4, doc: 'physical frames (more than pages, so that frames are reused)' },
    { name: 'ops', kind: 'int', default: 3, min: 1, max: 5, doc: 'page-table operations of vCPU 0' },
    { name: 'wprotect', kind: 'bool', default: true, doc: 'vCPU 0 may also write-protect pages' },
    {
      name: 'shoot4uInvalidate',
      kind: 'enum',
      values: ['running-pcpus', 'running-pcpus+entry-flush', 'last-pcpus'],
      default: 'running-pcpus',
      doc: "where Shoot4U's VMM invalidates: the pCPUs hosting the running targets (3.4.2 literally), that and a flush at a preempted target's next VM entry, or every target's current or last pCPU",
    },
    SYMMETRY_PARAM,
  ],
  mutations: [
    { name: 'freeBeforeAck', doc: 'the initiator frees the frame before all acknowledgements' },
    { name: 'flushBeforeClear', doc: 'invalidate the TLBs, then clear the PTE' },
    { name: 'pvNoFlushOnEntry', doc: 'VM entry clears the recorded flush without flushing' },
    { name: 'pvPlainStore', doc: "pv-flush's guest sets FLUSH with a plain store of the value it read instead of a cmpxchg" },
    { name: 'dropIpiOnPreempt', doc: 'the host drops the shootdown IPI of a vCPU it preempts before the vCPU handled it' },
  ],
  create: (p, m) => ({
    ...tlbRules(p, m),
    ...tlbProperties(tlbConfig(p, m)),
    ...tlbLiveness,
    fairness: tlbFairness,
    messages: tlbMessages(p.scheme),
    ...(p.symmetry ? { symmetry: tlbSymmetry(p) } : {}),
  }),
})
