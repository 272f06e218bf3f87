/** The `tlb` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

const tlbCi = { V: 3, P: 2, pages: 2, frames: 3, ops: 4 } as const

export const tlbProofs: readonly ProofEntry[] = [
  ...(['shoot4u', 'pv-flush'] as const).map(
    (scheme): ProofEntry => ({
      id: `tlb/${scheme}`,
      model: 'tlb',
      params: { ...tlbCi, scheme },
      expect: { holds: true },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'tlb/ipi',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'ipi' },
    expect: {
      violates: 'completionWithoutTargets',
      baseline:
        'the TLB shootdown preemption problem (3.1.3): with IPIs the initiator waits for every target to run and acknowledge; ' +
        'pv-flush and shoot4u complete without the targets',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'tlb/ipi/safety',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'ipi' },
    properties: ['noStaleAccess', 'noLostInvalidation'],
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  ...mutationEntries('tlb', tlbCi, [
    ['freeBeforeAck', { scheme: 'pv-flush' }, 'noStaleAccess'],
    ['flushBeforeClear', { scheme: 'shoot4u' }, 'noStaleAccess'],
    ['pvNoFlushOnEntry', { scheme: 'pv-flush' }, 'noLostInvalidation'],
    ['pvNoFlushOnEntry', { scheme: 'pv-flush' }, 'noStaleAccess', true],
    ['shoot4uRunningOnly', { scheme: 'shoot4u' }, 'noStaleAccess'],
  ]),
  ...(['shoot4u', 'pv-flush', 'ipi'] as const).map(
    (scheme): ProofEntry => ({
      id: `tlb/${scheme}/V=4`,
      model: 'tlb',
      params: { ...tlbCi, V: 4, ops: 3, scheme },
      ...(scheme === 'ipi' ? { properties: ['noStaleAccess', 'noLostInvalidation'] } : {}),
      expect: { holds: true },
      suites: ['full'],
    }),
  ),
]
