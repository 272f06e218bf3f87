/**
 * How a worker thread of a parallel search builds its own copy of the model: a module to
 * import, the function it exports, and plain-data arguments (a model holds functions, which
 * cannot be sent to a thread).
 */
import type { AnyModel, Params } from '../model.ts'

export interface ModelSource {
  /** URL of the module. */
  readonly module: string
  /** Its export: a function of `args` returning the model (or a promise of it). */
  readonly exportName: string
  readonly args: unknown
}

interface FactoryArgs {
  readonly name: string
  readonly params: Params
  readonly mutations: readonly string[]
}

const here = import.meta.url

export function builtinSource(name: string, params: Params, mutations: Iterable<string>): ModelSource {
  return { module: here, exportName: 'buildBuiltin', args: { name, params, mutations: [...mutations] } satisfies FactoryArgs }
}

/** `path`: the model file's absolute path. */
export function fileSource(path: string, params: Params, mutations: Iterable<string>): ModelSource {
  return { module: here, exportName: 'buildFromFile', args: { name: path, params, mutations: [...mutations] } satisfies FactoryArgs }
}

// the loader is imported when needed: a worker building a model from another module loads no registry
export async function buildBuiltin(a: FactoryArgs): Promise<AnyModel> {
  const { builtinModel } = await import('../load.ts')
  return builtinModel(a.name).create(a.params, new Set(a.mutations))
}

export async function buildFromFile(a: FactoryArgs): Promise<AnyModel> {
  const { loadModelFile } = await import('../load.ts')
  return (await loadModelFile(a.name)).create(a.params, new Set(a.mutations))
}

export async function modelFromSource(src: ModelSource): Promise<AnyModel> {
  const mod = (await import(src.module)) as Record<string, (args: unknown) => AnyModel | Promise<AnyModel>>
  const build = mod[src.exportName]
  if (typeof build !== 'function') throw new Error(`${src.module} exports no function ${src.exportName}`)
  return await build(src.args)
}
