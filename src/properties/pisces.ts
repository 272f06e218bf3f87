/**
 * Properties of the `pisces` model (seed 004_e74346043d439713.txt, Ouyang, 4.3). Each
 * quotes the seed's rule it checks. Deadlock freedom (no operation stuck half-way) is the
 * engine's check.
 */
import type { Check } from '../checker/model.ts'
import { KINDS, members, type Kind, type PiscesState } from '../model/pisces.ts'

const NAME: Record<Kind, string> = { cpu: 'CPU', mem: 'block', dev: 'device' }
const sizeOf = (s: PiscesState, k: Kind): number => s.records[k].length

/** The parties whose own view holds resource i of kind k: -1 for Linux, else the enclave. */
function controllers(s: PiscesState, k: Kind, i: number): number[] {
  const out = s.linux[k][i] ? [-1] : []
  s.enclaves.forEach((e, n) => e.view[k][i] && out.push(n))
  return out
}

const who = (o: number): string => (o < 0 ? 'Linux' : `enclave ${o}`)

/**
 * Every resource has exactly one owner at all times, or is in a hand-over step. 4.3: "Each
 * Kitten co-kernel instance is given direct control over a subset of the local hardware
 * resources"; "Once a resource has been offlined, a running co-kernel is allowed to assume
 * direct control over it"; "they are able to only assume control of a discontiguous set of
 * resources assigned to them". Owners are the parties whose own view (Linux's online
 * resources, a co-kernel's maps) holds the resource; with none, the Pisces module must
 * have it in a hand-over (offlined toward an enclave, or on its way back to Linux).
 */
export function exactlyOneOwner(s: PiscesState): Check {
  for (const k of KINDS) {
    for (let i = 0; i < sizeOf(s, k); i++) {
      const owners = controllers(s, k, i)
      if (owners.length > 1) return `${NAME[k]} ${i} is controlled by ${owners.map(who).join(' and ')}`
      const r = s.records[k][i]!
      if (owners.length === 0 && r.stage !== 'toEnclave' && r.stage !== 'toLinux') {
        return `${NAME[k]} ${i} has no owner and is in no hand-over (Pisces records it as ${r.stage}${r.enclave >= 0 ? ` of enclave ${r.enclave}` : ''})`
      }
    }
  }
  return true
}

/** The parties a resource belongs to: its controllers, and the enclave of a hand-over in progress. */
function holders(s: PiscesState, k: Kind, i: number): number[] {
  const r = s.records[k][i]!
  const h = controllers(s, k, i)
  if ((r.stage === 'toEnclave' || r.stage === 'toLinux') && r.enclave >= 0) h.push(r.enclave)
  return h
}

/**
 * No device DMA outside its enclave's memory. 4.3.3: Pisces "can update the IOMMU with
 * identity mappings for only those regions that have been assigned", "This requires
 * dynamically updating the IOMMU as memory is assigned and removed from an enclave". A
 * device can reach, by DMA, every block its IOMMU domain maps: each such block must belong
 * to the device's party (a block or device in a hand-over still belongs to the enclave of
 * the hand-over: nobody else can use it).
 */
export function dmaOnlyIntoOwnMemory(s: PiscesState): Check {
  for (let d = 0; d < s.iommu.length; d++) {
    const dev = holders(s, 'dev', d)
    for (const b of members(s.iommu[d]!)) {
      const blk = holders(s, 'mem', b)
      if (!dev.some((x) => blk.includes(x))) return `device ${d} (${dev.map(who).join(', ') || 'nobody'}) can DMA into block ${b} of ${blk.map(who).join(', ') || 'nobody'}`
    }
  }
  return true
}

/**
 * Nothing lost at teardown. 4.3.3: memory "can always be forcefully reclaimed by
 * destroying the enclave and returning all resources back to Linux"; 4.3.1: the trampoline
 * is restored "to support the CPU online operation in Linux, which is used to return the
 * CPU to Linux after the co-kernel enclave has been destroyed". Once an enclave is down,
 * no resource is recorded for it or held in its maps, none of its tasks runs, and no
 * device left to Linux keeps an IOMMU mapping made for an enclave.
 */
export function nothingLostAtTeardown(s: PiscesState): Check {
  for (const [n, e] of s.enclaves.entries()) {
    if (e.phase !== 'down') continue
    for (const k of KINDS) {
      if (e.view[k].some((x) => x)) return `enclave ${n} is down but its map still holds ${NAME[k]}s ${members(e.view[k]).join(', ')}`
      const i = s.records[k].findIndex((r) => r.enclave === n)
      if (i >= 0) return `enclave ${n} is down but ${NAME[k]} ${i} is still recorded for it (${s.records[k][i]!.stage})`
    }
    if (e.tasks.some((t) => t.cpu >= 0 || t.alloc >= 0)) return `enclave ${n} is down but a task of it still runs or holds memory`
  }
  for (let d = 0; d < s.iommu.length; d++) {
    if (s.records.dev[d]!.stage === 'linux' && s.iommu[d]!.some((x) => x)) return `device ${d} is back with Linux but its IOMMU still maps blocks ${members(s.iommu[d]!).join(', ')}`
  }
  return true
}

/**
 * A CPU reclaimed only after its tasks migrate. 4.3.3: "Reclaiming a CPU is done in a
 * similar manner, with the complication that local tasks need to be migrated to other
 * active CPUs before reclaiming a CPU." Every running task runs on a CPU of its enclave.
 */
export function tasksOnOwnCpus(s: PiscesState): Check {
  for (const [n, e] of s.enclaves.entries()) {
    for (const [t, task] of e.tasks.entries()) {
      if (task.cpu >= 0 && !e.view.cpu[task.cpu]) return `task ${t} of enclave ${n} runs on CPU ${task.cpu}, which enclave ${n} no longer has`
    }
  }
  return true
}

/**
 * Allocated memory never removed. 4.3.3: "if the memory region is currently allocated then
 * it cannot be removed". Every block a task has allocated memory in is in its enclave's map.
 */
export function allocatedMemoryKept(s: PiscesState): Check {
  for (const [n, e] of s.enclaves.entries()) {
    for (const [t, task] of e.tasks.entries()) {
      if (task.alloc >= 0 && !e.view.mem[task.alloc]) return `task ${t} of enclave ${n} has memory allocated in block ${task.alloc}, which was removed from enclave ${n}`
    }
  }
  return true
}

export const piscesInvariants = { exactlyOneOwner, dmaOnlyIntoOwnMemory, nothingLostAtTeardown, tasksOnOwnCpus, allocatedMemoryKept }
