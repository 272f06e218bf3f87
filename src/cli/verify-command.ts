/** `rkcheck verify`: every proof of a suite, a summary table, exit 0 only if all are as expected. */
import { availableParallelism } from 'node:os'
import pc from 'picocolors'
import { InputError } from '../checker/errors.ts'
import { assertWritableDir, assertWritableFile, writeFileAtomic } from '../checker/files.ts'
import { suiteEntries, type VerifyRow } from '../checker/verify.ts'
import { runProofs } from '../checker/verify-pool.ts'
import type { ProofEntry, Suite } from '../checker/proofs.ts'
import { junitTraceDir, writeJunit } from './verify-junit.ts'
import { int, secs, table } from './format.ts'
import { integerOption } from './model-option.ts'
import { whileInterruptible } from './signals.ts'
import { verifyProgress } from './verify-progress.ts'

export interface VerifyCliOptions {
  readonly suite: string
  readonly json?: string
  readonly traceDir?: string
  readonly filter?: string
  readonly params?: boolean
  readonly quiet?: boolean
  readonly junit?: string
  /** How many configurations run at once (default: the machine's cores). */
  readonly jobs?: string
}

/**
 * `suite`: the configurations to run instead of the registry's (tests). With `--jobs N`
 * configurations run N at a time in worker threads; rows, traces and reports still come
 * in the registry's order, so the output is the same whatever the scheduling.
 */
export async function verifyCommand(o: VerifyCliOptions, suite?: readonly ProofEntry[]): Promise<number> {
  if (o.suite !== 'ci' && o.suite !== 'full') throw new InputError(`unknown suite '${o.suite}' (known: ci, full)`)
  const jobs = o.jobs === undefined ? availableParallelism() : integerOption(o.jobs, '--jobs', 1, 256)
  const entries = (suite ?? suiteEntries(o.suite as Suite)).filter((e) => o.filter === undefined || e.id.startsWith(o.filter))
  if (entries.length === 0) throw new InputError(`no configuration of suite ${o.suite} starts with '${o.filter}'`)
  // output paths are checked before the first configuration runs
  if (o.json !== undefined) assertWritableFile(o.json, '--json')
  if (o.traceDir !== undefined) assertWritableDir(o.traceDir, '--trace-dir')
  // the counterexample of a changed outcome is kept for the report, with or without --trace-dir
  const changedDir = o.junit !== undefined ? junitTraceDir(o.junit, o.traceDir) : undefined
  const rows: VerifyRow[] = []
  const traces = new Map<string, string>()
  const started = Date.now()
  const progress = verifyProgress(entries, o.quiet ?? false)
  /** Rows in the registry's order, each reported once every row before it is. */
  const ended = new Map<number, VerifyRow>()
  const report = (row: VerifyRow): void => {
    const e = row.entry
    rows.push(row)
    const mark = row.pass ? pc.green('ok  ') : row.interrupted ? pc.yellow('stop') : pc.red('FAIL')
    progress.print(`${mark} ${e.id}: ${row.outcome} (${secs(row.stats.elapsedSec)} s)`)
    const base = (dir: string): string => `${dir}/${e.id.replace(/\//g, '.')}`
    const dir = o.traceDir ?? (row.pass ? undefined : changedDir)
    if (dir !== undefined && row.check.itf !== undefined) {
      traces.set(e.id, `${base(dir)}.itf.json`)
      writeFileAtomic(`${base(dir)}.itf.json`, JSON.stringify(row.check.itf, null, 1) + '\n')
    }
    if (o.traceDir !== undefined) {
      for (const [name, itf] of Object.entries(row.check.witnesses)) {
        writeFileAtomic(`${base(o.traceDir)}.${name}.max.itf.json`, JSON.stringify(itf, null, 1) + '\n')
      }
    }
  }
  await whileInterruptible((interrupted) =>
    runProofs(
      entries,
      { jobs, progressEveryMs: progress.everyMs, interrupted },
      {
        onProgress: (i, s) => progress.running(i, s),
        onDone: (i, row) => {
          progress.ended(i)
          ended.set(i, row)
          for (let k = rows.length; ended.has(k); k++) {
            report(ended.get(k)!)
            ended.delete(k)
          }
        },
      },
    ),
  )
  progress.done()
  // interrupted with proofs still running elsewhere: what ended after a gap is reported too
  for (const k of [...ended.keys()].sort((a, b) => a - b)) report(ended.get(k)!)
  const stopped = rows.length < entries.length || rows.some((r) => r.interrupted)
  const failed = rows.filter((r) => !r.pass && !r.interrupted)
  console.log(
    table(
      ['configuration', ...(o.params ? ['parameters'] : []), 'expected', 'outcome', 'cex len', 'measures (max)', 'distinct', 'seconds', 'states/s', ''],
      rows.map((r) => [
        r.entry.id,
        ...(o.params
          ? [
              Object.entries(r.entry.params)
                .map(([k, v]) => `${k}=${v}`)
                .join(' '),
            ]
          : []),
        r.expected + ('finding' in r.entry.expect && r.entry.expect.finding ? ' (finding)' : '') + ('baseline' in r.entry.expect && r.entry.expect.baseline ? ' (baseline)' : ''),
        r.outcome,
        r.traceLength === undefined ? '' : String(r.traceLength),
        r.stats.measures.map((m) => `${m.name} ${m.max}`).join(', '),
        int(r.stats.distinct),
        secs(r.stats.elapsedSec),
        int(r.stats.statesPerSec),
        r.pass ? pc.green('ok') : r.interrupted ? pc.yellow('stopped') : pc.red('FAIL'),
      ]),
    ),
  )
  for (const r of rows) {
    if ('finding' in r.entry.expect && r.entry.expect.finding) console.log(`finding ${r.entry.id}: ${r.entry.expect.finding}`)
    if ('baseline' in r.entry.expect && r.entry.expect.baseline) console.log(`baseline ${r.entry.id}: ${r.entry.expect.baseline}`)
  }
  const total = (Date.now() - started) / 1000
  if (failed.length > 0) {
    console.log(pc.red(`verify --suite ${o.suite}: ${failed.length} of ${rows.length} outcomes changed: ${failed.map((r) => r.entry.id).join(', ')}`))
  }
  if (stopped) {
    const cut = rows.filter((r) => r.interrupted).length
    const notRun = entries.length - rows.length
    console.log(pc.yellow(`verify --suite ${o.suite}: interrupted: ${rows.length - cut} of ${entries.length} configurations ran to a verdict, ${cut} stopped, ${notRun} not run (nothing more is proved)`))
  } else if (failed.length === 0) {
    console.log(pc.green(`verify --suite ${o.suite}: all ${rows.length} outcomes as expected (${secs(total)} s)`))
  }
  if (o.json !== undefined) {
    const json = {
      suite: o.suite,
      pass: failed.length === 0 && !stopped,
      ...(stopped ? { interrupted: true, notRun: entries.slice(rows.length).map((e) => e.id) } : {}),
      seconds: total,
      results: rows.map((r) => ({
        id: r.entry.id,
        model: r.entry.model,
        params: r.entry.params,
        mutations: r.entry.mutations ?? [],
        expected: r.expected,
        outcome: r.outcome,
        pass: r.pass,
        finding: 'finding' in r.entry.expect ? r.entry.expect.finding : undefined,
        baseline: 'baseline' in r.entry.expect ? r.entry.expect.baseline : undefined,
        counterexampleLength: r.traceLength,
        measures: Object.fromEntries(r.stats.measures.map((m) => [m.name, m.max])),
        distinct: r.stats.distinct,
        generated: r.stats.generated,
        seconds: r.stats.elapsedSec,
        statesPerSec: r.stats.statesPerSec,
      })),
    }
    writeFileAtomic(o.json, JSON.stringify(json, null, 2) + '\n')
  }
  if (o.junit !== undefined) writeJunit(o.junit, `rkcheck verify --suite ${o.suite}`, rows, traces, total)
  return failed.length > 0 ? 1 : stopped ? 3 : 0
}
