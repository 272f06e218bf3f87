/** `rkcheck replay TRACE`: re-execute an ITF trace and confirm each state and the violation. */
import { readFileSync } from 'node:fs'
import pc from 'picocolors'
import { InputError } from '../checker/errors.ts'
import { parseItf } from '../checker/itf.ts'
import { builtinModel, loadModelFile } from '../checker/load.ts'
import { describeAction, replayTrace } from '../checker/replay.ts'

export interface ReplayCliOptions {
  readonly verbose?: boolean
  readonly timed?: boolean
}

export async function replayCommand(file: string, o: ReplayCliOptions): Promise<number> {
  if (o.timed) throw new InputError('--timed needs the timed executor, which is not built yet')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new InputError(`cannot read trace ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  const trace = parseItf(text, file)
  const factory = trace.meta.modelFile !== undefined ? await loadModelFile(trace.meta.modelFile) : builtinModel(trace.meta.model)
  const r = replayTrace(factory, trace)
  if (o.verbose) {
    for (const st of r.steps) {
      console.log(`  ${String(st.index).padStart(3)}: ${st.action ? describeAction(r.model, st.action) : 'initial state'}`)
    }
  }
  const head = `${file}: model ${trace.meta.model}, ${trace.steps.length - 1} steps`
  console.log(r.ok ? `${head}: ${pc.green(r.message)}` : `${head}: ${pc.red(r.message)}`)
  return r.ok ? 0 : 1
}
