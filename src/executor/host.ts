/**
 * The host scheduler of a VM model (seed 004_e74346043d439713.txt, 3.3.4: "each vCPU was
 * pinned to a single hyperthreaded CPU core, so that each core was shared by 2 vCPUs" of
 * two VMs with equal CPU shares). vCPU v of the guest has a physical CPU of its own; with
 * `vms = 2` that CPU alternates between v and a vCPU of the other, CPU-bound VM in time
 * slices of `slice`, starting at a seeded random phase per CPU. With `vms = 1` every vCPU
 * always runs. A preempted vCPU does not act; a step's work only advances while its vCPU
 * runs.
 */
import type { Rng } from './rng.ts'

export interface HostEvent {
  readonly at: number
  readonly vcpu: number
  readonly kind: 'preempt' | 'resume'
}

export class HostScheduler {
  private readonly phase: number[]

  constructor(
    readonly vcpus: number,
    readonly vms: 1 | 2,
    readonly slice: number,
    rng: Rng,
  ) {
    this.phase = Array.from({ length: vcpus }, () => (vms === 1 ? 0 : rng.below(2 * slice)))
  }

  private pos(v: number, t: number): number {
    return (t + this.phase[v]!) % (2 * this.slice)
  }

  running(v: number, t: number): boolean {
    return this.vms === 1 || this.pos(v, t) < this.slice
  }

  /** The first time at or after t at which vCPU v runs. */
  nextRun(v: number, t: number): number {
    return this.running(v, t) ? t : t + 2 * this.slice - this.pos(v, t)
  }

  /** When `work` units of vCPU v's work started at `start` are done. */
  finish(v: number, start: number, work: number): number {
    if (this.vms === 1) return start + work
    let t = this.nextRun(v, start)
    let left = work
    for (;;) {
      const room = this.slice - this.pos(v, t)
      if (left <= room) return t + left
      left -= room
      t = this.nextRun(v, t + room)
    }
  }

  /** How long vCPU v ran in [a, b). */
  runningTime(v: number, a: number, b: number): number {
    if (this.vms === 1) return Math.max(0, b - a)
    let ran = 0
    let t = this.nextRun(v, a)
    while (t < b) {
      const end = Math.min(b, t + this.slice - this.pos(v, t))
      ran += end - t
      t = this.nextRun(v, end)
    }
    return ran
  }

  /** Whether v runs at time 0 (a model whose state tracks running vCPUs starts from this). */
  initiallyRunning(v: number): boolean {
    return this.running(v, 0)
  }

  /** The first preemption or resumption strictly after t. */
  nextEvent(t: number): HostEvent | undefined {
    if (this.vms === 1) return undefined
    let best: HostEvent | undefined
    for (let v = 0; v < this.vcpus; v++) {
      const p = this.pos(v, t)
      const at = p < this.slice ? t + this.slice - p : t + 2 * this.slice - p
      const kind = p < this.slice ? 'preempt' : 'resume'
      if (best === undefined || at < best.at) best = { at, vcpu: v, kind }
    }
    return best
  }
}

/** `vCPU 3` -> 3; any other actor name -> undefined. */
export function vcpuOfActor(actor: string): number | undefined {
  const m = /^vCPU (\d+)$/.exec(actor)
  return m ? Number(m[1]) : undefined
}
