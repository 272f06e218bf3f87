/** `rkcheck replay TRACE`: re-execute an ITF trace and confirm each state and the violation. */
import pc from 'picocolors'
import { InputError } from '../checker/errors.ts'
import { describeAction, replayTrace } from '../checker/replay.ts'
import { assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { costsFor, defaultProfile, profileByName } from '../executor/profiles/index.ts'
import { renderSvg, timelineSpec } from '../executor/plot.ts'
import { timedTraceText, timeReplay } from '../executor/replay-timed.ts'
import { stepLabel, timedReport } from '../executor/timed-report.ts'
import { readTrace, traceModel } from './trace-input.ts'

export interface ReplayCliOptions {
  readonly verbose?: boolean
  readonly timed?: boolean
  readonly costs?: string
  readonly svg?: string
  readonly traceOut?: string
  readonly modelFile?: string
}

export async function replayCommand(file: string, o: ReplayCliOptions): Promise<number> {
  if (!o.timed && (o.costs !== undefined || o.svg !== undefined || o.traceOut !== undefined)) throw new InputError('--costs, --svg and --trace-out need --timed')
  if (o.svg !== undefined) assertWritableFile(o.svg, '--svg')
  if (o.traceOut !== undefined) assertWritableFile(o.traceOut, '--trace-out')
  const { text, trace } = readTrace(file)
  const factory = await traceModel(trace, file, o.modelFile)
  const r = replayTrace(factory, trace)
  const profile = o.timed ? (o.costs !== undefined ? profileByName(o.costs) : defaultProfile(trace.meta.model)) : undefined
  const costs = profile ? costsFor(profile, r.model.name, trace.meta.params) : undefined
  if (o.verbose) {
    for (const st of r.steps) {
      console.log(`  ${String(st.index).padStart(3)}: ${st.action ? describeAction(r.model, st.action) : 'initial state'}`)
    }
  }
  const head = `${file}: model ${trace.meta.model}, ${trace.steps.length - 1} steps`
  console.log(r.ok ? `${head}: ${pc.green(r.message)}` : `${head}: ${pc.red(r.message)}`)
  if (!r.ok || !profile || !costs) return r.ok ? 0 : 1
  const timed = timeReplay(r.model, r.steps, costs)
  console.log(timedReport(r.model, profile, timed))
  if (o.svg !== undefined) {
    const svg = await renderSvg(timelineSpec(timed.steps, stepLabel(r.model), profile.unit, `${file} under ${profile.name}`))
    writeFileAtomic(o.svg, svg)
    console.log(`Timeline written to ${o.svg}`)
  }
  if (o.traceOut !== undefined) {
    writeFileAtomic(o.traceOut, timedTraceText(text, timed, profile.unit, profile.name))
    console.log(`Timed trace written to ${o.traceOut} (rkcheck view draws it on a time axis)`)
  }
  return 0
}
