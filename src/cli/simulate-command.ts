/** `rkcheck simulate`: random runs of a model driven by fast-check, a violation shrunk and written as ITF. */
import { randomInt } from 'node:crypto'
import pc from 'picocolors'
import { assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { toItf, type TraceMeta } from '../checker/itf.ts'
import { formatParams, paramsToJson, resolveMutations, resolveParams } from '../checker/params.ts'
import { simulate, type SimulationResult, type SimulationStats, type SimulationViolation } from '../checker/simulate.ts'
import { TOOL_VERSION } from '../checker/version.ts'
import { defaultTracePath, EXIT, memoryLimitOption } from './check-command.ts'
import { modelFilePath } from '../checker/load.ts'
import { printCounterexample, printCoverage } from './counterexample.ts'
import { int, secs, table } from './format.ts'
import { integerOption, modelFromArgs, optionalNumber } from './model-option.ts'
import { progressLine } from './progress.ts'

export interface SimulateCliOptions {
  readonly param: string[]
  readonly mutate: string[]
  readonly property: string[]
  readonly modelFile?: string
  readonly runs: string
  readonly depth: string
  readonly seed?: string
  readonly timeLimit?: string
  readonly memoryLimit?: string
  readonly deadlock: boolean
  readonly traceOut?: string
  readonly json?: string
  readonly quiet?: boolean
}

export async function simulateCommand(modelName: string | undefined, o: SimulateCliOptions): Promise<number> {
  const factory = await modelFromArgs(modelName, o.modelFile)
  const params = resolveParams(factory, o.param)
  const mutations = resolveMutations(factory, o.mutate)
  const runs = integerOption(o.runs, '--runs', 1, 1e9)
  const depth = integerOption(o.depth, '--depth', 1, 1e6)
  const seed = o.seed !== undefined ? integerOption(o.seed, '--seed', -(2 ** 31), 2 ** 31 - 1) : randomInt(2 ** 31)
  if (o.traceOut !== undefined) assertWritableFile(o.traceOut, '--trace-out')
  if (o.json !== undefined) assertWritableFile(o.json, '--json')
  const model = factory.create(params, mutations)

  const label = `${factory.name}${mutations.size ? ` [${[...mutations].join(', ')}]` : ''}`
  const progress = progressLine(o.quiet ?? false)
  let interrupted = false
  const stop = (): void => {
    interrupted = true
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  let r: SimulationResult
  try {
    r = await simulate(model, {
      runs,
      depth,
      seed,
      deadlock: o.deadlock,
      ...(o.property.length > 0 ? { properties: o.property } : {}),
      ...optionalNumber('timeLimitSec', o.timeLimit, '--time-limit'),
      memoryLimitBytes: memoryLimitOption(o.memoryLimit),
      interrupted: () => interrupted,
      onProgress: (s) => progress.show(`${label}: run ${int(s.runs)} of ${int(runs)}, ${int(s.steps)} steps, ${int(s.distinct)} distinct, ${int(s.stepsPerSec)} steps/s`),
      progressEveryMs: progress.everyMs,
    })
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    progress.done()
  }

  console.log(`Model ${pc.bold(factory.name)} (${formatParams(params) || 'no parameters'})`)
  console.log(`Mutations: ${mutations.size ? [...mutations].join(', ') : 'none'}; simulation: ${int(runs)} runs of up to ${int(depth)} steps, seed ${seed}`)
  let traceFile: string | undefined
  if (r.verdict === 'violated') {
    const v = r.violation
    traceFile = o.traceOut ?? defaultTracePath(factory, params, [...mutations], v.property, undefined, o.modelFile === undefined ? undefined : modelFilePath(o.modelFile)).replace(/\.itf\.json$/, '.sim.itf.json')
    const meta: TraceMeta = {
      model: factory.name,
      ...(o.modelFile !== undefined ? { modelFile: o.modelFile } : {}),
      params: paramsToJson(params),
      mutations: [...mutations],
      property: v.property,
      propertyKind: v.kind,
      message: v.message,
      seed,
      depth,
      originalLength: v.original.actions.length,
      shrunkLength: v.shrunk.actions.length,
      toolVersion: TOOL_VERSION,
    }
    writeFileAtomic(traceFile, JSON.stringify(toItf(meta, v.shrunk.states, v.shrunk.actions, model.describe?.bind(model)), null, 1) + '\n')
    printCounterexample(model, v.shrunk)
  }
  console.log(verdictLine(r, runs, traceFile))
  printSimulationStats(r.stats)
  if (o.json !== undefined) writeFileAtomic(o.json, JSON.stringify(simulationJson(r, factory.name, params, [...mutations], { runs, depth, seed }, traceFile), null, 2) + '\n')
  return r.verdict === 'holds' ? EXIT.holds : r.verdict === 'violated' ? EXIT.violated : EXIT.limit
}

function verdictLine(r: SimulationResult, runs: number, traceFile?: string): string {
  switch (r.verdict) {
    case 'holds':
      return (
        pc.green('Verdict: nothing found') +
        ` in ${int(runs)} runs (every property held at every step; a simulation explores some runs, it proves nothing)`
      )
    case 'violated': {
      const v = r.violation
      return (
        pc.red(`Verdict: violated ${v.property}`) +
        ` in run ${int(v.run)} after ${v.original.actions.length} steps: ${v.message}\n` +
        `Shrunk from ${v.original.actions.length} steps to ${v.afterFastCheck} by fast-check, ` +
        `then to ${v.shrunk.actions.length} by fast-check and the structural passes in turns (${secs(v.shrinkSec)} s)` +
        (traceFile ? `\nTrace written to ${traceFile}` : '')
      )
    }
    case 'limit':
      return pc.yellow(`Verdict: limit (${r.detail ?? r.limit} after ${int(r.stats.runs)} of ${int(runs)} runs; nothing found so far)`)
  }
}

export function printSimulationStats(s: SimulationStats): void {
  console.log(
    table(
      ['runs', 'steps', 'distinct states', 'seconds', 'steps/s'],
      [[int(s.runs), int(s.steps), int(s.distinct), secs(s.elapsedSec), int(s.stepsPerSec)]],
    ),
  )
  printCoverage(s.coverage)
}

function simulationJson(
  r: SimulationResult,
  model: string,
  params: Parameters<typeof paramsToJson>[0],
  mutations: string[],
  settings: { runs: number; depth: number; seed: number },
  traceFile: string | undefined,
): unknown {
  return {
    model,
    params: paramsToJson(params),
    mutations,
    ...settings,
    verdict: r.verdict,
    ...(r.verdict === 'violated' ? { violation: violationJson(r.violation, traceFile) } : {}),
    ...(r.verdict === 'limit' ? { limit: r.limit } : {}),
    stats: r.stats,
  }
}

function violationJson(v: SimulationViolation, traceFile: string | undefined): unknown {
  const { property, kind, message, run, afterFastCheck, shrinkSec } = v
  const lengths = { originalLength: v.original.actions.length, fastCheckLength: afterFastCheck, shrunkLength: v.shrunk.actions.length }
  return { property, kind, message, run, ...lengths, shrinkSeconds: shrinkSec, traceFile }
}
