/**
 * Progress of `verify` on stderr: one line (live on a terminal, every few seconds in a CI
 * log) with how many configurations have ended and how far each running one has got, and
 * above it one line per ended configuration.
 */
import type { ExploreStats } from '../checker/explorer.ts'
import type { ProofEntry } from '../checker/proofs.ts'
import { int } from './format.ts'
import { progressLine } from './progress.ts'

export interface VerifyProgress {
  readonly everyMs: number
  /** Latest statistics of the running configuration `index`. */
  running(index: number, s: ExploreStats): void
  ended(index: number): void
  /** A line that stays (an ended configuration). */
  print(text: string): void
  done(): void
}

export function verifyProgress(entries: readonly ProofEntry[], quiet: boolean): VerifyProgress {
  const line = progressLine(quiet)
  const running = new Map<number, ExploreStats>()
  let ended = 0
  let shown = 0
  const render = (): string =>
    `verify: ${ended} of ${entries.length} ended; ` +
    [...running]
      .map(([i, s]) => `${entries[i]!.id}: depth ${s.diameter}, ${int(s.distinct)} distinct, queue ${int(s.queue)}, ${int(s.statesPerSec)} states/s`)
      .join('; ')
  return {
    everyMs: line.everyMs,
    running(index, s) {
      running.set(index, s)
      const now = Date.now()
      if (now - shown < line.everyMs / 2) return
      shown = now
      line.show(render())
    },
    ended(index) {
      running.delete(index)
      ended++
    },
    print(text) {
      if (quiet) return
      line.done()
      process.stderr.write(`${text}\n`)
    },
    done: () => line.done(),
  }
}
