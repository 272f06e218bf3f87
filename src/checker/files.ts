/**
 * File output: never a partial file (write a temporary file, then rename), and output paths
 * checked before a run starts, so that a finished run is never lost to a path it cannot write.
 */
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { InputError } from './errors.ts'

export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, text)
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

/**
 * Checks, before a long run, that `path` can be written by `writeFileAtomic`: it is not a
 * folder, and its nearest existing parent is a folder we may write in. `InputError` naming
 * `option` otherwise.
 */
export function assertWritableFile(path: string, option: string): void {
  const full = resolve(path)
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) throw new InputError(`${option} ${path}: is a directory, a file is wanted`)
    if (!writable(full)) throw new InputError(`${option} ${path}: the file cannot be written`)
  }
  checkFolder(dirname(full), option, path)
}

/** Throws an `InputError` naming `option` unless files can be written into the folder `dir`. */
export function assertWritableDir(dir: string, option: string): void {
  checkFolder(resolve(dir), option, dir)
}

function checkFolder(full: string, option: string, given: string): void {
  // the nearest folder that exists must be a folder we may write into (mkdir -p does the rest)
  let at = full
  while (!existsSync(at)) {
    const up = dirname(at)
    if (up === at) break
    at = up
  }
  if (!statSync(at).isDirectory()) throw new InputError(`${option} ${given}: ${at} is a file, not a folder`)
  if (!writable(at)) throw new InputError(`${option} ${given}: the folder ${at} cannot be written`)
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}
