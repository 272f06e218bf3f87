/**
 * `pisces`: resource assignment between Linux and Pisces co-kernel enclaves (seed
 * 004_e74346043d439713.txt, Ouyang, 4.3 "Pisces Implementation", 4.3.1-4.3.3).
 *
 * The machine: `cpus` CPU cores, `blocks` memory blocks (128 MB each, 4.3.1) and `devices`
 * PCI devices. Linux keeps CPU 0 and block 0 (its own kernel). Each party has its own view
 * of what it controls: Linux's online CPUs, online memory and bound devices; each
 * co-kernel's CPU map, memory map and device set. The Pisces module in Linux keeps a table
 * of every resource it handed out ("Pisces tracks the memory regions assigned to each
 * enclave"): its stage (`linux`, `toEnclave`, `enclave`, `toLinux`) and enclave.
 *
 * The operations, as the seed describes them, each a sequence of steps (one party's step
 * each; an enclave runs one management operation at a time over its control channel,
 * 4.3.2; operations on different enclaves interleave):
 * - boot (4.3.1): "First a single CPU core and memory block ... is taken offline, and
 *   removed from Linux's control"; then the co-kernel boots on them and takes them from
 *   "a resource map provided inside the boot parameters", and "activates a flag notifying
 *   the Pisces boot loader that initialization is complete". Its init task (the control
 *   process) runs on the boot CPU; the enclave's `tasks` tasks start there.
 * - add a CPU (4.3.3): "A CPU core is offlined in Linux", then the co-kernel activates it.
 * - remove a CPU: "local tasks need to be migrated to other active CPUs before reclaiming
 *   a CPU": the tasks on it migrate (one step each), the co-kernel deactivates it, Linux
 *   onlines it ("the CPU online operation in Linux ... to return the CPU").
 * - add memory: "A set of memory blocks are offlined and removed from Linux", the
 *   co-kernel "adds each one to its internal memory map", and Pisces, "notified whenever
 *   a resource allocation has been changed", updates the IOMMU of the enclave's devices.
 * - remove memory: "inverting the previous steps, with the complication that if the
 *   memory region is currently allocated then it cannot be removed" (the request is then
 *   refused): the co-kernel drops it from its map, Pisces unmaps it from the IOMMU, Linux
 *   onlines it. The enclave's boot block (its kernel image) is not removable.
 * - add a PCI device: "first detached from the assigned Linux device driver and then
 *   offlined", "The IOMMU ... is then configured by Pisces ... with identity mappings for
 *   only those regions that have been assigned", "Once an IOMMU mapping has been created,
 *   the co-kernel is notified that a new device has been added".
 * - teardown: "memory can always be forcefully reclaimed by destroying the enclave and
 *   returning all resources back to Linux": the co-kernel stops (its tasks and maps are
 *   gone, every resource it held enters a hand-over back to Linux), then Linux takes back
 *   each resource (a device after its IOMMU mappings are removed), then the enclave is
 *   down (and may boot again).
 * The seed does not say in which order teardown returns resources: `teardownOrder`
 * `devicesFirst` (default: a device leaves the enclave's IOMMU domain before its memory
 * goes back to Linux, as Linux frees DMA memory only after the device is detached) or
 * `any`.
 * Tasks of an up enclave allocate and free memory (one allocation of one block at a time).
 * Device removal outside teardown is not described in 4.3 and is not modeled. Each enclave
 * runs at most `ops` operations (boot and teardown included).
 *
 * Mutations: `assignBeforeOffline` (a CPU is activated in the co-kernel before Linux
 * offlines it), `iommuMapsAll` (a new device's IOMMU maps every block),
 * `onlineBeforeUnmap` (Linux onlines a removed block before the IOMMU unmap),
 * `reclaimWithTasks` (a CPU is deactivated with tasks still on it), `removeAllocated` (a
 * block is removed although allocated), `teardownKeepsDevices` (teardown returns CPUs and
 * memory, not devices).
 */
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'

export type Kind = 'cpu' | 'mem' | 'dev'
export const KINDS: readonly Kind[] = ['cpu', 'mem', 'dev']
export type Stage = 'linux' | 'toEnclave' | 'enclave' | 'toLinux'

/** The Pisces module's record of one resource. */
export interface ResourceRecord {
  readonly stage: Stage
  /** The enclave of the hand-over or assignment (-1: none). */
  readonly enclave: number
}

/** What one party controls: a flag per CPU, block and device. */
export interface View {
  readonly cpu: readonly boolean[]
  readonly mem: readonly boolean[]
  readonly dev: readonly boolean[]
}

export interface Task {
  /** The CPU it runs on (-1: not running). */
  readonly cpu: number
  /** The block it has allocated memory in (-1: none). */
  readonly alloc: number
}

export type OpKind = 'none' | 'boot' | 'addCpu' | 'addMem' | 'addDev' | 'removeCpu' | 'removeMem' | 'teardown'
export type EnclavePhase = 'down' | 'booting' | 'up' | 'dying'

export interface Enclave {
  readonly phase: EnclavePhase
  readonly view: View
  readonly tasks: readonly Task[]
  /** The block its kernel was booted in (-1: down). */
  readonly bootMem: number
  readonly op: OpKind
  /** Steps of the operation done so far. */
  readonly step: number
  /** The resources of the operation (-1: not chosen yet). */
  readonly cpu: number
  readonly mem: number
  readonly dev: number
  /** Operations left to start. */
  readonly left: number
}

export interface PiscesState {
  readonly linux: View
  readonly records: { readonly cpu: readonly ResourceRecord[]; readonly mem: readonly ResourceRecord[]; readonly dev: readonly ResourceRecord[] }
  /** Per device, per block: its IOMMU domain maps the block. */
  readonly iommu: readonly (readonly boolean[])[]
  readonly enclaves: readonly Enclave[]
}

/** Every step of an operation; `res` is the resource it names (CPU, block, device or task). */
export type StepName =
  | 'offlineCpu'
  | 'offlineMem'
  | 'boot'
  | 'activateCpu'
  | 'addMem'
  | 'mapIommu'
  | 'detachDev'
  | 'mapIommuDev'
  | 'addDev'
  | 'requestRemoveCpu'
  | 'migrate'
  | 'deactivateCpu'
  | 'onlineCpu'
  | 'requestRemoveMem'
  | 'removeMem'
  | 'refuseRemoveMem'
  | 'unmapIommu'
  | 'onlineMem'
  | 'destroy'
  | 'returnCpu'
  | 'returnMem'
  | 'returnDev'
  | 'destroyed'

export type PiscesAction =
  | { readonly type: StepName; readonly enclave: number; readonly op: OpKind; readonly res: number }
  | { readonly type: 'alloc' | 'free'; readonly enclave: number; readonly task: number; readonly res: number }

export interface PiscesParams {
  readonly cpus: number
  readonly blocks: number
  readonly devices: number
  readonly enclaves: number
  readonly tasks: number
  readonly ops: number
  readonly teardownOrder: string
  readonly [k: string]: number | boolean | string
}

export interface PiscesConfig {
  readonly assignBeforeOffline: boolean
  readonly iommuMapsAll: boolean
  readonly onlineBeforeUnmap: boolean
  readonly reclaimWithTasks: boolean
  readonly removeAllocated: boolean
  readonly teardownKeepsDevices: boolean
}

/** The indices whose flag is set. */
export const members = (flags: readonly boolean[]): number[] => flags.flatMap((f, i) => (f ? [i] : []))

/** The steps of each operation, in order (the mutations reorder two of them). */
export function opSteps(op: OpKind, c: PiscesConfig): readonly StepName[] {
  switch (op) {
    case 'boot':
      return ['offlineCpu', 'offlineMem', 'boot']
    case 'addCpu':
      return c.assignBeforeOffline ? ['activateCpu', 'offlineCpu'] : ['offlineCpu', 'activateCpu']
    case 'addMem':
      return ['offlineMem', 'addMem', 'mapIommu']
    case 'addDev':
      return ['detachDev', 'mapIommuDev', 'addDev']
    case 'removeCpu':
      return ['requestRemoveCpu', 'deactivateCpu', 'onlineCpu']
    case 'removeMem':
      return c.onlineBeforeUnmap ? ['requestRemoveMem', 'removeMem', 'onlineMem', 'unmapIommu'] : ['requestRemoveMem', 'removeMem', 'unmapIommu', 'onlineMem']
    case 'teardown':
      return ['destroy', 'destroyed']
    case 'none':
      return []
  }
}

/** Who takes a step: Linux (its management tool and hotplug), the Pisces module, a co-kernel, or one of its tasks. */
export function piscesActor(a: PiscesAction): string {
  switch (a.type) {
    case 'offlineCpu':
    case 'offlineMem':
    case 'detachDev':
    case 'onlineCpu':
    case 'onlineMem':
    case 'requestRemoveCpu':
    case 'requestRemoveMem':
    case 'returnCpu':
    case 'returnMem':
    case 'returnDev':
      return 'linux'
    case 'mapIommu':
    case 'mapIommuDev':
    case 'unmapIommu':
    case 'destroy':
    case 'destroyed':
      return 'pisces'
    case 'migrate':
    case 'alloc':
    case 'free':
      return `enclave ${a.enclave} task ${'task' in a ? a.task : a.res}`
    default:
      return `enclave ${a.enclave}`
  }
}

/** The resource a step names, for traces: ' CPU 1', ' block 2', ' device 0', ' task 1', or nothing. */
function resourceName(a: PiscesAction): string {
  if (a.res < 0 || a.type === 'boot' || a.type === 'destroyed') return ''
  if (a.type === 'migrate') return ` task ${a.res}`
  if (a.type === 'alloc' || a.type === 'free' || /Mem$|Iommu$/.test(a.type)) return ` block ${a.res}`
  if (a.type.endsWith('Cpu')) return ` CPU ${a.res}`
  return ` device ${a.res}`
}

export function piscesRules(p: PiscesParams, mutations: ReadonlySet<string>): ModelRules<PiscesState, PiscesAction> {
  const c: PiscesConfig = {
    assignBeforeOffline: mutations.has('assignBeforeOffline'),
    iommuMapsAll: mutations.has('iommuMapsAll'),
    onlineBeforeUnmap: mutations.has('onlineBeforeUnmap'),
    reclaimWithTasks: mutations.has('reclaimWithTasks'),
    removeAllocated: mutations.has('removeAllocated'),
    teardownKeepsDevices: mutations.has('teardownKeepsDevices'),
  }
  const size: Record<Kind, number> = { cpu: p.cpus, mem: p.blocks, dev: p.devices }
  const flags = (k: Kind, v: boolean): boolean[] => Array.from({ length: size[k] }, () => v)
  const linuxRes = (s: PiscesState, k: Kind): number[] =>
    members(s.linux[k]).filter((i) => (k === 'dev' || i > 0) && s.records[k][i]!.stage === 'linux')

  const set = (d: Draft<PiscesState>, k: Kind, i: number, stage: Stage, enclave: number): void => {
    d.records[k][i] = { stage, enclave }
  }
  /** Linux gives a resource up (offline, driver detached): the module records it on its way to enclave e. */
  const offline = (d: Draft<PiscesState>, k: Kind, i: number, e: number, stage: Stage = 'toEnclave'): void => {
    d.linux[k][i] = false
    set(d, k, i, stage, e)
  }
  /** Linux takes a resource back (online, driver bound). */
  const online = (d: Draft<PiscesState>, k: Kind, i: number): void => {
    d.linux[k][i] = true
    set(d, k, i, 'linux', -1)
  }
  const devicesOf = (s: PiscesState, e: number): number[] => members(s.enclaves[e]!.view.dev)
  const assignedBlocks = (s: PiscesState, e: number): boolean[] => s.records.mem.map((r) => r.stage === 'enclave' && r.enclave === e)

  /** The actions of enclave e's current operation (or of starting one). */
  function opActions(s: PiscesState, e: number, out: PiscesAction[]): void {
    const en = s.enclaves[e]!
    const push = (type: StepName, op: OpKind, res: number): void => void out.push({ type, enclave: e, op, res })
    if (en.op === 'none') {
      if (en.left === 0) return
      if (en.phase === 'down') {
        for (const cpu of linuxRes(s, 'cpu')) push('offlineCpu', 'boot', cpu)
        return
      }
      if (en.phase !== 'up') return
      for (const cpu of linuxRes(s, 'cpu')) push(c.assignBeforeOffline ? 'activateCpu' : 'offlineCpu', 'addCpu', cpu)
      for (const b of linuxRes(s, 'mem')) push('offlineMem', 'addMem', b)
      for (const d of linuxRes(s, 'dev')) push('detachDev', 'addDev', d)
      if (members(en.view.cpu).length >= 2) for (const cpu of members(en.view.cpu)) push('requestRemoveCpu', 'removeCpu', cpu)
      for (const b of members(en.view.mem)) if (b !== en.bootMem) push('requestRemoveMem', 'removeMem', b)
      push('destroy', 'teardown', -1)
      return
    }
    const next = opSteps(en.op, c)[en.step]!
    switch (next) {
      case 'offlineMem':
        if (en.op === 'boot') for (const b of linuxRes(s, 'mem')) push(next, en.op, b)
        else push(next, en.op, en.mem)
        return
      case 'deactivateCpu': {
        // the tasks on the CPU migrate first, one step each, to another CPU of the enclave
        const on = en.tasks.flatMap((t, i) => (t.cpu === en.cpu ? [i] : []))
        for (const t of on) push('migrate', en.op, t)
        if (on.length === 0 || c.reclaimWithTasks) push(next, en.op, en.cpu)
        return
      }
      case 'removeMem': {
        const allocated = en.tasks.some((t) => t.alloc === en.mem)
        push(allocated && !c.removeAllocated ? 'refuseRemoveMem' : 'removeMem', en.op, en.mem)
        return
      }
      case 'destroyed': {
        // Linux takes back each resource in hand-over; the enclave is down once none is left
        const returning = KINDS.flatMap((k) => s.records[k].flatMap((r, i) => (r.stage === 'toLinux' && r.enclave === e ? [{ k, i }] : [])))
        const devicesFirst = p.teardownOrder === 'devicesFirst'
        const devicesLeft = returning.some((x) => x.k === 'dev')
        for (const { k, i } of returning) {
          if (k === 'mem' && devicesFirst && devicesLeft) continue
          push(k === 'cpu' ? 'returnCpu' : k === 'mem' ? 'returnMem' : 'returnDev', en.op, i)
        }
        if (returning.length === 0) push(next, en.op, -1)
        return
      }
      default: {
        const res = next.endsWith('Cpu') ? en.cpu : next.endsWith('Dev') ? en.dev : en.mem
        push(next, en.op, res)
      }
    }
  }

  /** Tasks of an up enclave allocate in, and free, blocks of its allocator. */
  function taskActions(s: PiscesState, e: number, out: PiscesAction[]): void {
    const en = s.enclaves[e]!
    if (en.phase !== 'up') return
    en.tasks.forEach((t, task) => {
      if (t.alloc >= 0) out.push({ type: 'free', enclave: e, task, res: t.alloc })
      else for (const b of members(en.view.mem)) out.push({ type: 'alloc', enclave: e, task, res: b })
    })
  }

  const advance = (en: Draft<Enclave>): void => {
    en.step++
    if (en.step >= opSteps(en.op, c).length) {
      en.op = 'none'
      en.step = 0
      en.cpu = -1
      en.mem = -1
      en.dev = -1
    }
  }

  const apply = (d: Draft<PiscesState>, a: PiscesAction): void => {
    const en = d.enclaves[a.enclave]!
    if ('task' in a) {
      en.tasks[a.task]!.alloc = a.type === 'alloc' ? a.res : -1
      return
    }
    if (en.op === 'none') {
      en.op = a.op
      en.step = 0
      en.left--
      if (a.op === 'boot') en.phase = 'booting'
    }
    const e = a.enclave
    switch (a.type) {
      case 'offlineCpu':
        // with assignBeforeOffline the co-kernel already runs the CPU: offlining ends the addition
        offline(d, 'cpu', a.res, e, c.assignBeforeOffline && a.op !== 'boot' ? 'enclave' : 'toEnclave')
        en.cpu = a.res
        break
      case 'offlineMem':
        offline(d, 'mem', a.res, e)
        en.mem = a.res
        break
      case 'boot':
        en.view.cpu[en.cpu] = true
        en.view.mem[en.mem] = true
        en.bootMem = en.mem
        for (const t of en.tasks) t.cpu = en.cpu
        en.phase = 'up'
        set(d, 'cpu', en.cpu, 'enclave', e)
        set(d, 'mem', en.mem, 'enclave', e)
        break
      case 'activateCpu':
        en.cpu = a.res
        en.view.cpu[a.res] = true
        if (!c.assignBeforeOffline) set(d, 'cpu', a.res, 'enclave', e)
        break
      case 'addMem':
        en.view.mem[a.res] = true
        set(d, 'mem', a.res, 'enclave', e)
        break
      case 'mapIommu':
      case 'unmapIommu': {
        const blocks = assignedBlocks(d as PiscesState, e)
        for (const dev of devicesOf(d as PiscesState, e)) d.iommu[dev] = [...blocks]
        break
      }
      case 'detachDev':
        offline(d, 'dev', a.res, e)
        en.dev = a.res
        break
      case 'mapIommuDev':
        d.iommu[a.res] = c.iommuMapsAll ? flags('mem', true) : assignedBlocks(d as PiscesState, e)
        break
      case 'addDev':
        en.view.dev[a.res] = true
        set(d, 'dev', a.res, 'enclave', e)
        break
      case 'requestRemoveCpu':
        en.cpu = a.res
        break
      case 'migrate': {
        const others = members(en.view.cpu).filter((x) => x !== en.cpu)
        en.tasks[a.res]!.cpu = others[0]!
        return
      }
      case 'deactivateCpu':
        en.view.cpu[a.res] = false
        set(d, 'cpu', a.res, 'toLinux', e)
        break
      case 'onlineCpu':
        online(d, 'cpu', a.res)
        break
      case 'requestRemoveMem':
        en.mem = a.res
        break
      case 'refuseRemoveMem':
        en.step = opSteps(en.op, c).length - 1
        break
      case 'removeMem':
        en.view.mem[a.res] = false
        set(d, 'mem', a.res, 'toLinux', e)
        break
      case 'onlineMem':
        online(d, 'mem', a.res)
        break
      case 'destroy':
        for (const k of KINDS) {
          d.records[k].forEach((r, i) => {
            if (r.enclave === e && !(k === 'dev' && c.teardownKeepsDevices)) set(d, k, i, 'toLinux', e)
          })
        }
        for (const k of KINDS) en.view[k] = flags(k, false)
        for (const t of en.tasks) {
          t.cpu = -1
          t.alloc = -1
        }
        en.phase = 'dying'
        break
      case 'returnCpu':
        online(d, 'cpu', a.res)
        return
      case 'returnMem':
        online(d, 'mem', a.res)
        return
      case 'returnDev':
        d.iommu[a.res] = flags('mem', false)
        online(d, 'dev', a.res)
        return
      case 'destroyed':
        en.phase = 'down'
        en.bootMem = -1
        break
    }
    advance(en)
  }

  return {
    name: 'pisces',
    init: () => [
      {
        linux: { cpu: flags('cpu', true), mem: flags('mem', true), dev: flags('dev', true) },
        records: {
          cpu: Array.from({ length: p.cpus }, () => ({ stage: 'linux' as Stage, enclave: -1 })),
          mem: Array.from({ length: p.blocks }, () => ({ stage: 'linux' as Stage, enclave: -1 })),
          dev: Array.from({ length: p.devices }, () => ({ stage: 'linux' as Stage, enclave: -1 })),
        },
        iommu: Array.from({ length: p.devices }, () => flags('mem', false)),
        enclaves: Array.from({ length: p.enclaves }, () => ({
          phase: 'down' as EnclavePhase,
          view: { cpu: flags('cpu', false), mem: flags('mem', false), dev: flags('dev', false) },
          tasks: Array.from({ length: p.tasks }, () => ({ cpu: -1, alloc: -1 })),
          bootMem: -1,
          op: 'none' as OpKind,
          step: 0,
          cpu: -1,
          mem: -1,
          dev: -1,
          left: p.ops,
        })),
      },
    ],
    actions(s) {
      const out: PiscesAction[] = []
      for (let e = 0; e < p.enclaves; e++) {
        opActions(s, e, out)
        taskActions(s, e, out)
      }
      return out
    },
    next: reducer<PiscesState, PiscesAction>(apply),
    // an enclave between operations is a proper end, whatever it could still do
    terminal: (s) => s.enclaves.every((e) => e.op === 'none'),
    actor: piscesActor,
    describe: (a) => `${piscesActor(a)}: ${a.type}${resourceName(a)}${'op' in a ? ` (${a.op})` : ''}`,
  }
}
