// Builds dist/ from src/: TypeScript compiled by tsc (JavaScript and declarations), every
// other file under src/ (page assets, module hooks) copied as it is, then a stamp that
// bin/rkcheck.mjs compares with src/ to tell whether dist/ is current.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || e.name.endsWith('.ts')) continue
  const from = join(e.parentPath, e.name)
  const to = join(dist, relative(src, from))
  mkdirSync(dirname(to), { recursive: true })
  cpSync(from, to)
}
writeFileSync(join(dist, '.stamp'), `${new Date().toISOString()}\n`)
