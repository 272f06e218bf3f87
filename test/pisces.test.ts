/** The `pisces` model (seed 004 4.3): resource hand-over step by step, its properties, and the pisces-grow prediction. */
import { describe, expect, test } from 'vitest'
import type { AnyModel } from '../src/checker/model.ts'
import { resolveTypedParams } from '../src/checker/params.ts'
import { growOps, growTime } from '../src/executor/experiments/pisces.ts'
import type { PiscesAction, PiscesState } from '../src/model/pisces.ts'
import { dmaOnlyIntoOwnMemory, exactlyOneOwner, piscesInvariants } from '../src/properties/pisces.ts'
import { pisces } from '../src/registry/pisces.ts'

function model(params: Record<string, number | boolean | string> = {}, mutations: string[] = []): AnyModel {
  return pisces.create(resolveTypedParams(pisces, { cpus: 3, blocks: 3, devices: 1, enclaves: 1, tasks: 1, ops: 8, ...params }), new Set(mutations))
}

function holdsAll(s: PiscesState): void {
  for (const [name, inv] of Object.entries(piscesInvariants)) expect(inv(s), name).toBe(true)
}

/** Takes the enabled action of this type (and resource), checks every property after it. */
function step(m: AnyModel, s: PiscesState, type: string, res?: number, check = true): PiscesState {
  const a = (m.actions(s) as PiscesAction[]).find((x) => x.type === type && (res === undefined || x.res === res))
  if (!a) throw new Error(`${type}${res === undefined ? '' : ` ${res}`} is not enabled`)
  const t = m.next(s, a) as PiscesState
  if (check) holdsAll(t)
  return t
}

const enabled = (m: AnyModel, s: PiscesState, type: string): boolean => (m.actions(s) as PiscesAction[]).some((a) => a.type === type)

function booted(m: AnyModel): PiscesState {
  let s = m.init()[0] as PiscesState
  s = step(m, s, 'offlineCpu', 1)
  s = step(m, s, 'offlineMem', 1)
  return step(m, s, 'boot')
}

describe('pisces hand-overs (4.3.1, 4.3.3)', () => {
  test('boot: offlined resources have no owner but are in a hand-over; then the co-kernel owns them', () => {
    const m = model()
    let s = m.init()[0] as PiscesState
    s = step(m, s, 'offlineCpu', 1)
    expect(s.linux.cpu[1]).toBe(false)
    expect(s.records.cpu[1]).toEqual({ stage: 'toEnclave', enclave: 0 })
    s = step(m, s, 'offlineMem', 2)
    s = step(m, s, 'boot')
    expect(s.enclaves[0]!.phase).toBe('up')
    expect(s.enclaves[0]!.view.cpu).toEqual([false, true, false])
    expect(s.enclaves[0]!.view.mem).toEqual([false, false, true])
    expect(s.enclaves[0]!.tasks[0]!.cpu).toBe(1)
  })

  test('a device gets IOMMU mappings for exactly the enclave\'s blocks, updated as memory comes and goes', () => {
    const m = model()
    let s = booted(m)
    s = step(m, s, 'detachDev', 0)
    s = step(m, s, 'mapIommuDev')
    expect(s.iommu[0]).toEqual([false, true, false])
    s = step(m, s, 'addDev')
    s = step(m, s, 'offlineMem', 2)
    s = step(m, s, 'addMem')
    s = step(m, s, 'mapIommu')
    expect(s.iommu[0]).toEqual([false, true, true])
    s = step(m, s, 'requestRemoveMem', 2)
    s = step(m, s, 'removeMem')
    s = step(m, s, 'unmapIommu')
    expect(s.iommu[0]).toEqual([false, true, false])
    s = step(m, s, 'onlineMem')
    expect(s.linux.mem[2]).toBe(true)
  })

  test('allocated memory is not removed: the request is refused', () => {
    const m = model()
    let s = booted(m)
    s = step(m, s, 'offlineMem', 2)
    s = step(m, s, 'addMem')
    s = step(m, s, 'mapIommu')
    s = step(m, s, 'alloc', 2)
    s = step(m, s, 'requestRemoveMem', 2)
    expect(enabled(m, s, 'removeMem')).toBe(false)
    s = step(m, s, 'refuseRemoveMem')
    expect(s.enclaves[0]!.view.mem[2]).toBe(true)
    expect(s.enclaves[0]!.op).toBe('none')
  })

  test('a CPU is reclaimed only after its tasks have migrated', () => {
    const m = model({ tasks: 2 })
    let s = booted(m)
    s = step(m, s, 'offlineCpu', 2)
    s = step(m, s, 'activateCpu')
    s = step(m, s, 'requestRemoveCpu', 1)
    expect(enabled(m, s, 'deactivateCpu')).toBe(false)
    s = step(m, s, 'migrate', 0)
    expect(enabled(m, s, 'deactivateCpu')).toBe(false)
    s = step(m, s, 'migrate', 1)
    s = step(m, s, 'deactivateCpu')
    expect(s.enclaves[0]!.tasks.map((t) => t.cpu)).toEqual([2, 2])
    s = step(m, s, 'onlineCpu')
    expect(s.linux.cpu[1]).toBe(true)
  })

  test('teardown returns everything to Linux, devices before memory', () => {
    const m = model()
    let s = booted(m)
    s = step(m, s, 'detachDev', 0)
    s = step(m, s, 'mapIommuDev')
    s = step(m, s, 'addDev')
    s = step(m, s, 'alloc', 1)
    s = step(m, s, 'destroy')
    expect(enabled(m, s, 'returnMem')).toBe(false)
    s = step(m, s, 'returnDev', 0)
    s = step(m, s, 'returnMem', 1)
    s = step(m, s, 'returnCpu', 1)
    s = step(m, s, 'destroyed')
    expect(s.linux).toEqual({ cpu: [true, true, true], mem: [true, true, true], dev: [true] })
    expect(s.iommu).toEqual([[false, false, false]])
    expect(s.enclaves[0]!.phase).toBe('down')
  })
})

describe('pisces mutations, step by step', () => {
  test('assignBeforeOffline: the CPU is controlled by Linux and the enclave at once', () => {
    const m = model({}, ['assignBeforeOffline'])
    const s = step(m, booted(m), 'activateCpu', 2, false)
    expect(exactlyOneOwner(s)).toBe('CPU 2 is controlled by Linux and enclave 0')
  })

  test('iommuMapsAll: a new device can DMA into Linux\'s own block', () => {
    const m = model({}, ['iommuMapsAll'])
    let s = step(m, booted(m), 'detachDev', 0)
    s = step(m, s, 'mapIommuDev', undefined, false)
    expect(dmaOnlyIntoOwnMemory(s)).toMatch(/^device 0 \(enclave 0\) can DMA into block 0 of Linux/)
  })
})

describe('pisces-grow: Table 5 on the model', () => {
  test('the operations of one NUMA domain of 4.4 (6 cores, 12 GB, a NIC): boot, 5 CPUs, 95 blocks, the NIC', () => {
    const ops = growOps({ cores: 6, memMB: 12_288, nic: true })
    expect(ops.filter((o) => o === 'addCpu')).toHaveLength(5)
    expect(ops.filter((o) => o === 'addMem')).toHaveLength(95)
    expect(ops[0]).toBe('boot')
    expect(ops.at(-1)).toBe('addDev')
  })

  test('its predicted time is the sum of Table 5\'s rows over those operations', () => {
    // Table 5 (ms): boot 265.98, a CPU 33.74, a 128MB block 82.66, an Ethernet NIC 118.98
    const t = growTime({ cores: 6, memMB: 12_288, nic: true }, 1)
    expect(t.us).toBe(Math.round(1000 * (265.98 + 5 * 33.74 + 95 * 82.66 + 118.98)))
    expect(t.ops).toEqual({ boot: 1, addCpu: 5, addMem: 95, addDev: 1 })
  })

  test('booting alone takes Table 5\'s boot row', () => {
    expect(growTime({ cores: 1, memMB: 128, nic: false }, 1).us).toBe(265_980)
  })
})
