/**
 * Kernel instances and the memory they share (seed 000_e5bbc95a2ea9d194.txt, 4.2-4.3 and
 * 5.7.4): each kernel owns a disjoint partition of physical frames and allocates only from
 * it; one shared word serves as the logical clock, read with an atomic fetch-and-add
 * whenever a Lamport timestamp is needed ("A single shared page is used to host a counter
 * which is fetched and incremented each time a time-stamp is required").
 */
import type { Draft } from 'immer'

export interface Frame {
  readonly owner: number
  readonly used: boolean
  /** A small version number, so that reads and writes can be checked. */
  readonly data: number
}

export interface Machine {
  /** The shared logical-clock word. */
  readonly clock: number
  /** Frame f belongs to kernel floor(f / framesPerKernel). */
  readonly frames: readonly Frame[]
}

export function initialMachine(kernels: number, framesPerKernel: number): Machine {
  return {
    clock: 0,
    frames: Array.from({ length: kernels * framesPerKernel }, (_, f) => ({
      owner: Math.floor(f / framesPerKernel),
      used: false,
      data: 0,
    })),
  }
}

/** Atomic fetch-and-add on the shared clock: returns the old value. */
export function fetchAndAdd(d: { clock: number }): number {
  return d.clock++
}

/** The lowest free frame of kernel k's own partition, marked used; -1 when none is free. */
export function allocateFrame(d: Draft<Machine>, k: number): number {
  const f = d.frames.findIndex((fr) => fr.owner === k && !fr.used)
  if (f >= 0) d.frames[f]!.used = true
  return f
}

export function freeFrame(d: Draft<Machine>, f: number): void {
  const fr = d.frames[f]!
  fr.used = false
  fr.data = 0
}
