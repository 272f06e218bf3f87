/**
 * A shared buffer kept from level to level and replaced only when a level needs more: a
 * parallel search writes a few bytes per state into per-level lists, and fresh memory is
 * slow to write the first time (a page fault per 4 KiB, which two threads of one process
 * take in turn), so the lists reuse the pages of the levels before.
 */
import { touchPages } from '../shared-visited.ts'

export class ReusedBuffer {
  private buffer = new SharedArrayBuffer(4)

  /** A buffer of at least `bytes` (its contents undefined), grown by half again when replaced. */
  atLeast(bytes: number): SharedArrayBuffer {
    if (this.buffer.byteLength < bytes) {
      this.buffer = new SharedArrayBuffer(Math.ceil(Math.max(bytes, this.buffer.byteLength * 1.5) / 4) * 4)
      touchPages(new Int32Array(this.buffer))
    }
    return this.buffer
  }

  get bytes(): number {
    return this.buffer.byteLength
  }
}
