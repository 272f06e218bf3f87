/** Command-line arguments shared by the commands that run a model (`check`, `simulate`). */
import { InputError } from '../checker/errors.ts'
import { builtinModel, loadModelFile } from '../checker/load.ts'
import type { ModelFactory } from '../checker/model.ts'

/** The model named on the command line: a built-in by name, or `--model-file FILE`. */
export async function modelFromArgs(modelName: string | undefined, modelFile: string | undefined): Promise<ModelFactory> {
  if (modelFile !== undefined) {
    if (modelName !== undefined) throw new InputError('give either a model name or --model-file, not both')
    return loadModelFile(modelFile)
  }
  if (modelName === undefined) throw new InputError('no model: give a model name (rkcheck list) or --model-file FILE')
  return builtinModel(modelName)
}

/** `{ [key]: n }` for a positive number given as `flag`, `{}` when the option is absent. */
export function optionalNumber<K extends string>(key: K, raw: string | undefined, flag: string): Partial<Record<K, number>> {
  if (raw === undefined) return {}
  const n = Number(raw)
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n) || n <= 0) {
    throw new InputError(`${flag}: expected a positive number, got '${raw}'`)
  }
  return { [key]: n } as Partial<Record<K, number>>
}

/** A whole number within [min, max] given as `flag`. */
export function integerOption(raw: string, flag: string, min: number, max: number): number {
  const n = Number(raw)
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(`${flag}: expected an integer from ${min} to ${max}, got '${raw}'`)
  }
  return n
}
