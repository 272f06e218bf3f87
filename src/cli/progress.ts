/**
 * Progress on stderr while a search runs: a live line on a terminal, a line every few
 * seconds otherwise (CI logs).
 */
import type { ExploreStats } from '../checker/explorer.ts'
import { int } from './format.ts'

/** One progress line, shown live on a terminal and printed every `everyMs` otherwise. */
export interface ProgressLine {
  readonly everyMs: number
  show(line: string): void
  done(): void
}

export function progressLine(quiet: boolean): ProgressLine {
  const tty = process.stderr.isTTY === true
  let live = false
  return {
    everyMs: tty ? 500 : 5000,
    show(line) {
      if (quiet) return
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`)
        live = true
      } else {
        process.stderr.write(`${line}\n`)
      }
    },
    done() {
      if (live) process.stderr.write('\r\x1b[K')
      live = false
    },
  }
}

export interface Progress {
  readonly everyMs: number
  report(s: ExploreStats): void
  done(): void
}

export function progressReporter(label: string, quiet: boolean): Progress {
  const line = progressLine(quiet)
  return {
    everyMs: line.everyMs,
    report: (s) =>
      line.show(
        `${label}: depth ${s.diameter}, ${int(s.distinct)} distinct, ${int(s.generated)} generated, ` +
          `queue ${int(s.queue)}, ${int(s.statesPerSec)} states/s`,
      ),
    done: () => line.done(),
  }
}
