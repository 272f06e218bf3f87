/** The `pisces` model: its rules, its properties and its proofs, assembled. */
import { defineModel } from '../checker/model.ts'
import { piscesRules, type PiscesParams } from '../model/pisces.ts'
import { piscesInvariants } from '../properties/pisces.ts'
export { piscesProofs } from '../properties/pisces.proofs.ts'

export const pisces = defineModel<PiscesParams>({
  name: 'pisces',
  doc: 'Pisces co-kernel enclaves: CPUs, memory blocks and PCI devices offlined from Linux and assigned at runtime (004 4.3)',
  params: [
    { name: 'cpus', kind: 'int', default: 3, min: 2, max: 12, doc: 'CPU cores (Linux keeps CPU 0)' },
    { name: 'blocks', kind: 'int', default: 3, min: 2, max: 12, doc: 'memory blocks of 128 MB (Linux keeps block 0)' },
    { name: 'devices', kind: 'int', default: 1, min: 0, max: 3, doc: 'PCI devices' },
    { name: 'enclaves', kind: 'int', default: 1, min: 1, max: 3, doc: 'co-kernel enclaves' },
    { name: 'tasks', kind: 'int', default: 1, min: 1, max: 3, doc: "tasks of each enclave (its control process included)" },
    { name: 'ops', kind: 'int', default: 3, min: 1, max: 8, doc: 'management operations each enclave runs (boot and teardown included)' },
    { name: 'teardownOrder', kind: 'enum', values: ['devicesFirst', 'any'], default: 'devicesFirst', doc: 'at teardown, devices leave the IOMMU before memory returns to Linux, or any order (the seed is silent)' },
  ],
  mutations: [
    { name: 'assignBeforeOffline', doc: 'a CPU is activated in the co-kernel before Linux offlines it' },
    { name: 'iommuMapsAll', doc: "a new device's IOMMU domain maps every block" },
    { name: 'onlineBeforeUnmap', doc: 'Linux onlines a removed block before Pisces unmaps it from the IOMMU' },
    { name: 'reclaimWithTasks', doc: 'a CPU is reclaimed with tasks still on it' },
    { name: 'removeAllocated', doc: 'a block is removed from an enclave although allocated' },
    { name: 'teardownKeepsDevices', doc: 'teardown returns CPUs and memory but not devices' },
  ],
  create: (p, m) => ({ ...piscesRules(p, m), invariants: piscesInvariants }),
})
