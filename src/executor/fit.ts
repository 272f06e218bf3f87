/**
 * Fitting a profile's constants to rows of a seed's table: each fitted row is paired with
 * one constant, and a secant search on that constant (the others held) makes the row's
 * measured value match the paper; the pairs are solved in turn until all hold within
 * `tolerance`. The measure is a timed run of a model, so the fit is of the model's steps,
 * not of a formula.
 */
export interface FitPair {
  readonly row: string
  readonly paper: number
  readonly constant: string
}

export type Measure = (row: string, values: Readonly<Record<string, number>>) => number

export function fitConstants(
  pairs: readonly FitPair[],
  start: Readonly<Record<string, number>>,
  measure: Measure,
  tolerance = 0.005,
  rounds = 4,
): Record<string, number> {
  const x: Record<string, number> = { ...start }
  for (let round = 0; round < rounds; round++) {
    let worst = 0
    for (const p of pairs) {
      const f = (v: number): number => measure(p.row, { ...x, [p.constant]: v }) - p.paper
      let a = x[p.constant]!
      let fa = f(a)
      let b = a * 1.2 + 1
      let fb = f(b)
      for (let i = 0; i < 8 && Math.abs(fb) > tolerance * p.paper && fb !== fa; i++) {
        const c = Math.max(0, Math.round(b - (fb * (b - a)) / (fb - fa)))
        a = b
        fa = fb
        b = c
        fb = f(b)
      }
      x[p.constant] = Math.abs(fb) <= Math.abs(fa) ? b : a
    }
    for (const p of pairs) worst = Math.max(worst, Math.abs(measure(p.row, x) - p.paper) / p.paper)
    if (worst <= tolerance) break
  }
  return x
}
