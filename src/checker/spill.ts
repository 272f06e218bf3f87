/**
 * Where a frontier keeps the chunks it spills to disk: one file per chunk in a private
 * folder under the system's temporary folder (`os.tmpdir()`), made at the first spill and
 * removed, with whatever it still holds, by `dispose()` or when the process exits (also
 * through `process.exit`, as a second SIGINT does). Nothing is ever written elsewhere.
 *
 * Synchronous calls: the explorer works in synchronous slices, and a chunk is megabytes,
 * so a call costs far more in the disk than in the call.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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

  /** Writes the first `words` words of `chunk` to a new file; returns its name. */
  write(chunk: Int32Array, words: number): string {
    if (this.dir === undefined) {
      this.dir = mkdtempSync(join(this.parent, 'rkcheck-frontier-'))
      process.on('exit', this.onExit)
    }
    const file = join(this.dir, `${this.seq++}.chunk`)
    try {
      writeFileSync(file, new Uint8Array(chunk.buffer, chunk.byteOffset, words * 4))
    } catch (e) {
      // never leave a partial chunk behind
      try {
        unlinkSync(file)
      } catch {
        // it was never made
      }
      throw e
    }
    return file
  }

  /** Reads a file written by `write` into `into` and deletes it. */
  read(file: string, into: Int32Array, words: number): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, words * 4)
    let fd: number
    try {
      fd = openSync(file, 'r')
    } catch (e) {
      throw new Error(`the frontier's chunk ${file} cannot be read back from disk: ${(e as Error).message}`, { cause: e })
    }
    try {
      let at = 0
      while (at < bytes.length) {
        const n = readSync(fd, bytes, at, bytes.length - at, at)
        if (n === 0) throw new Error(`the frontier's chunk ${file} is shorter than it was written (${at} of ${bytes.length} bytes)`)
        at += n
      }
    } finally {
      closeSync(fd)
    }
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
