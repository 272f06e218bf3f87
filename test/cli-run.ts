/** Running the `rkcheck` command line from tests, and what bad input must look like. */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { expect } from 'vitest'

export const BIN = resolve('bin/rkcheck.mjs')

export interface CliResult {
  readonly code: number
  readonly out: string
  readonly err: string
}

/** The environment for a child `rkcheck` without colours, whatever CI or FORCE_COLOR say. */
export function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.FORCE_COLOR
  return env
}

/** `rkcheck ARGS...` run in the folder `cwd`, without colours. */
export function runCli(cwd: string, args: readonly string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: plainEnv() })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

/** Bad input: exit 2, exactly one line on stderr, no stack trace. */
export function expectBadInput(r: { code: number; err: string }, mentions: RegExp): void {
  expect(r.code).toBe(2)
  const lines = r.err.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(mentions)
  expect(r.err).not.toMatch(/\n\s+at /)
}
