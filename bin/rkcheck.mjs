#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs) when it is
// current, else the TypeScript sources through tsx, so that a change to src/ is never
// shadowed by an old build. RKCHECK_FROM_SOURCE=1 always runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const stamp = `${root}dist/.stamp`

function newestSource(dir) {
  let t = 0
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) t = Math.max(t, statSync(`${e.parentPath}/${e.name}`).mtimeMs)
  }
  return t
}

const built = !process.env.RKCHECK_FROM_SOURCE && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(`${root}src`)
if (built) {
  await import('../dist/cli/main.js')
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
