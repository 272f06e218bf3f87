/**
 * How a worker thread of a parallel search builds its own copy of the model: a module to
 * import, the function it exports, and plain-data arguments (a model holds functions, which
 * cannot be sent to a thread).
 */
import type { AnyModel, ModelFactory, Params } from '../model.ts'

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
  return (await builtinFactory(a.name)).create(a.params, new Set(a.mutations))
}

/**
 * A built-in model's factory from its own registry module (`registry/NAME`, which exports
 * `NAME`): every worker loads it as it starts, and the whole registry takes 60-100 ms to
 * load against 10-25 ms for one model's. Any other name goes through the registry.
 */
async function builtinFactory(name: string): Promise<ModelFactory> {
  if (/^[a-z]+$/.test(name)) {
    const own = new URL(`../../registry/${name}${here.endsWith('.ts') ? '.ts' : '.js'}`, here).href
    const mod = (await import(own).catch(() => ({}))) as Record<string, ModelFactory | undefined>
    const f = mod[name]
    if (f !== undefined && f.name === name) return f
  }
  const { builtinModel } = await import('../load.ts')
  return builtinModel(name)
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
