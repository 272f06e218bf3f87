/** `rkcheck check`: explore one model configuration and report as TLC does. */
import pc from 'picocolors'
import { runCheckAsync, type CheckOutcome } from '../checker/check.ts'
import { InputError } from '../checker/errors.ts'
import type { ExploreResult, ExploreStats } from '../checker/explorer.ts'
import { assertWritableDir, assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { modelFilePath } from '../checker/load.ts'
import { builtinSource, fileSource } from '../checker/parallel/source.ts'
import { availableParallelism } from 'node:os'
import { createHash } from 'node:crypto'
import { defaultMemoryLimitBytes, parseMemorySize } from '../checker/memory.ts'
import type { ModelFactory, Params } from '../checker/model.ts'
import { formatParams, paramsToJson, resolveMutations, resolveParams } from '../checker/params.ts'
import { byteSize, int, mib, prob, secs, table } from './format.ts'
import { printCounterexample, printCoverage } from './counterexample.ts'
import { integerOption, modelFromArgs, optionalNumber } from './model-option.ts'
import { whileInterruptible } from './signals.ts'
import { progressReporter } from './progress.ts'
import { livenessRequest, type LivenessCliOptions } from './liveness-options.ts'
import { closingAction } from '../checker/liveness/lasso-trace.ts'
import { describeFairness, type FairnessOptions } from '../checker/liveness/fairness.ts'

export interface CheckCliOptions extends LivenessCliOptions {
  readonly param: string[]
  readonly mutate: string[]
  readonly property: string[]
  readonly dfs?: boolean
  readonly bfs?: boolean
  readonly maxStates?: string
  readonly maxDepth?: string
  readonly timeLimit?: string
  readonly memoryLimit?: string
  readonly frontierMemory?: string
  readonly traceOut?: string
  readonly json?: string
  readonly witnessDir?: string
  readonly modelFile?: string
  readonly deadlock: boolean
  readonly representation: 'vectors' | 'objects'
  readonly quiet?: boolean
  readonly workers?: string
}

export const EXIT = { holds: 0, violated: 1, badInput: 2, limit: 3 } as const

export async function checkCommand(modelName: string | undefined, o: CheckCliOptions): Promise<number> {
  if (o.dfs && o.bfs) throw new InputError('choose one of --bfs and --dfs')
  const factory = await modelFromArgs(modelName, o.modelFile)
  const params = resolveParams(factory, o.param)
  const mutations = resolveMutations(factory, o.mutate)
  const strategy = o.dfs ? 'dfs' : 'bfs'
  const maxStates = o.maxStates === undefined ? {} : { maxStates: integerOption(o.maxStates, '--max-states', 1, 2 ** 32) }
  const maxDepth = o.maxDepth === undefined ? {} : { maxDepth: integerOption(o.maxDepth, '--max-depth', 0, 2 ** 31) }
  const memoryLimitBytes = memoryLimitOption(o.memoryLimit)
  const frontierMemory = o.frontierMemory === undefined ? {} : { frontierMemoryBytes: sizeOption(o.frontierMemory, '--frontier-memory') }
  const liveness = livenessRequest(o)
  const workers = o.workers === undefined ? availableParallelism() : integerOption(o.workers, '--workers', 1, 256)
  const source = o.modelFile !== undefined ? fileSource(modelFilePath(o.modelFile), params, mutations) : builtinSource(factory.name, params, mutations)
  // every output path is checked before the search: a finished run is never lost
  if (o.traceOut !== undefined) assertWritableFile(o.traceOut, '--trace-out')
  else assertWritableDir(TRACE_DIR, 'the trace folder')
  if (o.json !== undefined) assertWritableFile(o.json, '--json')
  if (o.witnessDir !== undefined) assertWritableDir(o.witnessDir, '--witness-dir')

  const label = `${factory.name}${mutations.size ? ` [${[...mutations].join(', ')}]` : ''}`
  const progress = progressReporter(label, o.quiet ?? false)
  const outcome = await whileInterruptible((interrupted) =>
    runCheckAsync({
      factory,
      params,
      mutations,
      ...(o.modelFile !== undefined ? { modelFile: modelFilePath(o.modelFile) } : {}),
      workers,
      source,
      strategy,
      checkDeadlock: o.deadlock,
      representation: o.representation,
      ...(o.property.length > 0 ? { properties: o.property } : {}),
      ...liveness,
      ...maxStates,
      ...maxDepth,
      ...optionalNumber('timeLimitSec', o.timeLimit, '--time-limit'),
      memoryLimitBytes,
      ...frontierMemory,
      interrupted,
      onProgress: (s) => progress.report(s),
      progressEveryMs: progress.everyMs,
    }),
  )
  progress.done()
  const r = outcome.result

  console.log(`Model ${pc.bold(factory.name)} (${formatParams(params) || 'no parameters'})`)
  const on = r.stats.workers > 1 ? ` on ${r.stats.workers} workers` : ''
  console.log(`Mutations: ${mutations.size ? [...mutations].join(', ') : 'none'}; search: ${strategy}${on}`)
  const fairness = r.verdict === 'violated' && r.violation.kind === 'liveness' ? liveness.liveness : undefined
  const traceFile = r.verdict === 'violated' ? (o.traceOut ?? defaultTracePath(factory, params, [...mutations], r.violation.property, fairness, o.modelFile === undefined ? undefined : modelFilePath(o.modelFile))) : undefined
  if (traceFile !== undefined && r.verdict === 'violated') {
    writeFileAtomic(traceFile, JSON.stringify(outcome.itf, null, 1) + '\n')
    const v = r.violation
    const lasso = v.loop === undefined ? undefined : { loop: v.loop, closing: closingAction(outcome.model, outcome.trace!, v) }
    printCounterexample(outcome.model, outcome.trace!, lasso)
  }
  console.log(verdictLine(r, traceFile))
  if (liveness.liveness && r.verdict === 'holds') {
    console.log(`Liveness: ${liveness.liveness.properties.join(', ')} hold${liveness.liveness.properties.length > 1 ? '' : 's'} (${describeFairness(liveness.liveness)})`)
  }
  printStats(r.stats)
  if (o.witnessDir !== undefined) {
    for (const [name, itf] of Object.entries(outcome.witnesses)) {
      const file = `${o.witnessDir}/${factory.name}.${name}.max.itf.json`
      writeFileAtomic(file, JSON.stringify(itf, null, 1) + '\n')
      console.log(`Witness of the largest ${name} written to ${file}`)
    }
  }

  if (o.json !== undefined) {
    writeFileAtomic(o.json, JSON.stringify(checkJson(factory, outcome, strategy, traceFile, paramsToJson(params), [...mutations]), null, 2) + '\n')
  }
  return r.verdict === 'holds' ? EXIT.holds : r.verdict === 'violated' ? EXIT.violated : EXIT.limit
}

const TRACE_DIR = 'traces'

/**
 * The default counterexample file: `traces/MODEL[@FILE][.MUTATIONS][.PARAM=VALUE...].PROPERTY[.FAIRNESS].itf.json`,
 * with every parameter that differs from its default and, for a lasso, the fairness it was
 * found under (`weak-fair=vCPU_0`), so that configurations do not overwrite each other's
 * traces (only a rerun of the same configuration replaces its trace). A model file adds
 * `@` and 8 hex digits of a hash of its absolute path: two files naming their models alike
 * in two folders are two configurations.
 */
export function defaultTracePath(
  factory: ModelFactory,
  params: Params,
  mutations: readonly string[],
  property: string,
  fairness?: FairnessOptions,
  modelFile?: string,
): string {
  const safe = (x: string): string => x.replace(/[^A-Za-z0-9_=+@-]+/g, '_')
  const name = modelFile === undefined ? factory.name : `${factory.name}@${createHash('sha256').update(modelFile).digest('hex').slice(0, 8)}`
  const changed = factory.params.filter((p) => params[p.name] !== p.default).map((p) => `${p.name}=${paramsToJson(params)[p.name]}`)
  const fair = fairness && fairness.fair.length > 0 ? [`${fairness.kind}-fair=${fairness.fair.join('+')}`] : []
  return `${TRACE_DIR}/${[name, ...mutations, ...changed, property, ...fair].map(safe).join('.')}.itf.json`
}

export function memoryLimitOption(raw: string | undefined): number {
  return raw === undefined ? defaultMemoryLimitBytes() : sizeOption(raw, '--memory-limit')
}

function sizeOption(raw: string, name: string): number {
  const bytes = parseMemorySize(raw)
  if (bytes === undefined) throw new InputError(`${name}: expected a size such as 4G, 512M or 50%, got '${raw}'`)
  return bytes
}

export function verdictLine(r: ExploreResult, traceFile?: string): string {
  switch (r.verdict) {
    case 'holds':
      return pc.green('Verdict: holds') + ' (every invariant holds in every reachable state, no deadlock)'
    case 'violated':
      return (
        pc.red(`Verdict: violated ${r.violation.property}`) +
        ` after ${r.violation.path.length - 1} steps: ${r.violation.message}` +
        (traceFile ? `\nTrace written to ${traceFile}` : '')
      )
    case 'limit':
      return pc.yellow(`Verdict: limit (${limitText(r)} before a verdict; nothing is proved)`)
  }
}

/** Why a search stopped early, in words. */
export function limitText(r: Extract<ExploreResult, { verdict: 'limit' }>): string {
  switch (r.limit) {
    case 'interrupted':
      return 'interrupted'
    case 'memory':
      return `memory limit reached: ${r.detail ?? 'memory cap'}`
    default:
      return `${r.limit} reached`
  }
}

export function printStats(s: ExploreStats): void {
  const spilled = s.frontierSpilledBytes > 0
  console.log(
    table(
      [
        'distinct',
        'generated',
        'diameter',
        'seconds',
        'states/s',
        'bytes/state',
        'peak bytes/state',
        'peak RSS',
        ...(spilled ? ['frontier spilled (most on disk)'] : []),
        'collision prob.',
      ],
      [
        [
          int(s.distinct),
          int(s.generated),
          String(s.diameter),
          secs(s.elapsedSec),
          int(s.statesPerSec),
          s.bytesPerState.toFixed(1),
          s.peakBytesPerState.toFixed(1),
          mib(s.peakRssBytes),
          ...(spilled ? [`${byteSize(s.frontierSpilledBytes)} (${byteSize(s.frontierDiskPeakBytes)})`] : []),
          prob(s.collisionProbability),
        ],
      ],
    ),
  )
  if (s.measures.length > 0) {
    console.log('Measures (largest value reached):')
    console.log(table(['measure', 'largest', 'at depth'], s.measures.map((m) => [m.name, String(m.max), String(m.path.length - 1)])))
  }
  printCoverage(s.coverage)
}

function checkJson(
  factory: ModelFactory,
  o: CheckOutcome,
  strategy: string,
  traceFile: string | undefined,
  params: unknown,
  mutations: string[],
): unknown {
  const r = o.result
  return {
    model: factory.name,
    params,
    mutations,
    verdict: r.verdict,
    strategy,
    ...(r.verdict === 'violated'
      ? {
          violation: {
            property: r.violation.property,
            kind: r.violation.kind,
            message: r.violation.message,
            length: r.violation.path.length - 1,
            ...(r.violation.loop !== undefined ? { loop: r.violation.loop } : {}),
            traceFile,
          },
        }
      : {}),
    ...(r.verdict === 'limit' ? { limit: r.limit, ...(r.detail ? { limitDetail: r.detail } : {}) } : {}),
    stats: r.stats,
  }
}
