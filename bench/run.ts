/**
 * `npm run bench`: the engine's speed and memory on reference configurations, and SPIN's
 * on the same rules written in Promela (`bench/*.pml`) when `spin` and `gcc` are installed.
 * Each rkcheck run is a fresh process (one core); the table shows the median of the runs.
 *   npm run bench -- [--runs N] [--json FILE] [--only PREFIX] [--ceiling]
 *
 * Speeds are distinct states per second of search (rkcheck's explorer, SPIN's pan), the
 * process columns the whole process (rkcheck: Node and tsx start-up included; SPIN: the
 * compiled verifier, its generation and compilation reported apart). The ratio is
 * rkcheck's median speed over SPIN's; rkcheck's and SPIN's runs alternate, so that both
 * meet the same load on a shared machine. Configurations marked `parallel` also run on
 * that many worker threads (alternating with the one-worker runs); their seconds include
 * starting the workers. With `--ceiling`, each round of those also runs two one-worker
 * searches at once in two threads of one process (`one.ts pair=1`), each on its own: the
 * speed the machine gives two threads with nothing shared, against which a parallel
 * search's speed-up can be read.
 */
import { execFileSync } from 'node:child_process'
import { writeFileAtomic } from '../src/checker/files.ts'
import { int, table } from '../src/cli/format.ts'
import { compileSpin, runSpin, spinMissing, type SpinRun } from './spin.ts'

interface Config {
  readonly name: string
  readonly model: string
  readonly representation: 'vectors' | 'objects'
  readonly params: readonly string[]
  readonly runs?: number
  /** The same rules in Promela, and its -D defines. */
  readonly promela?: { readonly file: string; readonly defines: readonly string[] }
  /** Bar and goal of rkcheck's speed over SPIN's (issue: engine scale). */
  readonly spinRatio?: { readonly bar: number; readonly goal: number }
  /** Also run on this many worker threads, alternating with the one-worker runs. */
  readonly parallel?: number
}

const CONFIGS: readonly Config[] = [
  {
    name: 'ticket 8 threads mod 16 (reference)',
    model: 'ticket',
    representation: 'vectors',
    params: ['threads=8', 'modulo=16'],
    promela: { file: 'bench/ticket.pml', defines: ['-DN=8', '-DMOD=16'] },
    spinRatio: { bar: 0.5, goal: 1 },
    parallel: 2,
  },
  {
    name: 'lamport 3 kernels 2 pages, atomic timestamp',
    model: 'lamport',
    representation: 'vectors',
    params: ['kernels=3', 'pages=2', 'atomicTimestamp=true'],
    promela: { file: 'bench/lamport.pml', defines: [] },
    spinRatio: { bar: 0.25, goal: 1 },
    parallel: 2,
  },
  { name: 'ticket 6 threads mod 16, immer next', model: 'ticket', representation: 'objects', params: ['threads=6', 'modulo=16'] },
]

const BAR = { statesPerSec: 300_000, bytesPerState: 32 }
/** Speed on two workers over one (issue: engine scale). */
const PARALLEL_BAR = { bar: 1.6, goal: 1.9 }

const args = process.argv.slice(2)
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const runs = Number(option('--runs') ?? 5) || 5
const jsonOut = option('--json')
const only = option('--only')
const ceiling = args.includes('--ceiling')

interface Run {
  verdict: string
  distinct: number
  generated: number
  seconds: number
  statesPerSec: number
  bytesPerState: number
  peakBytesPerState: number
  peakRssMiB: number
  processSeconds: number
  /** Which engine ran: the sources through tsx, or the compiled dist/ (parallel runs, when current). */
  engine: string
}

/** The smallest and largest ratio of speeds of runs made one after the other. */
const pairRange = (num: readonly { statesPerSec: number }[], den: readonly { statesPerSec: number }[]): [number, number] => {
  const ratios = num.map((r, i) => r.statesPerSec / den[i]!.statesPerSec)
  return [Math.min(...ratios), Math.max(...ratios)]
}
const rangeText = (r: readonly number[], digits: number): string => `${r[0]!.toFixed(digits)}..${r[1]!.toFixed(digits)}`
const barText = (value: number, b: { readonly bar: number; readonly goal: number }): string =>
  `${b.bar} (${value >= b.bar ? 'met' : 'NOT met'}), goal ${b.goal}`

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const noSpin = spinMissing()
if (noSpin !== undefined) process.stderr.write(`SPIN is not run: ${noSpin}\n`)

function rkcheckRun(c: Config, workers = 1, extra: readonly string[] = []): Run {
  const started = process.hrtime.bigint()
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/one.ts', c.model, c.representation, ...(workers > 1 ? [`workers=${workers}`] : []), ...extra, ...c.params], {
    encoding: 'utf8',
  })
  return { ...(JSON.parse(out) as Omit<Run, 'processSeconds'>), processSeconds: Number(process.hrtime.bigint() - started) / 1e9 }
}

/** SPIN's verifier for `c`, generated and compiled once (with the time it took). */
function spinVerifier(c: Config): { pan: string; compileSeconds: number } | undefined {
  if (c.promela === undefined || noSpin !== undefined) return undefined
  const t0 = process.hrtime.bigint()
  const pan = compileSpin(c.promela.file, c.promela.defines)
  return { pan, compileSeconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

// rkcheck and SPIN runs alternate, so that both meet the same load on a shared machine
const results = CONFIGS.filter((c) => only === undefined || c.name.startsWith(only) || c.model.startsWith(only)).map((c) => {
  const n = c.runs ?? runs
  const verifier = spinVerifier(c)
  const all: Run[] = []
  const spinRuns: SpinRun[] = []
  const parallelRuns: Run[] = []
  const pairRuns: Run[] = []
  for (let i = 0; i < n; i++) {
    const r = rkcheckRun(c)
    process.stderr.write(`${c.name}: run ${i + 1}: ${int(r.statesPerSec)} states/s, ${r.seconds.toFixed(2)} s\n`)
    all.push(r)
    if (c.parallel !== undefined) {
      const p = rkcheckRun(c, c.parallel)
      process.stderr.write(`${c.name}: ${c.parallel} workers, run ${i + 1}: ${int(p.statesPerSec)} states/s, ${p.seconds.toFixed(2)} s (${p.engine})\n`)
      parallelRuns.push(p)
      if (ceiling) {
        const q = rkcheckRun(c, 1, ['pair=1'])
        process.stderr.write(`${c.name}: two one-worker searches at once, run ${i + 1}: ${int(q.statesPerSec)} states/s, ${q.seconds.toFixed(2)} s\n`)
        pairRuns.push(q)
      }
    }
    if (verifier === undefined) continue
    const s = runSpin(verifier.pan)
    process.stderr.write(`${c.name}: SPIN run ${i + 1}: ${int(s.statesPerSec)} states/s, ${s.seconds.toFixed(2)} s\n`)
    spinRuns.push(s)
  }
  const spin = verifier && {
    promela: c.promela!.file,
    defines: c.promela!.defines,
    compileSeconds: verifier.compileSeconds,
    distinct: spinRuns[0]!.states,
    seconds: median(spinRuns.map((r) => r.seconds)),
    processSeconds: median(spinRuns.map((r) => r.processSeconds)),
    statesPerSec: median(spinRuns.map((r) => r.statesPerSec)),
    memoryMiB: median(spinRuns.map((r) => r.memoryMiB)),
  }
  const statesPerSec = median(all.map((r) => r.statesPerSec))
  const pairSpeed = median(pairRuns.map((r) => r.statesPerSec))
  const parallel = c.parallel !== undefined && {
    workers: c.parallel,
    engine: parallelRuns[0]!.engine,
    distinct: parallelRuns[0]!.distinct,
    sameStates: parallelRuns.every((r) => r.distinct === all[0]!.distinct && r.verdict === all[0]!.verdict),
    seconds: median(parallelRuns.map((r) => r.seconds)),
    statesPerSec: median(parallelRuns.map((r) => r.statesPerSec)),
    speedup: median(parallelRuns.map((r) => r.statesPerSec)) / statesPerSec,
    /** Speed-up of each pair of runs made one after the other. */
    speedupRange: pairRange(parallelRuns, all),
    peakBytesPerState: median(parallelRuns.map((r) => r.peakBytesPerState)),
    peakRssMiB: median(parallelRuns.map((r) => r.peakRssMiB)),
    bar: PARALLEL_BAR,
    ...(pairRuns.length > 0
      ? {
          /** Two one-worker searches at once (`--ceiling`): their speed over one worker's, the most two threads give here. */
          ceiling: {
            statesPerSec: pairSpeed,
            speedup: pairSpeed / statesPerSec,
            speedupRange: pairRange(pairRuns, all),
            sameStates: pairRuns.every((r) => r.distinct === all[0]!.distinct && r.verdict === all[0]!.verdict),
          },
        }
      : {}),
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
    processSeconds: median(all.map((r) => r.processSeconds)),
    statesPerSec,
    statesPerSecRange: [Math.min(...all.map((r) => r.statesPerSec)), Math.max(...all.map((r) => r.statesPerSec))],
    bytesPerState: median(all.map((r) => r.bytesPerState)),
    peakBytesPerState: median(all.map((r) => r.peakBytesPerState)),
    peakRssMiB: median(all.map((r) => r.peakRssMiB)),
    ...(parallel ? { parallel } : {}),
    ...(spin
      ? {
          spin,
          sameStates: spin.distinct === all[0]!.distinct,
          ratio: statesPerSec / spin.statesPerSec,
          /** Ratio of each pair of runs made one after the other: the spread the load causes. */
          ratioRange: pairRange(all, spinRuns),
          ratioBar: c.spinRatio,
        }
      : {}),
  }
})

console.log(
  table(
    ['configuration', 'runs', 'distinct', 'seconds', 'process s', 'states/s (median)', 'min..max', 'bytes/state', 'peak bytes/state', 'peak RSS MiB'],
    results.map((r) => [
      r.config,
      String(r.runs),
      int(r.distinct),
      r.seconds.toFixed(2),
      r.processSeconds.toFixed(2),
      int(r.statesPerSec),
      `${int(r.statesPerSecRange[0]!)}..${int(r.statesPerSecRange[1]!)}`,
      r.bytesPerState.toFixed(1),
      r.peakBytesPerState.toFixed(1),
      r.peakRssMiB.toFixed(0),
    ]),
  ),
)
const versus = results.filter((r) => r.spin !== undefined)
if (versus.length > 0) {
  console.log('SPIN on the same rules in Promela (spin -a; gcc -O2 -DSAFETY -DNOREDUCE; pan, depth-first):')
  console.log(
    table(
      ['configuration', 'distinct rkcheck', 'distinct SPIN', 'rkcheck states/s', 'SPIN states/s', 'ratio', 'pairs min..max', 'bar', 'SPIN s', 'SPIN process s', 'SPIN MiB', 'spin+gcc s'],
      versus.map((r) => [
        r.config,
        int(r.distinct),
        int(r.spin!.distinct) + (r.sameStates ? '' : ' (differs)'),
        int(r.statesPerSec),
        int(r.spin!.statesPerSec),
        r.ratio!.toFixed(3),
        rangeText(r.ratioRange!, 3),
        r.ratioBar ? barText(r.ratio!, r.ratioBar) : '',
        r.spin!.seconds.toFixed(2),
        r.spin!.processSeconds.toFixed(2),
        r.spin!.memoryMiB.toFixed(0),
        r.spin!.compileSeconds.toFixed(1),
      ]),
    ),
  )
}
const parallelRows = results.filter((r) => r.parallel !== undefined)
if (parallelRows.length > 0) {
  console.log('Parallel search (breadth-first, worker threads over one shared visited set), against one worker in the same run:')
  if (ceiling) console.log('(2 searches at once: two one-worker searches in two threads of one process, each over the whole space on its own; their speed over one worker\'s, the most two threads give here)')
  console.log(
    table(
      [
        'configuration',
        'workers',
        'same states',
        'states/s 1 worker',
        'states/s',
        'speed-up',
        'pairs min..max',
        'bar',
        ...(ceiling ? ['2 searches at once', 'pairs min..max'] : []),
        'seconds',
        'peak bytes/state',
        'peak RSS MiB',
        'engine',
      ],
      parallelRows.map((r) => {
        const p = r.parallel!
        const q = p.ceiling
        return [
          r.config,
          String(p.workers),
          p.sameStates ? 'yes' : 'NO',
          int(r.statesPerSec),
          int(p.statesPerSec),
          p.speedup.toFixed(2),
          rangeText(p.speedupRange, 2),
          barText(p.speedup, p.bar),
          ...(q ? [`${q.speedup.toFixed(2)}${q.sameStates ? '' : ' (states differ)'}`, rangeText(q.speedupRange, 2)] : []),
          p.seconds.toFixed(2),
          p.peakBytesPerState.toFixed(1),
          p.peakRssMiB.toFixed(0),
          p.engine,
        ]
      }),
    ),
  )
}
const ref = results.find((r) => r.config.endsWith('(reference)'))
const bar = ref && {
  statesPerSec: { need: BAR.statesPerSec, got: Math.round(ref.statesPerSec), pass: ref.statesPerSec >= BAR.statesPerSec },
  bytesPerState: { need: BAR.bytesPerState, got: Number(ref.bytesPerState.toFixed(1)), pass: ref.bytesPerState <= BAR.bytesPerState },
}
if (bar) {
  console.log(
    `bar on the reference: >= ${int(BAR.statesPerSec)} states/s: ${bar.statesPerSec.pass ? 'met' : 'NOT met'}; ` +
      `<= ${BAR.bytesPerState} bytes/state: ${bar.bytesPerState.pass ? 'met' : 'NOT met'}`,
  )
}
const json = { node: process.version, date: new Date().toISOString(), ...(noSpin ? { spinNotRun: noSpin } : {}), results, bar }
console.log(JSON.stringify(json, null, 2))
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify(json, null, 2) + '\n')
