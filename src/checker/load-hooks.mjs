// Module hooks for loading users' model files (registered by load.ts with module.register):
// - a model file (.ts, .mts, .js, .mjs) and the files it imports load as ES modules
//   wherever they are, with or without a package.json; in a package that says
//   "type": "commonjs", those written with import/export do (as tsc compiles such a .ts
//   file), the others stay CommonJS (Node and tsx would otherwise take a lone file for
//   CommonJS, and run a .ts file of a CommonJS package untransformed);
// - `import ... from 'rkcheck'` (and rkcheck's own dependencies) resolve to the rkcheck
//   that is running when the file's folder has no copy of its own.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let entry
let root

export function initialize(data) {
  entry = data.entry
  root = data.root
}

const SHARED = new Set(['immer', 'ts-pattern', 'fast-check', '@fast-check/vitest'])

function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const declaredCommonJs = new Map()

/** Whether the nearest package.json above `dir` declares "type": "commonjs". */
function commonJsPackage(dir) {
  let known = declaredCommonJs.get(dir)
  if (known !== undefined) return known
  const pkg = join(dir, 'package.json')
  if (existsSync(pkg)) {
    try {
      known = JSON.parse(readFileSync(pkg, 'utf8')).type === 'commonjs'
    } catch {
      known = false
    }
  } else {
    const up = dirname(dir)
    known = up === dir ? false : commonJsPackage(up)
  }
  declaredCommonJs.set(dir, known)
  return known
}

/**
 * An import or export statement at the start of a line (not TypeScript's CommonJS forms
 * `import x = require(...)` and `export =`): the file is written as an ES module.
 */
const MODULE_SYNTAX = /^[ \t]*(?:import(?:[ \t]+[\w$]|[ \t]*[*{"'])(?![\w$]*[ \t]*=[ \t]*require\b)|export[ \t]+(?:default|const|let|var|function|class|async|type|interface|enum|declare|abstract|\{|\*)|export[ \t]*[{*])/m

function writtenAsModule(path) {
  try {
    return MODULE_SYNTAX.test(readFileSync(path, 'utf8'))
  } catch {
    return false
  }
}

export async function resolve(specifier, context, next) {
  let r
  try {
    r = await next(specifier, context)
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || /^[./]|^file:|^node:/.test(specifier)) throw e
    const name = packageName(specifier)
    if (specifier === 'rkcheck') r = { url: entry, shortCircuit: true }
    else if (name === 'rkcheck' || SHARED.has(name)) r = await next(specifier, { ...context, parentURL: root })
    else throw e
  }
  if (!r.url.startsWith('file:')) return r
  const path = fileURLToPath(r.url)
  if (/\.(ts|mts|js|mjs)$/.test(path) && !path.includes('/node_modules/') && (!commonJsPackage(dirname(path)) || writtenAsModule(path))) {
    return { ...r, format: 'module' }
  }
  return r
}
