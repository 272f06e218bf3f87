/**
 * An experiment (`rkcheck experiment NAME`): runs models under the timed executor,
 * prints a table, writes its data as JSON and draws a vega-lite plot, and says which seed
 * figure or table it reproduces and how close the shape is.
 */
import type { VegaLiteSpec } from './plot.ts'

export interface ExperimentContext {
  readonly seed: number
  /** Work done so far out of the total (for a progress bar). */
  readonly progress: (done: number, total: number) => void
}

export interface ExperimentResult {
  /** The seed figure or table, with its file and section. */
  readonly reproduces: string
  readonly table: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] }
  readonly data: unknown
  readonly plot: VegaLiteSpec
  /** How close the shape is: one sentence per point, each saying whether it holds. */
  readonly shape: readonly string[]
  /** Parameters, scaling and readings to know when reading the result. */
  readonly notes: readonly string[]
}

export interface Experiment {
  readonly name: string
  readonly doc: string
  /** Why the experiment cannot run here (a model it needs is missing), or undefined. */
  unavailable?(): string | undefined
  run(ctx: ExperimentContext): ExperimentResult | Promise<ExperimentResult>
}

/** Relative error of a prediction against the paper, in percent, signed. */
export function errorPct(predicted: number, paper: number): number {
  return (100 * (predicted - paper)) / paper
}

export function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length
}
