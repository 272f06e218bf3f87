/**
 * `rkcheck view TRACE [--out FILE.html]`: replay a trace and write a self-contained HTML
 * page with its sequence chart and states. Exit 0 when the trace reproduces, 1 when it
 * does not (the page is still written, showing the steps that did), 2 on bad input.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { InputError } from '../checker/errors.ts'
import { writeFileAtomic } from '../checker/files.ts'
import { parseItf } from '../checker/itf.ts'
import { builtinModel, loadModelFile } from '../checker/load.ts'
import { viewerHtml } from '../viewer/html.ts'
import { viewData } from '../viewer/view-data.ts'

export interface ViewCliOptions {
  readonly out?: string
  readonly modelFile?: string
}

/** `traces/x.itf.json` -> `traces/x.html`. */
export function defaultViewPath(trace: string): string {
  return `${trace.replace(/\.itf\.json$|\.json$/, '')}.html`
}

export async function viewCommand(file: string, o: ViewCliOptions): Promise<number> {
  const out = o.out ?? defaultViewPath(file)
  if (!out.endsWith('.html') && !out.endsWith('.htm')) throw new InputError(`--out ${out}: the page is HTML, name it FILE.html`)
  if (resolve(out) === resolve(file)) throw new InputError(`--out ${out} would overwrite the trace`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new InputError(`cannot read trace ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  const trace = parseItf(text, file)
  const wanted = trace.meta.modelFile
  if (wanted !== undefined && o.modelFile === undefined) {
    throw new InputError(`${file} was written from the model file ${wanted}: pass --model-file ${wanted} to load it (its code runs)`)
  }
  const factory = o.modelFile !== undefined ? await loadModelFile(o.modelFile) : builtinModel(trace.meta.model)
  const data = viewData(factory, trace, text, file)
  writeFileAtomic(out, viewerHtml(data))
  console.log(`${out}: ${Math.max(0, data.steps.length - 1)} steps, ${data.actors.length} actors, ${data.messages.length} messages; replay: ${data.verdict}`)
  if (!data.reproduced) process.stderr.write(`rkcheck: ${file} does not reproduce: ${data.verdict}\n`)
  return data.reproduced ? 0 : 1
}
