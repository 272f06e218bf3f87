/**
 * `rkcheck view TRACE [--out FILE.html]`: replay a trace and write a self-contained HTML
 * page with its sequence chart and states. Exit 0 when the trace reproduces, 1 when it
 * does not (the page is still written, showing the steps that did), 2 on bad input.
 */
import { resolve } from 'node:path'
import { InputError } from '../checker/errors.ts'
import { assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { viewerHtml } from '../viewer/html.ts'
import { viewData } from '../viewer/view-data.ts'
import { readTrace, traceModel } from './trace-input.ts'

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
  assertWritableFile(out, '--out')
  const { text, trace } = readTrace(file)
  const factory = await traceModel(trace, file, o.modelFile)
  const data = viewData(factory, trace, text, file)
  writeFileAtomic(out, viewerHtml(data))
  console.log(`${out}: ${Math.max(0, data.steps.length - 1)} steps, ${data.actors.length} actors, ${data.messages.length} messages; replay: ${data.verdict}`)
  if (!data.reproduced) process.stderr.write(`rkcheck: ${file} does not reproduce: ${data.verdict}\n`)
  return data.reproduced ? 0 : 1
}
