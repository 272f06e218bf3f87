/** The `pisces` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

/** Two enclaves competing for two CPUs, two blocks and a device besides Linux's own; two tasks each. */
const ci = { cpus: 3, blocks: 3, devices: 1, enclaves: 2, tasks: 2, ops: 4 }
/** One enclave, four operations: enough for every mutation's sequence (boot, add, remove, teardown). */
const one = { cpus: 3, blocks: 3, devices: 1, enclaves: 1, tasks: 1, ops: 4 }

export const piscesProofs: readonly ProofEntry[] = [
  { id: 'pisces', model: 'pisces', params: ci, expect: { holds: true }, suites: ['ci', 'full'] },
  { id: 'pisces/1enclave/6ops', model: 'pisces', params: { ...one, tasks: 2, ops: 6 }, expect: { holds: true }, suites: ['ci', 'full'] },
  { id: 'pisces/2devices', model: 'pisces', params: { ...ci, cpus: 4, blocks: 4, devices: 2, tasks: 1, ops: 3 }, expect: { holds: true }, suites: ['full'] },
  {
    id: 'pisces/teardownAny',
    model: 'pisces',
    params: { ...one, teardownOrder: 'any' },
    expect: {
      violates: 'dmaOnlyIntoOwnMemory',
      finding:
        'teardown (004 4.3.3, "destroying the enclave and returning all resources back to Linux") does not say in which ' +
        'order: when Linux takes a memory block back before the enclave\'s device has left its IOMMU domain, the device ' +
        'of the destroyed enclave can still DMA into memory Linux now owns',
    },
    suites: ['ci', 'full'],
  },
  ...mutationEntries('pisces', one, [
    ['assignBeforeOffline', {}, 'exactlyOneOwner'],
    ['iommuMapsAll', {}, 'dmaOnlyIntoOwnMemory'],
    ['onlineBeforeUnmap', {}, 'dmaOnlyIntoOwnMemory'],
    ['reclaimWithTasks', {}, 'tasksOnOwnCpus'],
    ['removeAllocated', {}, 'allocatedMemoryKept'],
    ['teardownKeepsDevices', {}, 'exactlyOneOwner'],
    ['teardownKeepsDevices', {}, 'nothingLostAtTeardown', true],
  ]),
]
