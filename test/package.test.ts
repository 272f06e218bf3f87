/**
 * rkcheck as a user installs it: `npm pack`, installed into a project outside the
 * repository, a model there written against `import ... from 'rkcheck'`, type-checked by
 * the user's tsc and checked by the installed CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test } from 'vitest'
import { plainEnv } from './cli-run.ts'
import { tempDir } from './temp-dir.ts'

const ROOT = resolve('.')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** dist/ is built by `npm ci`; rebuild it when a source file is newer (a working copy). */
function ensureBuilt(): void {
  const stamp = join(ROOT, 'dist/.stamp')
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
  const stale = readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true }).some(
    (e) => e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > built,
  )
  if (stale) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'pipe' })
}

const MODEL = `import { defineModel, reducer, type Model } from 'rkcheck'

type S = { n: number; seen: Set<number> }
type A = { type: 'inc' }

export default defineModel({
  name: 'counter',
  doc: 'a counter that must stay below 5',
  params: [{ name: 'max', kind: 'int', default: 3, min: 1, max: 9, doc: 'how far it counts' }],
  mutations: [],
  create: (p: { max: number }): Model<S, A> => ({
    name: 'counter',
    init: () => [{ n: 0, seen: new Set() }],
    actions: (s) => (s.n < p.max ? [{ type: 'inc' }] : []),
    next: reducer<S, A>((d) => {
      d.n++
      d.seen.add(d.n)
    }),
    invariants: { small: (s) => s.n < 5 || \`n is \${s.n}\` },
    terminal: () => true,
  }),
})
`

test('packed, installed elsewhere, a model written against the package is type-checked and checked', () => {
  ensureBuilt()
  const work = tempDir('rkcheck-pack-')
  execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' })
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!
  const proj = join(work, 'user-project')
  mkdirSync(proj)
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'user-project', private: true }))
  execFileSync(npm, ['install', join(work, tarball), '--no-audit', '--no-fund', '--prefer-offline'], { cwd: proj, stdio: 'pipe' })
  writeFileSync(join(proj, 'model.ts'), MODEL)
  writeFileSync(
    join(proj, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, target: 'es2022', skipLibCheck: true } }),
  )
  // the user's type check sees the package's types (a wrong field is an error)
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', proj], { stdio: 'pipe' })
  writeFileSync(join(proj, 'wrong.ts'), MODEL.replace('d.n++', 'd.m++'))
  const wrong = spawnSync(process.execPath, [tsc, '-p', proj], { encoding: 'utf8' })
  expect(wrong.status).not.toBe(0)
  expect(wrong.stdout).toMatch(/wrong\.ts.*Property 'm' does not exist/)

  const bin = join(proj, 'node_modules/.bin/rkcheck')
  const ok = spawnSync(bin, ['check', '--model-file', 'model.ts', '-q'], { cwd: proj, encoding: 'utf8', env: plainEnv() })
  expect(ok.stderr).toBe('')
  expect(ok.status).toBe(0)
  expect(ok.stdout).toMatch(/Verdict: holds/)
  const bad = spawnSync(bin, ['check', '--model-file', 'model.ts', '-p', 'max=6', '-q'], { cwd: proj, encoding: 'utf8', env: plainEnv() })
  expect(bad.status).toBe(1)
  expect(bad.stdout).toMatch(/Verdict: violated small after 5 steps/)
}, 300_000)

test('a lone model file in any folder: .ts, .mts, .js, .mjs, and a plain function; with or without a package.json and its "type"', () => {
  const plain = `export default function counter() {
  return { name: 'plain', init: () => [{ n: 0 }], actions: (s) => (s.n < 2 ? [{ type: 'inc' }] : []),
    next: (s) => ({ n: s.n + 1 }), invariants: { below: (s) => s.n < 2 || 'two' }, terminal: () => true }
}\n`
  // typed code that imports nothing: a CommonJS package once loaded it untransformed ("Unexpected identifier")
  const lone = `type S = { n: number }
export default { name: 'lone', init: (): S[] => [{ n: 0 }], actions: (s: S) => (s.n < 2 ? [{ type: 'inc' }] : []),
  next: (s: S): S => ({ n: s.n + 1 }), invariants: { below: (s: S) => s.n < 2 || 'two' }, terminal: () => true }\n`
  const files: Record<string, string> = { 'm.ts': MODEL, 'm.mts': MODEL, 'lone.ts': lone, 'p.js': plain, 'p.mjs': plain }
  const packages: Record<string, object | undefined> = {
    'no package.json': undefined,
    'a package.json without "type"': { name: 'user' },
    '"type": "module"': { name: 'user', type: 'module' },
    '"type": "commonjs"': { name: 'user', type: 'commonjs' },
  }
  for (const [kind, pkg] of Object.entries(packages)) {
    for (const [name, text] of Object.entries(files)) {
      // one folder per file: tsx resolves an import of m.js to a neighbouring m.ts
      const dir = tempDir('rkcheck-lone-')
      if (pkg) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg))
      writeFileSync(join(dir, name), text)
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/rkcheck.mjs'), 'check', '--model-file', name, '-q'], { cwd: dir, encoding: 'utf8', env: plainEnv() })
      expect(r.stderr, `${name}, ${kind}`).toBe('')
      expect(r.stdout, `${name}, ${kind}`).toMatch(name.startsWith('m') ? /Verdict: holds/ : /Verdict: violated below after 2 steps/)
    }
  }
}, 300_000)
