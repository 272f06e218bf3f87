/** Reading a trace file and the model it names, for the commands that take a trace. */
import { readFileSync } from 'node:fs'
import { InputError } from '../checker/errors.ts'
import { parseItf, type ParsedTrace } from '../checker/itf.ts'
import { builtinModel, loadModelFile } from '../checker/load.ts'
import type { ModelFactory } from '../checker/model.ts'

/** The trace in `file`, parsed and validated (`InputError` when it cannot be read or is malformed). */
export function readTrace(file: string): { readonly text: string; readonly trace: ParsedTrace } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new InputError(`cannot read trace ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  return { text, trace: parseItf(text, file) }
}

/**
 * The factory of the model a trace names. A trace written from a model file loads that
 * file only when `--model-file` is given: a trace alone never runs code.
 */
export async function traceModel(trace: ParsedTrace, file: string, modelFile: string | undefined): Promise<ModelFactory> {
  const wanted = trace.meta.modelFile
  if (wanted !== undefined && modelFile === undefined) {
    throw new InputError(`${file} was written from the model file ${wanted}: pass --model-file ${wanted} to load it (its code runs)`)
  }
  return modelFile !== undefined ? loadModelFile(modelFile) : builtinModel(trace.meta.model)
}
