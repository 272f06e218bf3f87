/**
 * Plots: vega-lite specifications compiled and rendered to SVG in Node by vega (no
 * browser, no canvas: text is measured by vega's estimate).
 */
import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { TimedStep } from './timing.ts'
import { sortActors } from './report.ts'

export type VegaLiteSpec = TopLevelSpec

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  const svg = await view.toSVG()
  view.finalize()
  return svg
}

/** A Gantt chart: one row per actor, one bar per step, coloured by action. */
export function timelineSpec(steps: readonly TimedStep[], label: (s: TimedStep) => string, unit: string, title: string): VegaLiteSpec {
  const values = steps.map((s) => ({
    actor: s.actor,
    start: s.start,
    end: Math.max(s.end, s.start),
    action: s.action.type,
    step: `${s.index}: ${label(s)}`,
  }))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 720,
    height: { step: 28 },
    data: { values },
    mark: { type: 'bar', cornerRadius: 2, minBandSize: 2 } as never,
    encoding: {
      y: { field: 'actor', type: 'nominal', sort: sortActors(steps.map((s) => s.actor)), title: null },
      x: { field: 'start', type: 'quantitative', title: `time (${unit})` },
      x2: { field: 'end' },
      color: { field: 'action', type: 'nominal', title: 'step' },
      tooltip: [{ field: 'step' }, { field: 'start' }, { field: 'end' }],
    },
  } as VegaLiteSpec
}
