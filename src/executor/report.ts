/**
 * What a timed execution reports: per-actor busy time, messages by type, the critical
 * path (the chain of steps, each the one that decided when the next could start, that
 * ends with the last step), and a text timeline with one lane per actor.
 */
import type { TimedStep } from './timing.ts'

export interface ActorUse {
  readonly actor: string
  readonly busy: number
  readonly steps: number
}

export interface PathLink {
  readonly step: number
  readonly actor: string
  readonly start: number
  readonly end: number
  /** How this step waited for the previous link: its actor, a message, the trace order, ... */
  readonly via: string
}

export interface TimedSummary {
  readonly end: number
  readonly actors: readonly ActorUse[]
  readonly sent: Readonly<Record<string, number>>
  readonly delivered: Readonly<Record<string, number>>
  readonly criticalPath: readonly PathLink[]
}

/** Actors in a stable order: `host` last, numbers in numeric order. */
export function sortActors(names: Iterable<string>): string[] {
  const key = (n: string): [number, string, number] => {
    const m = /^(.*?)(\d+)$/.exec(n)
    return [n === 'host' ? 1 : 0, m ? m[1]! : n, m ? Number(m[2]) : -1]
  }
  return [...new Set(names)].sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2]
  })
}

export function criticalPath(steps: readonly TimedStep[]): PathLink[] {
  if (steps.length === 0) return []
  const byIndex = new Map(steps.map((s) => [s.index, s]))
  let cur: TimedStep | undefined = steps.reduce((m, s) => (s.end > m.end || (s.end === m.end && s.index > m.index) ? s : m))
  const out: PathLink[] = []
  while (cur) {
    const c: TimedStep['cause'] = cur.cause
    out.push({ step: cur.index, actor: cur.actor, start: cur.start, end: cur.end, via: causeName(c) })
    cur = c.by === 'actor' || c.by === 'order' || c.by === 'wait' || c.by === 'message' ? byIndex.get(c.step) : undefined
  }
  return out.reverse()
}

function causeName(c: TimedStep['cause']): string {
  switch (c.by) {
    case 'message':
      return `${c.kind} message`
    case 'actor':
      return 'same actor'
    case 'wait':
      return 'waits for an actor'
    case 'order':
      return 'trace order'
    case 'none':
      return 'start'
    default:
      return c.by
  }
}

export function summarize(steps: readonly TimedStep[], busy: ReadonlyMap<string, number>, sent: Record<string, number>, delivered: Record<string, number>): TimedSummary {
  const count = new Map<string, number>()
  for (const s of steps) count.set(s.actor, (count.get(s.actor) ?? 0) + 1)
  const actors = sortActors([...busy.keys(), ...count.keys()]).map((actor) => ({ actor, busy: busy.get(actor) ?? 0, steps: count.get(actor) ?? 0 }))
  return {
    end: Math.max(0, ...steps.map((s) => s.end)),
    actors,
    sent: sortRecord(sent),
    delivered: sortRecord(delivered),
    criticalPath: criticalPath(steps),
  }
}

function sortRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * One lane per actor over `width` columns: a step is drawn with a letter of its action
 * (legend below the lanes), `·` is idle. A step shorter than a column still shows.
 */
export function textTimeline(steps: readonly TimedStep[], label: (s: TimedStep) => string, width = 72): string {
  if (steps.length === 0) return '(no steps)'
  const end = Math.max(1, ...steps.map((s) => s.end))
  const actors = sortActors(steps.map((s) => s.actor))
  const letters = new Map<string, string>()
  const legend: string[] = []
  const letterOf = (name: string): string => {
    let l = letters.get(name)
    if (l === undefined) {
      const pool = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
      l = pool[letters.size % pool.length]!
      letters.set(name, l)
      legend.push(`${l} ${name}`)
    }
    return l
  }
  const pad = Math.max(...actors.map((a) => a.length))
  const lanes = new Map(actors.map((a) => [a, Array.from({ length: width }, () => '·')]))
  for (const s of steps) {
    const lane = lanes.get(s.actor)!
    const from = Math.min(width - 1, Math.floor((s.start / end) * width))
    const to = Math.max(from, Math.min(width - 1, Math.ceil((s.end / end) * width) - 1))
    const l = letterOf(label(s))
    for (let c = from; c <= to; c++) lane[c] = l
  }
  const lines = actors.map((a) => `${a.padEnd(pad)} |${lanes.get(a)!.join('')}|`)
  lines.push(`${''.padEnd(pad)}  0${String(end).padStart(width - 1)}`)
  lines.push(`legend: ${legend.join(', ')}`)
  return lines.join('\n')
}
