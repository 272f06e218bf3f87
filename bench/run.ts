/**
 * `npm run bench`: the engine's speed and memory on reference configurations. Each run
 * is a fresh process (one core); the table shows the median of the runs.
 *   npm run bench -- [--runs N] [--json FILE]
 */
import { execFileSync } from 'node:child_process'
import { writeFileAtomic } from '../src/checker/files.ts'
import { int, table } from '../src/cli/format.ts'

interface Config {
  readonly name: string
  readonly model: string
  readonly representation: 'vectors' | 'objects'
  readonly params: readonly string[]
  readonly runs?: number
}

const CONFIGS: readonly Config[] = [
  { name: 'ticket 8 threads mod 16 (reference)', model: 'ticket', representation: 'vectors', params: ['threads=8', 'modulo=16'] },
  { name: 'ticket 6 threads mod 16, immer next', model: 'ticket', representation: 'objects', params: ['threads=6', 'modulo=16'] },
]

const BAR = { statesPerSec: 300_000, bytesPerState: 32 }

const args = process.argv.slice(2)
const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined

interface Run {
  verdict: string
  distinct: number
  generated: number
  seconds: number
  statesPerSec: number
  bytesPerState: number
  peakRssMiB: number
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const results = CONFIGS.map((c) => {
  const all: Run[] = []
  for (let i = 0; i < (c.runs ?? runs); i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/one.ts', c.model, c.representation, ...c.params], {
      encoding: 'utf8',
    })
    const r = JSON.parse(out) as Run
    process.stderr.write(`${c.name}: run ${i + 1}: ${int(r.statesPerSec)} states/s, ${r.seconds.toFixed(2)} s\n`)
    all.push(r)
  }
  return {
    config: c.name,
    model: c.model,
    params: c.params,
    representation: c.representation,
    runs: all.length,
    verdict: all[0]!.verdict,
    distinct: all[0]!.distinct,
    generated: all[0]!.generated,
    seconds: median(all.map((r) => r.seconds)),
    statesPerSec: median(all.map((r) => r.statesPerSec)),
    statesPerSecRange: [Math.min(...all.map((r) => r.statesPerSec)), Math.max(...all.map((r) => r.statesPerSec))],
    bytesPerState: median(all.map((r) => r.bytesPerState)),
    peakRssMiB: median(all.map((r) => r.peakRssMiB)),
  }
})

console.log(
  table(
    ['configuration', 'runs', 'distinct', 'seconds', 'states/s (median)', 'min..max', 'bytes/state', 'peak RSS MiB'],
    results.map((r) => [
      r.config,
      String(r.runs),
      int(r.distinct),
      r.seconds.toFixed(2),
      int(r.statesPerSec),
      `${int(r.statesPerSecRange[0]!)}..${int(r.statesPerSecRange[1]!)}`,
      r.bytesPerState.toFixed(1),
      r.peakRssMiB.toFixed(0),
    ]),
  ),
)
const ref = results[0]!
const bar = {
  statesPerSec: { need: BAR.statesPerSec, got: Math.round(ref.statesPerSec), pass: ref.statesPerSec >= BAR.statesPerSec },
  bytesPerState: { need: BAR.bytesPerState, got: Number(ref.bytesPerState.toFixed(1)), pass: ref.bytesPerState <= BAR.bytesPerState },
}
console.log(
  `bar on the reference: >= ${int(BAR.statesPerSec)} states/s: ${bar.statesPerSec.pass ? 'met' : 'NOT met'}; ` +
    `<= ${BAR.bytesPerState} bytes/state: ${bar.bytesPerState.pass ? 'met' : 'NOT met'}`,
)
const json = { node: process.version, date: new Date().toISOString(), results, bar }
console.log(JSON.stringify(json, null, 2))
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify(json, null, 2) + '\n')
