/**
 * Finding a model: a built-in by name, or a user's `.ts`/`.js` file whose default export
 * is a `ModelFactory` (see `defineModel`) or a `Model` (a model without parameters).
 * TypeScript files load without a build step (the CLI runs under tsx).
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { builtinModels } from '../registry/index.ts'
import { InputError } from './errors.ts'
import type { AnyModel, ModelFactory } from './model.ts'

export function builtinModel(name: string): ModelFactory {
  const f = builtinModels.find((m) => m.name === name)
  if (!f) throw new InputError(`unknown model '${name}' (known: ${builtinModels.map((m) => m.name).join(', ')})`)
  return f
}

export async function loadModelFile(file: string): Promise<ModelFactory> {
  const path = resolve(file)
  if (!existsSync(path)) throw new InputError(`model file not found: ${file}`)
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (e) {
    throw new InputError(`cannot load model file ${file}: ${(e as Error).message.split('\n')[0]}`)
  }
  const d = mod.default
  if (isFactory(d)) return d
  if (isModel(d)) return { name: d.name, doc: `model file ${file}`, params: [], mutations: [], create: () => d }
  throw new InputError(`${file}: the default export is neither a model factory (defineModel) nor a model`)
}

function isFactory(x: unknown): x is ModelFactory {
  const f = x as ModelFactory
  return typeof x === 'object' && x !== null && typeof f.create === 'function' && Array.isArray(f.params)
}

function isModel(x: unknown): x is AnyModel {
  const m = x as AnyModel
  return typeof x === 'object' && x !== null && typeof m.init === 'function' && typeof m.next === 'function'
}

