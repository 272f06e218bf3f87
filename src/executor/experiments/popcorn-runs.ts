/**
 * Scenarios of the `popcorn` model for the Popcorn experiments: each task follows a plan
 * (a list of operations, chosen among the model's own enabled `start` actions), a task may
 * wait for another to finish its plan, and the run is timed under `popcorn-katz`.
 */
import { builtinModel } from '../../checker/load.ts'
import type { Action, Params } from '../../checker/model.ts'
import { adapterFor } from '../adapters.ts'
import { costsFor } from '../profiles/index.ts'
import { popcornKatz } from '../profiles/popcorn-katz.ts'
import { runTimed, type RunResult, type Workload } from '../run.ts'
import type { TimedStep } from '../timing.ts'

export interface PlannedOp {
  readonly op: string
  readonly page?: number
  readonly arg?: number
}

type PopStep = Action & { task?: number; op?: string; page?: number; arg?: number; name?: string; step?: string; kind?: string }

export interface Scenario {
  readonly params: Partial<Record<string, number | boolean | string>>
  /** Task -> its operations, in order; a task without a plan does nothing. */
  readonly plans: Readonly<Record<number, readonly PlannedOp[]>>
  /** Task -> the task whose plan must be done before it starts. */
  readonly after?: Readonly<Record<number, number>>
  /** The tasks in the order their planned operations run, one at a time: each starts once every earlier one is done. */
  readonly order?: readonly number[]
}

export function popcornParams(over: Scenario['params']): Params {
  const f = builtinModel('popcorn')
  return { ...Object.fromEntries(f.params.map((p) => [p.name, p.default])), read: false, write: false, exit: false, ...over } as Params
}

export function runScenario(sc: Scenario, seed: number, constants: Readonly<Record<string, number>> = {}): RunResult {
  const params = popcornParams(sc.params)
  const model = builtinModel('popcorn').create(params, new Set())
  const next = new Map<number, number>()
  const busy = new Set<number>()
  let started = 0
  const doneTask = (t: number): boolean => (next.get(t) ?? 0) >= (sc.plans[t]?.length ?? 0) && !busy.has(t)
  const workload: Workload = {
    admit(_s, act) {
      const a = act as PopStep
      if (a.type !== 'start') return 0
      const plan = sc.plans[a.task!]
      const want = plan?.[next.get(a.task!) ?? 0]
      const before = sc.after?.[a.task!]
      if (!want || busy.has(a.task!) || (before !== undefined && !doneTask(before))) return false
      if (sc.order !== undefined && (sc.order[started] !== a.task || busy.size > 0)) return false
      return a.op === want.op && (want.page === undefined || a.page === want.page) && (want.arg === undefined || a.arg === want.arg) ? 0 : false
    },
    observe(step) {
      const a = step.action as PopStep
      if (a.type === 'start') {
        next.set(a.task!, (next.get(a.task!) ?? 0) + 1)
        busy.add(a.task!)
        started++
      }
    },
  }
  // a task is busy until its operation's last step: it is idle again when it can start the next one
  const idle: Workload = {
    ...workload,
    admit(s, a, now) {
      const st = s as { tasks: readonly { op: string }[] }
      for (const t of [...busy]) if (st.tasks[t]?.op === 'idle') busy.delete(t)
      return workload.admit(s, a, now)
    },
  }
  return runTimed({ model, costs: costsFor(popcornKatz, 'popcorn', params, constants), adapter: adapterFor('popcorn'), workload: idle, seed, keepSteps: true })
}

const isTask = (s: TimedStep, task: number): boolean => (s.action as PopStep).task === task && s.action.type !== 'deliver'

/** The span of each planned operation of a task: from its start step to its last step. */
export function opSpans(r: RunResult, task: number): { op: string; start: number; end: number }[] {
  const out: { op: string; start: number; end: number }[] = []
  for (const s of r.steps) {
    if (!isTask(s, task)) continue
    const a = s.action as PopStep
    if (a.type === 'start') out.push({ op: a.op!, start: s.start, end: s.end })
    else if (out.length > 0) out[out.length - 1] = { ...out[out.length - 1]!, end: s.end }
  }
  return out
}

/** The first step of `task` matching `pred`. */
export function findStep(r: RunResult, task: number, pred: (a: PopStep) => boolean, from = 0): TimedStep | undefined {
  return r.steps.find((s) => s.index > from && isTask(s, task) && pred(s.action as PopStep))
}

/** Mapping fetches of a task: its `query` steps. */
export function fetches(r: RunResult, task: number): number {
  return r.steps.filter((s) => isTask(s, task) && (s.action as PopStep).name === 'query').length
}

/**
 * The Lamport lock wait (from the step that takes the timestamp, the fault's first, to
 * entering) and the mapping fetch (query to install) of a task's first fault after step `from`.
 */
export function faultParts(r: RunResult, task: number, from = 0): { lockWait: number; fetch: number } {
  const enter0 = findStep(r, task, (a) => a.type === 'lock' && a.step === 'enter', from)
  const stamp = enter0 && [...r.steps].reverse().find((s) => s.index < enter0.index && isTask(s, task) && s.action.type === 'start')
  const enter = enter0
  const query = findStep(r, task, (a) => a.name === 'query', from)
  const install = findStep(r, task, (a) => a.name === 'install', from)
  if (!stamp || !enter || !query || !install) throw new Error('the scenario has no complete fault')
  return { lockWait: enter.end - stamp.start, fetch: install.end - query.start }
}

/** A thread on kernel 1 reads page 0, which kernel 0 maps: one mapping fetch under the page lock. */
export function fetchRun(kernels: number, seed: number, c: Readonly<Record<string, number>> = {}, prefetch = 0): RunResult {
  const pages = Math.max(1, prefetch + 1)
  // kernel 0 writes its pages first (scattered frames: every page its own prefetch slot), then kernel 1 reads page 0
  const writes: PlannedOp[] = scattered(pages).map((p) => ({ op: 'write', page: p }))
  return runScenario(
    {
      params: { kernels, threads: 2, pages, mapped: pages, frames: pages + 1, ops: pages, read: true, write: true, prefetch },
      plans: { 0: writes, 1: [{ op: 'read', page: 0 }] },
      after: { 1: 0 },
    },
    seed,
    c,
  )
}

/** Even pages first, then odd ones: no two neighbouring pages get neighbouring frames. */
export function scattered(n: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i)
  return [...idx.filter((i) => i % 2 === 0), ...idx.filter((i) => i % 2 === 1)]
}

const MIGRATE_THEN_READ: readonly PlannedOp[] = [
  { op: 'read', page: 0 },
  { op: 'migrate', arg: 1 },
  { op: 'read', page: 0 },
  { op: 'migrate', arg: 0 },
  { op: 'read', page: 0 },
]

/** Migration times (Katz 6.1.2): from the migrate step to the end of the first access after it. */
export function migrationTimes(kernels: number, seed: number, c: Readonly<Record<string, number>> = {}): { toNew: number; back: number } {
  const r = runScenario(
    { params: { kernels, threads: 1, pages: 1, mapped: 1, frames: 2, ops: 5, read: true, migrate: true }, plans: { 0: MIGRATE_THEN_READ } },
    seed,
    c,
  )
  const ops = opSpans(r, 0)
  if (ops.length !== 5) throw new Error(`migration scenario ran ${ops.length} of 5 operations (${r.stop})`)
  return { toNew: ops[2]!.end - ops[1]!.start, back: ops[4]!.end - ops[3]!.start }
}

/** The first step of a task taking its own step `name` (after step `from`), or an error naming the scenario. */
export function ownStepOf(r: RunResult, task: number, name: string, what: string, from = 0): TimedStep {
  const s = findStep(r, task, (a) => a.type === 'step' && a.name === name, from)
  if (!s) throw new Error(`${what}: task ${task} took no '${name}' step (${r.stop})`)
  return s
}
