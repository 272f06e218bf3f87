/**
 * What a trace file may carry beyond the states and actions that `parseItf` reads, and
 * that only the viewer draws:
 * - `loop` (top level, ITF's lasso): the index of the state the last state steps back to,
 *   as a liveness counterexample is written.
 * - step times, written by the timed executor (`replay --timed --trace-out`): in a state's
 *   `#meta`, `{"start": t, "end": t}` or `{"time": {"start": t, "end": t}}`, or as the
 *   state field `mbt::time` (`{"start": t, "end": t}`, numbers or `#bigint`s); the unit in
 *   the top-level `#meta.timeUnit` (e.g. `"cycles"`, `"ns"`).
 * Anything else there is ignored; a malformed value is bad input.
 */
import { InputError } from '../checker/errors.ts'

export interface StepTime {
  readonly start: number
  readonly end: number
}

export interface TraceExtras {
  readonly loop?: number
  /** One entry per state (the initial state's is usually absent); all absent: an untimed trace. */
  readonly times: readonly (StepTime | undefined)[]
  readonly timeUnit?: string
}

export const TIME_FIELD = 'mbt::time'

export function traceExtras(text: string, source: string, stateCount: number): TraceExtras {
  const j = JSON.parse(text) as Record<string, unknown> // parseItf has validated the JSON already
  const fail = (what: string): never => {
    throw new InputError(`${source}: malformed trace: ${what}`)
  }
  const loop = j['loop']
  if (loop !== undefined && (!Number.isInteger(loop) || (loop as number) < 0 || (loop as number) >= stateCount)) {
    fail(`loop ${JSON.stringify(loop)} is not the index of a state`)
  }
  const meta = (j['#meta'] ?? {}) as Record<string, unknown>
  const unit = meta['timeUnit']
  if (unit !== undefined && typeof unit !== 'string') fail('#meta.timeUnit is not a string')
  const states = j['states'] as Record<string, unknown>[]
  const times = states.map((s, i): StepTime | undefined => {
    const m = (s['#meta'] ?? {}) as Record<string, unknown>
    const raw = s[TIME_FIELD] ?? m['time'] ?? ('start' in m || 'end' in m ? { start: m['start'], end: m['end'] } : undefined)
    if (raw === undefined) return undefined
    const r = raw as Record<string, unknown>
    const start = timeValue(r['start'])
    const end = timeValue(r['end'])
    if (start === undefined || end === undefined || end < start) fail(`state ${i}: the step's time is not {start, end} with start <= end`)
    return { start: start!, end: end! }
  })
  return {
    ...(loop !== undefined ? { loop: loop as number } : {}),
    times,
    ...(typeof unit === 'string' ? { timeUnit: unit } : {}),
  }
}

function timeValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['#bigint'] === 'string') {
    const n = Number((v as Record<string, string>)['#bigint'])
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}
