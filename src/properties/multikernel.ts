/**
 * Properties of the `multikernel` model (seed 003_82aa9e2661ed9b79.txt, Figures 6-7). The
 * slides measure "Unmap latency" (Figure 7): an unmap is complete when no core can still
 * use the translation it removed, which is what the shootdown protocols of Figure 6 are
 * for. Deadlock freedom (every protocol reaches its completion) is the engine's check.
 */
import type { Check } from '../checker/model.ts'
import type { McState } from '../model/multikernel.ts'

/** When the initiator completes the unmap, every participating core's TLB entry is invalid. */
export function invalidatedAtCompletion(s: McState): Check {
  if (s.cores[0]!.phase !== 'done') return true
  const stale = s.cores.findIndex((c) => c.tlb)
  return stale < 0 || `the unmap completed while core ${stale} still holds the translation in its TLB`
}

export const multikernelInvariants = { invalidatedAtCompletion }
