/** `rkcheck check`: explore one model configuration and report as TLC does. */
import pc from 'picocolors'
import { runCheck, type CheckOutcome } from '../checker/check.ts'
import { InputError } from '../checker/errors.ts'
import type { ExploreResult, ExploreStats } from '../checker/explorer.ts'
import { writeFileAtomic } from '../checker/files.ts'
import type { ModelFactory } from '../checker/model.ts'
import { formatParams, paramsToJson, resolveMutations, resolveParams } from '../checker/params.ts'
import { int, mib, prob, secs, table } from './format.ts'
import { printCounterexample, printCoverage } from './counterexample.ts'
import { modelFromArgs, optionalNumber } from './model-option.ts'
import { progressReporter } from './progress.ts'

export interface CheckCliOptions {
  readonly param: string[]
  readonly mutate: string[]
  readonly property: string[]
  readonly dfs?: boolean
  readonly bfs?: boolean
  readonly maxStates?: string
  readonly maxDepth?: string
  readonly timeLimit?: string
  readonly traceOut?: string
  readonly json?: string
  readonly witnessDir?: string
  readonly modelFile?: string
  readonly deadlock: boolean
  readonly representation: 'vectors' | 'objects'
  readonly quiet?: boolean
}

export const EXIT = { holds: 0, violated: 1, badInput: 2, limit: 3 } as const

export async function checkCommand(modelName: string | undefined, o: CheckCliOptions): Promise<number> {
  if (o.dfs && o.bfs) throw new InputError('choose one of --bfs and --dfs')
  const factory = await modelFromArgs(modelName, o.modelFile)
  const params = resolveParams(factory, o.param)
  const mutations = resolveMutations(factory, o.mutate)
  const strategy = o.dfs ? 'dfs' : 'bfs'
  const label = `${factory.name}${mutations.size ? ` [${[...mutations].join(', ')}]` : ''}`
  const progress = progressReporter(label, o.quiet ?? false)

  const outcome = runCheck({
    factory,
    params,
    mutations,
    ...(o.modelFile !== undefined ? { modelFile: o.modelFile } : {}),
    strategy,
    checkDeadlock: o.deadlock,
    representation: o.representation,
    ...(o.property.length > 0 ? { properties: o.property } : {}),
    ...optionalNumber('maxStates', o.maxStates, '--max-states'),
    ...optionalNumber('maxDepth', o.maxDepth, '--max-depth'),
    ...optionalNumber('timeLimitSec', o.timeLimit, '--time-limit'),
    onProgress: (s) => progress.report(s),
    progressEveryMs: progress.everyMs,
  })
  progress.done()
  const r = outcome.result

  console.log(`Model ${pc.bold(factory.name)} (${formatParams(params) || 'no parameters'})`)
  console.log(`Mutations: ${mutations.size ? [...mutations].join(', ') : 'none'}; search: ${strategy}`)
  let traceFile: string | undefined
  if (r.verdict === 'violated') {
    traceFile = o.traceOut ?? defaultTracePath(factory.name, [...mutations], r.violation.property)
    writeFileAtomic(traceFile, JSON.stringify(outcome.itf, null, 1) + '\n')
    printCounterexample(outcome.model, outcome.trace!)
  }
  console.log(verdictLine(r, traceFile))
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

export function defaultTracePath(model: string, mutations: readonly string[], property: string): string {
  const base = [model.replace(/[^A-Za-z0-9_-]+/g, '_'), ...mutations].join('.')
  return `traces/${base}.${property}.itf.json`
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
      return pc.yellow(`Verdict: limit (${r.limit} reached before a verdict; nothing is proved)`)
  }
}

export function printStats(s: ExploreStats): void {
  console.log(
    table(
      ['distinct', 'generated', 'diameter', 'seconds', 'states/s', 'bytes/state', 'peak RSS', 'collision prob.'],
      [
        [
          int(s.distinct),
          int(s.generated),
          String(s.diameter),
          secs(s.elapsedSec),
          int(s.statesPerSec),
          s.bytesPerState.toFixed(1),
          mib(s.peakRssBytes),
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
            traceFile,
          },
        }
      : {}),
    ...(r.verdict === 'limit' ? { limit: r.limit } : {}),
    stats: r.stats,
  }
}
