/** `--liveness NAME`, `--fair UNIT`, `--fairness weak|strong` of `rkcheck check`. */
import { InputError } from '../checker/errors.ts'
import type { LivenessRequest } from '../checker/liveness/check-liveness.ts'
import { parseFairnessKind } from '../checker/liveness/fairness.ts'

export interface LivenessCliOptions {
  readonly liveness?: string[]
  readonly fair?: string[]
  readonly fairness?: string
}

export function livenessRequest(o: LivenessCliOptions): { liveness?: LivenessRequest } {
  const names = o.liveness ?? []
  const fair = o.fair ?? []
  const kind = parseFairnessKind(o.fairness)
  if (names.length === 0) {
    if (fair.length > 0 || o.fairness !== undefined) throw new InputError('--fair and --fairness apply to liveness properties: name one with --liveness')
    return {}
  }
  return { liveness: { properties: names, fair, kind } }
}
