/** The terminal report of `replay --timed`: timeline, steps, busy time, messages, critical path. */
import type { AnyModel } from '../checker/model.ts'
import { describeAction } from '../checker/replay.ts'
import { int, table } from '../cli/format.ts'
import type { CostProfile } from './profile.ts'
import type { TimedTrace } from './replay-timed.ts'
import { summarize, textTimeline, type TimedSummary } from './report.ts'
import type { TimedStep } from './timing.ts'

export function timedSummary(t: TimedTrace): TimedSummary {
  return summarize(t.steps, t.timing.busy, t.timing.sent, t.timing.delivered)
}

export function stepLabel(model: AnyModel): (s: TimedStep) => string {
  return (s) => describeAction(model, s.action)
}

function causeText(s: TimedStep): string {
  const c = s.cause
  switch (c.by) {
    case 'none':
      return ''
    case 'message':
      return `${c.kind} from step ${c.step}`
    case 'actor':
      return `actor busy (step ${c.step})`
    case 'wait':
      return `waits for step ${c.step}`
    case 'order':
      return `after step ${c.step}`
    default:
      return c.by
  }
}

export function timedReport(model: AnyModel, profile: CostProfile, t: TimedTrace): string {
  const label = stepLabel(model)
  const sum = timedSummary(t)
  const u = profile.unit
  const out: string[] = []
  out.push(`Timed under cost profile ${profile.name} (${u}): ${t.steps.length} steps end at ${int(sum.end)} ${u}`)
  out.push('', textTimeline(t.steps, (s) => s.action.type), '')
  out.push(
    table(
      ['step', 'actor', 'start', 'end', 'action', 'started when'],
      t.steps.map((s) => [String(s.index), s.actor, int(s.start), int(s.end), label(s), causeText(s)]),
    ),
  )
  out.push(
    table(
      ['actor', 'steps', `busy (${u})`, 'busy %'],
      sum.actors.map((a) => [a.actor, String(a.steps), int(a.busy), sum.end > 0 ? ((100 * a.busy) / sum.end).toFixed(1) : '0']),
    ),
  )
  const kinds = [...new Set([...Object.keys(sum.sent), ...Object.keys(sum.delivered)])].sort()
  out.push(kinds.length === 0 ? 'Messages: none' : table(['message', 'sent', 'delivered'], kinds.map((k) => [k, String(sum.sent[k] ?? 0), String(sum.delivered[k] ?? 0)])))
  const path = sum.criticalPath
  out.push(`Critical path: ${path.length} steps, ${int(path.length ? path[path.length - 1]!.end - path[0]!.start : 0)} ${u}`)
  for (const l of path) out.push(`  ${String(l.step).padStart(3)} ${int(l.start).padStart(10)}-${int(l.end).padEnd(10)} [${l.via}] ${label(t.steps[l.step - 1]!)}`)
  return out.join('\n')
}
