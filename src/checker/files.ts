/** File output that never leaves a partial file behind: write a temporary file, then rename. */
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
 * folder, and its nearest existing parent is a folder we may write in. `InputError` otherwise.
 */
export function assertWritableFile(path: string, option: string): void {
  const full = resolve(path)
  if (existsSync(full) && statSync(full).isDirectory()) throw new InputError(`${option} ${path} is a folder, not a file`)
  let dir = dirname(full)
  while (!existsSync(dir)) dir = dirname(dir)
  if (!statSync(dir).isDirectory()) throw new InputError(`${option} ${path}: ${dir} is not a folder`)
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    throw new InputError(`${option} ${path}: cannot write in ${dir}`)
  }
}
