/**
 * A guest's virtual CPUs on a host (seed 004_e74346043d439713.txt, 3.1): `V` vCPUs share
 * `P` physical CPUs, a host scheduler decides which vCPUs run, and a preempted vCPU
 * executes nothing. Shared memory words are W-bit unsigned integers updated with x86
 * atomic instructions.
 *
 * Two schedules (spec spinlock.md):
 * - `interleaving`: any vCPU that can act takes the next step; preemption is implicit.
 * - `lockstep`: time advances in ticks. At a tick boundary the host scheduler picks the
 *   vCPUs that run (at most P, at least one); within the tick each of them takes exactly
 *   one step, in any order (`pending` holds those that have not stepped yet).
 */
export type Schedule = 'interleaving' | 'lockstep'

export interface HostSchedule {
  /** Bit v: vCPU v runs in this tick (lockstep only). */
  readonly running: number
  /** Bit v: vCPU v runs and has not taken its step of this tick yet (lockstep only). */
  readonly pending: number
}

export function bitsOf(mask: number): number[] {
  const out: number[] = []
  for (let v = 0; mask >>> v !== 0; v++) if (mask & (1 << v)) out.push(v)
  return out
}

export function popcount(mask: number): number {
  let n = 0
  for (let m = mask; m !== 0; m &= m - 1) n++
  return n
}

/** The host scheduler's choices at a tick boundary: every non-empty set of at most P of the `active` vCPUs. */
export function scheduleChoices(active: number, P: number): number[] {
  const out: number[] = []
  for (let m = active; m > 0; m = (m - 1) & active) if (popcount(m) <= P) out.push(m)
  return out.sort((a, b) => a - b)
}

/** The vCPUs that may take the next step. */
export function steppers(sched: Schedule, h: HostSchedule, active: number): number[] {
  return bitsOf(sched === 'lockstep' ? h.pending & active : active)
}

// ---- W-bit shared words ----

export function wrap(x: number, W: number): number {
  const m = 2 ** W
  return ((x % m) + m) % m
}

/** The W-bit value read as a signed W-bit integer (C's `(s16)` cast at W = 16). */
export function signedW(x: number, W: number): number {
  const u = wrap(x, W)
  return u >= 2 ** (W - 1) ? u - 2 ** W : u
}

/** Atomic exchange-and-add on a W-bit word: returns the old value. */
export function xadd<K extends string>(mem: Record<K, number>, word: K, inc: number, W: number): number {
  const old = mem[word]
  mem[word] = wrap(old + inc, W)
  return old
}

/** Atomic exchange: returns the old value. */
export function xchg<K extends string>(mem: Record<K, number>, word: K, value: number): number {
  const old = mem[word]
  mem[word] = value
  return old
}

/**
 * The host scheduler as single events (interleaving schedule with explicit preemption):
 * preempt a running vCPU, or resume a preempted one while fewer than P run.
 */
export type HostEvent = { readonly type: 'preempt'; readonly vcpu: number } | { readonly type: 'resume'; readonly vcpu: number }

export function hostEvents(running: number, V: number, P: number): HostEvent[] {
  const out: HostEvent[] = []
  const room = popcount(running) < P
  for (let v = 0; v < V; v++) {
    if (running & (1 << v)) out.push({ type: 'preempt', vcpu: v })
    else if (room) out.push({ type: 'resume', vcpu: v })
  }
  return out
}
