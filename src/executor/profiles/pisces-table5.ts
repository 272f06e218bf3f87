/**
 * `pisces-table5`: costs of the `pisces` model in microseconds, from seed
 * 004_e74346043d439713.txt (Ouyang), 4.3.2, Table 5 "Pisces Operation Latency" (ms):
 * booting a co-kernel 265.98, adding a single CPU core 33.74, adding a 128MB memory block
 * 82.66, adding an Ethernet NIC 118.98. The table gives each operation end to end; which of
 * its steps (Linux offlining, the command, the co-kernel's work) takes how much it does not
 * say, so each row is charged whole to the co-kernel's step that completes the operation
 * and the other steps of it cost nothing: a sequence of operations costs exactly the sum
 * of its rows. Operations the table does not time (removal, teardown) are assumed, and
 * said so.
 */
import type { Action } from '../../checker/model.ts'
import type { PiscesAction } from '../../model/pisces.ts'
import type { Constant, CostProfile, StepCosts } from '../profile.ts'

const constants = {
  bootCokernel: { value: 265_980, kind: 'seed', source: 'Table 5 (4.3.2): "Booting a Co-kernel" 265.98 ms' },
  addCpu: { value: 33_740, kind: 'seed', source: 'Table 5 (4.3.2): "Adding a single CPU core" 33.74 ms' },
  addMemBlock: { value: 82_660, kind: 'seed', source: 'Table 5 (4.3.2): "Adding a 128MB memory block" 82.66 ms' },
  addNic: { value: 118_980, kind: 'seed', source: 'Table 5 (4.3.2): "Adding an Ethernet NIC" 118.98 ms (the device added is a NIC)' },
  iommuUpdate: { value: 100, kind: 'assumed', source: 'Pisces rewriting the IOMMU identity mappings of one enclave\'s devices after a memory change (4.3.3)' },
  removeCpu: { value: 33_740, kind: 'assumed', source: 'reclaiming a CPU, not timed by the seed: taken equal to adding one (Table 5), "done in a similar manner" (4.3.3)' },
  removeMemBlock: { value: 82_660, kind: 'assumed', source: 'removing a block, not timed: taken equal to adding one (Table 5), "inverting the previous steps" (4.3.3)' },
  migrateTask: { value: 50, kind: 'assumed', source: 'migrating one task to another CPU of the enclave before a reclaim (4.3.3)' },
  destroy: { value: 10_000, kind: 'assumed', source: 'stopping a co-kernel, not timed by the seed' },
  returnCpu: { value: 33_740, kind: 'assumed', source: 'Linux onlining a CPU at teardown, not timed: taken equal to Table 5\'s CPU row' },
  returnMemBlock: { value: 82_660, kind: 'assumed', source: 'Linux onlining a block at teardown, not timed: taken equal to Table 5\'s block row' },
  returnDev: { value: 118_980, kind: 'assumed', source: 'Linux rebinding a device at teardown, not timed: taken equal to Table 5\'s NIC row' },
  taskStep: { value: 1, kind: 'assumed', source: 'a task allocating or freeing memory in its enclave' },
} satisfies Record<string, Constant>

type C = Readonly<Record<keyof typeof constants, number>>

function piscesCosts(c: C): StepCosts {
  return {
    step: (_s, act: Action) => {
      const a = act as PiscesAction
      switch (a.type) {
        case 'boot':
          return c.bootCokernel
        case 'activateCpu':
          return c.addCpu
        case 'addMem':
          return c.addMemBlock
        case 'addDev':
          return c.addNic
        case 'mapIommu':
        case 'unmapIommu':
          return c.iommuUpdate
        case 'deactivateCpu':
          return c.removeCpu
        case 'removeMem':
          return c.removeMemBlock
        case 'migrate':
          return c.migrateTask
        case 'destroy':
          return c.destroy
        case 'returnCpu':
          return c.returnCpu
        case 'returnMem':
          return c.returnMemBlock
        case 'returnDev':
          return c.returnDev
        case 'alloc':
        case 'free':
          return c.taskStep
        default:
          // offlining, the commands, the IOMMU map of a new device, onlining after a removal: inside the rows above
          return 0
      }
    },
    transit: () => 0,
  }
}

export const piscesTable5: CostProfile = {
  name: 'pisces-table5',
  doc: 'Pisces co-kernel operations in µs (seed 004 4.3.2, Table 5)',
  unit: 'µs',
  constants,
  models: { pisces: (v) => piscesCosts(v as C) },
}
