/** The `tlb` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

const tlbCi = { V: 3, P: 2, pages: 2, frames: 3, ops: 4 } as const

export const tlbProofs: readonly ProofEntry[] = [
  {
    id: 'tlb/shoot4u',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'shoot4u' },
    expect: {
      violates: 'noStaleAccess',
      finding:
        '3.4.2 read literally: the VMM invalidates on "the set of physical CPUs that are currently hosting the set of vCPUs", and INVVPID ' +
        'flushes only the CPU that executes it; a target preempted with a translation of the page keeps it, resumes on the same CPU and ' +
        'reaches the freed (or reused) frame through it',
    },
    suites: ['ci', 'full'],
  },
  ...(['running-pcpus+entry-flush', 'last-pcpus'] as const).map(
    (shoot4uInvalidate): ProofEntry => ({
      id: `tlb/shoot4u/${shoot4uInvalidate}`,
      model: 'tlb',
      params: { ...tlbCi, scheme: 'shoot4u', shoot4uInvalidate },
      expect: { holds: true },
      suites: ['ci', 'full'],
    }),
  ),
  {
    id: 'tlb/pv-flush',
    model: 'tlb',
    params: { ...tlbCi, ops: 3, scheme: 'pv-flush' },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'tlb/pv-flush/ops=4',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'pv-flush' },
    expect: { holds: true },
    suites: ['full'],
  },
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
    ['flushBeforeClear', { scheme: 'shoot4u', shoot4uInvalidate: 'last-pcpus' }, 'noStaleAccess'],
    ['pvNoFlushOnEntry', { scheme: 'pv-flush' }, 'noLostInvalidation'],
    ['pvNoFlushOnEntry', { scheme: 'pv-flush' }, 'noStaleAccess', true],
    ['pvPlainStore', { scheme: 'pv-flush' }, 'noLostInvalidation'],
    ['pvPlainStore', { scheme: 'pv-flush' }, 'noStaleAccess', true],
  ]),
  {
    id: 'tlb/pvNoFlushOnEntry/entry-flush',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'shoot4u', shoot4uInvalidate: 'running-pcpus+entry-flush' },
    mutations: ['pvNoFlushOnEntry'],
    expect: { violates: 'noLostInvalidation' },
    suites: ['ci', 'full'],
  },
  ...(['shoot4u', 'pv-flush', 'ipi'] as const).map(
    (scheme): ProofEntry => ({
      id: `tlb/${scheme}/V=4`,
      model: 'tlb',
      params: { ...tlbCi, V: 4, ops: 3, scheme, ...(scheme === 'shoot4u' ? { shoot4uInvalidate: 'last-pcpus' } : {}) },
      ...(scheme === 'ipi' ? { properties: ['noStaleAccess', 'noLostInvalidation'] } : {}),
      expect: { holds: true },
      suites: ['full'],
    }),
  ),
]

/**
 * Liveness: `shootdownCompletes` (see `tlbLiveness`) with and without fairness of the
 * targets (strong fairness of the units of `tlbFairness`); and the mutation
 * `dropIpiOnPreempt`, which breaks it even with every target fair while safety still
 * holds (it frees nothing early: the initiator waits forever instead).
 */
const noTargets = ['vCPU 0', 'host resumes vCPU 0', 'host preempts *']
const targetsFair = ['vCPU *', 'host resumes *', 'host preempts *']
/** Targets handle an injected IPI whenever they run, but the host may never resume one. */
const interruptsOnly = [...noTargets, 'vCPU * handles the IPI']
const completes = (fair: readonly string[]) => ({ properties: ['shootdownCompletes'], fair, kind: 'strong' }) as const
const tlbLive = { ...tlbCi, ops: 2 } as const

export const tlbLivenessProofs: readonly ProofEntry[] = [
  ...(['shoot4u', 'pv-flush', 'ipi'] as const).flatMap((scheme): ProofEntry[] => [
    {
      id: `tlb/liveness/${scheme}/targetsFair`,
      model: 'tlb',
      params: { ...tlbLive, scheme },
      properties: [],
      checkDeadlock: false,
      liveness: completes(targetsFair),
      expect: { holds: true },
      suites: ['ci', 'full'],
    },
    {
      id: `tlb/liveness/${scheme}/withoutTargets`,
      model: 'tlb',
      params: { ...tlbLive, scheme },
      properties: [],
      checkDeadlock: false,
      liveness: completes(scheme === 'shoot4u' ? noTargets : interruptsOnly),
      expect:
        scheme === 'shoot4u'
          ? { holds: true }
          : scheme === 'ipi'
            ? {
                violates: 'shootdownCompletes',
                baseline:
                  '3.1.3: "the availability of a given vCPU to handle interrupts is entirely dependent on the behavior of the underlying host ' +
                  'scheduler": a target preempted with the IPI pending and never resumed leaves vCPU 0 waiting forever',
              }
            : {
                violates: 'shootdownCompletes',
                finding:
                  'pv-flush reads a target\'s steal-time byte, finds it running and sends it the IPI; the host preempts the target before it ' +
                  'handles the interrupt and never resumes it: vCPU 0 waits forever. Completion still depends on the host scheduler (3.1.3), ' +
                  'in the window between the read of the byte and the IPI, the limitation 2.1 states of kvmtlb ("the preemption state of a ' +
                  'vCPU can change after its state has been checked by the invoking CPU but before the IPI is actually delivered"); ' +
                  'Shoot4U\'s does not (3.4.2)',
              },
      suites: ['ci', 'full'],
    },
  ]),
  {
    id: 'tlb/liveness/dropIpiOnPreempt',
    model: 'tlb',
    params: { ...tlbLive, scheme: 'ipi' },
    mutations: ['dropIpiOnPreempt'],
    properties: [],
    checkDeadlock: false,
    liveness: completes(targetsFair),
    expect: { violates: 'shootdownCompletes' },
    suites: ['ci', 'full'],
  },
  {
    id: 'tlb/dropIpiOnPreempt/safety',
    model: 'tlb',
    params: { ...tlbCi, scheme: 'ipi' },
    mutations: ['dropIpiOnPreempt'],
    properties: ['noStaleAccess', 'noLostInvalidation'],
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
]
