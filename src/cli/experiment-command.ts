/** `rkcheck experiment NAME [--out DIR]`: run a performance experiment, print its table, write JSON and an SVG plot. */
import { join } from 'node:path'
import { SingleBar } from 'cli-progress'
import pc from 'picocolors'
import { InputError } from '../checker/errors.ts'
import { assertWritableDir, writeFileAtomic } from '../checker/files.ts'
import { experimentByName, experiments } from '../executor/experiments/index.ts'
import { renderSvg } from '../executor/plot.ts'
import { table } from './format.ts'

export interface ExperimentCliOptions {
  readonly out: string
  readonly seed: string
  readonly quiet?: boolean
}

/** A bar on a terminal, a line per tenth otherwise; nothing with --quiet. */
function progressBar(label: string, quiet: boolean): { update(done: number, total: number): void; stop(): void } {
  if (quiet) return { update() {}, stop() {} }
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {duration_formatted}`, stream: process.stderr, clearOnComplete: true }, undefined)
    let started = false
    return {
      update(done, total) {
        if (!started) bar.start(total, 0)
        started = true
        bar.setTotal(total)
        bar.update(done)
      },
      stop: () => started && bar.stop(),
    }
  }
  let lastTenth = -1
  return {
    update(done, total) {
      const tenth = Math.floor((10 * done) / total)
      if (tenth !== lastTenth) process.stderr.write(`${label}: ${done}/${total}\n`)
      lastTenth = tenth
    },
    stop() {},
  }
}

export async function experimentCommand(name: string | undefined, o: ExperimentCliOptions): Promise<number> {
  if (name === undefined) {
    console.log(table(['experiment', 'what', 'runs here'], experiments.map((e) => [e.name, e.doc, e.unavailable?.() ?? 'yes'])))
    return 0
  }
  const e = experimentByName(name)
  const seed = Number(o.seed)
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`--seed ${o.seed}: not a non-negative integer`)
  const missing = e.unavailable?.()
  if (missing !== undefined) throw new InputError(`experiment ${name} cannot run: ${missing}`)
  assertWritableDir(o.out, '--out')
  const bar = progressBar(name, o.quiet === true)
  let r
  try {
    r = await e.run({ seed, progress: (d, t) => bar.update(d, t) })
  } finally {
    bar.stop()
  }
  const svg = await renderSvg(r.plot)
  console.log(`${pc.bold(name)}: reproduces ${r.reproduces}`)
  console.log(table(r.table.head, r.table.rows))
  console.log('Shape:')
  for (const l of r.shape) console.log(`  - ${l}`)
  for (const l of r.notes) console.log(`  note: ${l}`)
  const json = join(o.out, `${name}.json`)
  const plot = join(o.out, `${name}.svg`)
  writeFileAtomic(json, `${JSON.stringify({ experiment: name, reproduces: r.reproduces, seed, shape: r.shape, notes: r.notes, data: r.data }, null, 1)}\n`)
  writeFileAtomic(plot, svg)
  console.log(`Wrote ${json} and ${plot}`)
  return 0
}
