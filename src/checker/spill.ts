/**
 * Where a frontier keeps the chunks it spills to disk: one file per chunk in a private
 * folder under the system's temporary folder (`os.tmpdir()`), made at the first spill and
 * removed, with whatever it still holds, by `dispose()` or when the process exits (also
 * through `process.exit`, as a second SIGINT does). Nothing is ever written elsewhere.
 *
 * A chunk is written deflated (zlib, level 1): neighbouring state vectors share most of
 * their words, and a chunk shrinks 10-12x (ticket, lamport) at 220-280 MiB/s.
 *
 * Synchronous calls: the explorer works in synchronous slices.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** A chunk on disk: its file and the bytes it takes there. */
export interface SpilledChunk {
  readonly file: string
  readonly bytes: number
}

export class SpillFolder {
  private dir: string | undefined
  private seq = 0
  private readonly onExit = (): void => this.dispose()

  /** `parent`: where the private folder is made (default: the system's temporary folder). */
  constructor(private readonly parent: string = tmpdir()) {}

  /** The private folder, while it exists (tests check that it is gone). */
  get path(): string | undefined {
    return this.dir
  }

  /** Writes the first `words` words of `chunk` to a new file. */
  write(chunk: Int32Array, words: number): SpilledChunk {
    if (this.dir === undefined) {
      this.dir = mkdtempSync(join(this.parent, 'rkcheck-frontier-'))
      process.on('exit', this.onExit)
    }
    const file = join(this.dir, `${this.seq++}.chunk`)
    const packed = deflateRawSync(new Uint8Array(chunk.buffer, chunk.byteOffset, words * 4), { level: 1 })
    try {
      writeFileSync(file, packed)
    } catch (e) {
      // never leave a partial chunk behind
      try {
        unlinkSync(file)
      } catch {
        // it was never made
      }
      throw e
    }
    return { file, bytes: packed.length }
  }

  /** Reads a file written by `write` (of `words` words) into `into` and deletes it. */
  read(file: string, into: Int32Array, words: number): void {
    let bytes: Buffer
    try {
      bytes = inflateRawSync(readFileSync(file))
    } catch (e) {
      throw new Error(`the frontier's chunk ${file} cannot be read back from disk: ${(e as Error).message}`, { cause: e })
    }
    if (bytes.length !== words * 4) throw new Error(`the frontier's chunk ${file} holds ${bytes.length} bytes, not the ${words * 4} written`)
    new Uint8Array(into.buffer, into.byteOffset, words * 4).set(bytes)
    unlinkSync(file)
  }

  /** Removes the folder and every file in it; the next `write` makes a new one. */
  dispose(): void {
    if (this.dir === undefined) return
    rmSync(this.dir, { recursive: true, force: true })
    process.off('exit', this.onExit)
    this.dir = undefined
  }
}
