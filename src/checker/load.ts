/**
 * Finding a model: a built-in by name, or a user's model file (`.ts`, `.mts`, `.js`,
 * `.mjs`, in any folder, with or without a package.json) whose default export is a
 * `ModelFactory` (see `defineModel`), a plain function `(params, mutations) => Model`, or
 * a `Model` (a model without parameters). TypeScript loads without a build step (tsx), and
 * `import ... from 'rkcheck'` resolves to the running rkcheck where the file's folder has no
 * copy of its own (`load-hooks.mjs`).
 */
import { existsSync, statSync } from 'node:fs'
import { register } from 'node:module'
import { basename, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { builtinModels } from '../registry/index.ts'
import { InputError } from './errors.ts'
import type { AnyModel, ModelFactory, Params } from './model.ts'

export function builtinModel(name: string): ModelFactory {
  const f = builtinModels.find((m) => m.name === name)
  if (!f) throw new InputError(`unknown model '${name}' (known: ${builtinModels.map((m) => m.name).join(', ')})`)
  return f
}

const MODEL_FILE = /\.(ts|mts|js|mjs)$/

/** The absolute path of a model file, checked (recorded in traces so that they replay from anywhere). */
export function modelFilePath(file: string): string {
  const path = resolve(file)
  if (!existsSync(path)) throw new InputError(`model file not found: ${file}`)
  if (!statSync(path).isFile()) throw new InputError(`model file ${file} is not a file`)
  if (!MODEL_FILE.test(path)) throw new InputError(`model file ${file}: expected a .ts, .mts, .js or .mjs file`)
  return path
}

let hooked: Promise<void> | undefined

/** Registers tsx (unless this process already runs under it) and the model-file hooks, once. */
function registerHooks(): Promise<void> {
  hooked ??= (async () => {
    const fromSource = import.meta.url.endsWith('.ts')
    if (!fromSource) {
      const tsx = (await import('tsx/esm/api')) as { register: () => unknown }
      tsx.register()
    }
    register(new URL(fromSource ? './load-hooks.mjs' : '../../src/checker/load-hooks.mjs', import.meta.url), {
      data: {
        entry: new URL(fromSource ? '../index.ts' : '../index.js', import.meta.url).href,
        root: new URL('../../package.json', import.meta.url).href,
      },
    })
  })()
  return hooked
}

export async function loadModelFile(file: string): Promise<ModelFactory> {
  const path = modelFilePath(file)
  await registerHooks()
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (e) {
    throw new InputError(`cannot load model file ${file}: ${(e as Error).message.split('\n')[0]}`)
  }
  const d = mod.default
  if (isFactory(d)) return d
  if (isModel(d)) return { name: d.name, doc: `model file ${file}`, params: [], mutations: [], create: () => d }
  if (typeof d === 'function') {
    const create = d as (p: Params, m: ReadonlySet<string>) => AnyModel
    return { name: basename(path).replace(MODEL_FILE, ''), doc: `model file ${file}`, params: [], mutations: [], create }
  }
  throw new InputError(`${file}: the default export is neither a model factory (defineModel), a function returning a model, nor a model`)
}

function isFactory(x: unknown): x is ModelFactory {
  const f = x as ModelFactory
  return typeof x === 'object' && x !== null && typeof f.create === 'function' && Array.isArray(f.params)
}

function isModel(x: unknown): x is AnyModel {
  const m = x as AnyModel
  return typeof x === 'object' && x !== null && typeof m.init === 'function' && typeof m.next === 'function'
}
