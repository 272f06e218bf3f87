/**
 * Which fairness units are fair: the user names them with patterns (`--fair 'kernel *'`,
 * `*` standing for any text, the whole name matched), under weak or strong fairness.
 * Units are what `Model.fairness(a)` returns, by default the action's actor.
 */
import { InputError } from '../errors.ts'
import type { FairnessKind } from './fair-cycles.ts'

export interface FairnessOptions {
  readonly kind: FairnessKind
  /** Patterns naming the fair units; none: no fairness (every maximal behaviour counts). */
  readonly fair: readonly string[]
}

export function parseFairnessKind(raw: string | undefined): FairnessKind {
  if (raw === undefined || raw === 'weak' || raw === 'strong') return raw ?? 'weak'
  throw new InputError(`--fairness: expected weak or strong, got '${raw}'`)
}

function patternRegExp(p: string): RegExp {
  const body = p
    .split('*')
    .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/** A predicate over unit names: fair when some pattern matches the whole name. */
export function fairUnits(patterns: readonly string[]): (unit: string) => boolean {
  const res = patterns.map(patternRegExp)
  return (u) => res.some((r) => r.test(u))
}

/** One line of bad input for a pattern that names none of the units the search met. */
export function checkPatterns(patterns: readonly string[], units: readonly string[]): void {
  for (const p of patterns) {
    const r = patternRegExp(p)
    if (!units.some((u) => r.test(u))) {
      const known = units.length > 12 ? `${units.slice(0, 12).join(', ')}, ...` : units.join(', ')
      throw new InputError(`--fair '${p}' names no fairness unit of this model (units: ${known || 'none'})`)
    }
  }
}

/** "weak fairness of vCPU *, host runs *", or "no fairness". */
export function describeFairness(o: FairnessOptions): string {
  return o.fair.length === 0 ? 'no fairness' : `${o.kind} fairness of ${o.fair.join(', ')}`
}
