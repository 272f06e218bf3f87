/**
 * Traces in the Informal Trace Format (ITF, Apalache ADR-015), written as Quint writes
 * them: integers as `{"#bigint": "n"}`, Maps as `#map`, Sets as `#set`, records as JSON
 * objects, arrays as JSON arrays; each state carries the action that led to it in
 * `mbt::actionTaken` ("init" for state 0) and the action's fields in `mbt::nondetPicks`
 * as Quint options (`{"tag": "Some", "value": v}`).
 *
 * `parseItf` validates the whole file and throws `InputError` on anything malformed,
 * so a bad trace is one clear line, never a stack trace.
 */
import { InputError } from './errors.ts'
import type { Action } from './model.ts'

export const ACTION_TAKEN = 'mbt::actionTaken'
export const NONDET_PICKS = 'mbt::nondetPicks'
export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html'

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export interface TraceMeta {
  readonly model: string
  readonly modelFile?: string
  readonly params: Record<string, number | boolean | string>
  readonly mutations: readonly string[]
  /** The violated property, absent for a plain (non-violating) trace. */
  readonly property?: string
  readonly propertyKind?: 'invariant' | 'transition' | 'deadlock' | 'liveness'
  readonly message?: string
  /** A liveness counterexample: the fairness it is fair under, and the step from the last state back to state `loop`. */
  readonly fairness?: { readonly kind: 'weak' | 'strong'; readonly fair: readonly string[] }
  readonly closingAction?: Action
  /** A witness trace: it reaches the largest value of this measure. */
  readonly measure?: { readonly name: string; readonly value: number }
  /** Random simulation: the seed and the most steps of a run (`rkcheck simulate --seed --depth`). */
  readonly seed?: number
  readonly depth?: number
  /** A shrunk trace: steps of the violation first found, and of this trace. */
  readonly originalLength?: number
  readonly shrunkLength?: number
  readonly toolVersion: string
}

/** The optional whole-number fields of #meta, in the order written. */
const META_NUMBERS = ['seed', 'depth', 'originalLength', 'shrunkLength'] as const

export interface ItfStep {
  /** The state, decoded: top-level record of variables. */
  readonly state: Record<string, unknown>
  /** The action that led here; `undefined` for state 0. */
  readonly action?: Action
}

export interface ParsedTrace {
  readonly meta: TraceMeta
  readonly vars: readonly string[]
  readonly steps: readonly ItfStep[]
  /** ITF's lasso: the index of the state that starts the loop, which ends in the last state. */
  readonly loop?: number
}

export function encodeValue(v: unknown, path = 'state'): Json {
  switch (typeof v) {
    case 'number':
      if (Number.isSafeInteger(v)) return { '#bigint': String(v) }
      if (Number.isFinite(v)) return v
      throw new TypeError(`${path}: ${v} cannot be written to a trace`)
    case 'bigint':
      return { '#bigint': v.toString() }
    case 'string':
    case 'boolean':
      return v
    case 'object':
      if (v === null) break
      if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`))
      if (v instanceof Map) return { '#map': [...v].map(([k, x]) => [encodeValue(k, path), encodeValue(x, path)]) }
      if (v instanceof Set) return { '#set': [...v].map((x) => encodeValue(x, path)) }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x, `${path}.${k}`)]))
  }
  throw new TypeError(`${path}: a ${v === null ? 'null' : typeof v} cannot be written to a trace`)
}

export function decodeValue(j: unknown, path: string): unknown {
  if (typeof j === 'number') {
    if (!Number.isFinite(j)) throw bad(path, 'not a finite number')
    return j
  }
  if (typeof j === 'string' || typeof j === 'boolean') return j
  if (Array.isArray(j)) return j.map((x, i) => decodeValue(x, `${path}[${i}]`))
  if (typeof j !== 'object' || j === null) throw bad(path, 'null is not an ITF value')
  const o = j as Record<string, unknown>
  if ('#bigint' in o) {
    const s = o['#bigint']
    if (typeof s !== 'string' || !/^-?\d+$/.test(s)) throw bad(path, '#bigint is not an integer string')
    const n = Number(s)
    return Number.isSafeInteger(n) ? n : BigInt(s)
  }
  if ('#set' in o) {
    if (!Array.isArray(o['#set'])) throw bad(path, '#set is not an array')
    return new Set(o['#set'].map((x, i) => decodeValue(x, `${path}#set[${i}]`)))
  }
  if ('#map' in o) {
    const m = o['#map']
    if (!Array.isArray(m)) throw bad(path, '#map is not an array')
    return new Map(
      m.map((e, i) => {
        if (!Array.isArray(e) || e.length !== 2) throw bad(`${path}#map[${i}]`, 'not a [key, value] pair')
        return [decodeValue(e[0], `${path}#map[${i}]`), decodeValue(e[1], `${path}#map[${i}]`)]
      }),
    )
  }
  if ('#tup' in o) {
    if (!Array.isArray(o['#tup'])) throw bad(path, '#tup is not an array')
    return o['#tup'].map((x, i) => decodeValue(x, `${path}[${i}]`))
  }
  if ('#unserializable' in o) throw bad(path, 'an #unserializable value cannot be replayed')
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x, `${path}.${k}`)]))
}

/** The state as a record of variables (a non-record state is the one variable `state`). */
export function stateVars(s: unknown): Record<string, unknown> {
  if (typeof s === 'object' && s !== null && !Array.isArray(s) && !(s instanceof Map) && !(s instanceof Set)) {
    return s as Record<string, unknown>
  }
  return { state: s }
}

export function toItf(meta: TraceMeta, states: readonly unknown[], actions: readonly Action[], describe?: (a: Action) => string): Json {
  const first = stateVars(states[0])
  const vars = [...Object.keys(first), ACTION_TAKEN, NONDET_PICKS]
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_FORMAT_DESCRIPTION,
      source: meta.modelFile ?? meta.model,
      description: `Created by rkcheck ${meta.toolVersion}`,
      ...(encodeMeta(meta) as Record<string, Json>),
    },
    vars,
    states: states.map((s, i) => {
      const a = i === 0 ? undefined : actions[i - 1]
      const stepMeta: Record<string, Json> = { index: i }
      if (a && describe) stepMeta['description'] = describe(a)
      return {
        '#meta': stepMeta,
        ...(encodeValue(stateVars(s)) as Record<string, Json>),
        ...(a ? encodeAction(a) : { [ACTION_TAKEN]: 'init', [NONDET_PICKS]: {} }),
      }
    }),
  }
}

/** An action as Quint writes it in a state: its type in `mbt::actionTaken`, its fields as options in `mbt::nondetPicks`. */
export function encodeAction(a: Action): Record<string, Json> {
  const picks: Record<string, Json> = {}
  for (const [k, v] of Object.entries(a)) if (k !== 'type') picks[k] = { tag: 'Some', value: encodeValue(v, `action.${k}`) }
  return { [ACTION_TAKEN]: a.type, [NONDET_PICKS]: picks }
}

function encodeMeta(m: TraceMeta): Json {
  const out: Record<string, Json> = {
    model: m.model,
    params: m.params,
    mutations: [...m.mutations],
    tool: 'rkcheck',
    toolVersion: m.toolVersion,
  }
  if (m.modelFile !== undefined) out['modelFile'] = m.modelFile
  if (m.property !== undefined) out['property'] = m.property
  if (m.propertyKind !== undefined) out['propertyKind'] = m.propertyKind
  if (m.message !== undefined) out['message'] = m.message
  if (m.measure !== undefined) out['measure'] = { name: m.measure.name, value: m.measure.value }
  if (m.fairness !== undefined) out['fairness'] = { kind: m.fairness.kind, fair: [...m.fairness.fair] }
  if (m.closingAction !== undefined) out['closingAction'] = encodeAction(m.closingAction)
  for (const k of META_NUMBERS) if (m[k] !== undefined) out[k] = m[k]
  return out
}

/** Parses and validates an ITF trace written by rkcheck; `InputError` on anything malformed. */
export function parseItf(text: string, source: string): ParsedTrace {
  let j: unknown
  try {
    j = JSON.parse(text)
  } catch (e) {
    throw new InputError(`${source}: malformed trace: not JSON (${(e as Error).message})`)
  }
  const fail = (what: string): never => {
    throw new InputError(`${source}: malformed trace: ${what}`)
  }
  if (!isRecord(j)) return fail('the top level is not an object')
  const m = j['#meta']
  if (!isRecord(m)) return fail('no #meta object')
  if (typeof m['model'] !== 'string') return fail('#meta.model is missing: rkcheck cannot tell which model to replay')
  if (m['modelFile'] !== undefined && typeof m['modelFile'] !== 'string') fail('#meta.modelFile is not a string')
  const params = m['params'] ?? {}
  if (!isRecord(params)) return fail('#meta.params is not an object')
  for (const [k, v] of Object.entries(params)) {
    if (!['number', 'boolean', 'string'].includes(typeof v)) fail(`#meta.params.${k} is not a number, boolean or string`)
  }
  const mutations = m['mutations'] ?? []
  if (!Array.isArray(mutations) || !mutations.every((x) => typeof x === 'string')) fail('#meta.mutations is not a list of names')
  const property = m['property']
  if (property !== undefined && typeof property !== 'string') fail('#meta.property is not a string')
  const kind = m['propertyKind']
  if (kind !== undefined && kind !== 'invariant' && kind !== 'transition' && kind !== 'deadlock' && kind !== 'liveness') {
    fail('#meta.propertyKind is not invariant, transition, deadlock or liveness')
  }
  const fairness = m['fairness']
  if (
    fairness !== undefined &&
    (!isRecord(fairness) ||
      (fairness['kind'] !== 'weak' && fairness['kind'] !== 'strong') ||
      !Array.isArray(fairness['fair']) ||
      !fairness['fair'].every((x) => typeof x === 'string'))
  ) {
    fail('#meta.fairness is not {kind: weak|strong, fair: [names]}')
  }
  const loop = j['loop']
  if (loop !== undefined && (!Number.isSafeInteger(loop) || (loop as number) < 0)) fail('loop is not the index of a state')
  const measure = m['measure']
  if (measure !== undefined && (!isRecord(measure) || typeof measure['name'] !== 'string' || typeof measure['value'] !== 'number')) {
    fail('#meta.measure is not {name, value}')
  }
  for (const k of META_NUMBERS) {
    if (m[k] !== undefined && !Number.isSafeInteger(m[k])) fail(`#meta.${k} is not an integer`)
  }
  const vars = j['vars']
  if (!Array.isArray(vars) || !vars.every((x) => typeof x === 'string')) return fail('vars is not a list of names')
  const states = j['states']
  if (!Array.isArray(states) || states.length === 0) return fail('no states')
  const stateVarNames = (vars as string[]).filter((v) => v !== ACTION_TAKEN && v !== NONDET_PICKS)
  const steps = states.map((raw, i): ItfStep => {
    if (!isRecord(raw)) return fail(`state ${i} is not an object`)
    const sm = raw['#meta']
    if (isRecord(sm) && sm['index'] !== undefined && sm['index'] !== i) fail(`state ${i} has #meta.index ${String(sm['index'])}`)
    const state: Record<string, unknown> = {}
    for (const v of stateVarNames) {
      if (!(v in raw)) fail(`state ${i} lacks variable '${v}' (truncated file?)`)
      try {
        state[v] = decodeValue(raw[v], `state ${i}.${v}`)
      } catch (e) {
        fail((e as Error).message)
      }
    }
    if (i === 0) return { state }
    return { state, action: decodeAction(raw, `state ${i}`, fail) }
  })
  if (loop !== undefined && (loop as number) >= steps.length) fail(`loop ${String(loop)} is not the index of a state`)
  const closing = m['closingAction']
  if (closing !== undefined && !isRecord(closing)) fail('#meta.closingAction is not an object')
  const meta: TraceMeta = {
    model: m['model'],
    params: params as Record<string, number | boolean | string>,
    mutations: mutations as string[],
    toolVersion: typeof m['toolVersion'] === 'string' ? m['toolVersion'] : 'unknown',
    ...(typeof m['modelFile'] === 'string' ? { modelFile: m['modelFile'] } : {}),
    ...(typeof property === 'string' ? { property } : {}),
    ...(kind === 'invariant' || kind === 'transition' || kind === 'deadlock' || kind === 'liveness' ? { propertyKind: kind } : {}),
    ...(typeof m['message'] === 'string' ? { message: m['message'] } : {}),
    ...(isRecord(measure) ? { measure: { name: measure['name'] as string, value: measure['value'] as number } } : {}),
    ...(isRecord(fairness) ? { fairness: { kind: fairness['kind'] as 'weak' | 'strong', fair: fairness['fair'] as string[] } } : {}),
    ...(isRecord(closing) ? { closingAction: decodeAction(closing, '#meta.closingAction', fail) } : {}),
    ...Object.fromEntries(META_NUMBERS.filter((k) => m[k] !== undefined).map((k) => [k, m[k] as number])),
  }
  return { meta, vars: stateVarNames, steps, ...(loop !== undefined ? { loop: loop as number } : {}) }
}

/** The action recorded in `raw` (a state, or a lasso's closing step): `mbt::actionTaken` and `mbt::nondetPicks`. */
function decodeAction(raw: Record<string, unknown>, where: string, fail: (what: string) => never): Action {
  const taken = raw[ACTION_TAKEN]
  if (typeof taken !== 'string' || taken === '') return fail(`${where} has no ${ACTION_TAKEN}`)
  const picks = raw[NONDET_PICKS] ?? {}
  if (!isRecord(picks)) return fail(`${where}: ${NONDET_PICKS} is not an object`)
  const action: Record<string, unknown> = { type: taken }
  for (const [k, p] of Object.entries(picks)) {
    if (!isRecord(p) || (p['tag'] !== 'Some' && p['tag'] !== 'None')) fail(`${where}: ${NONDET_PICKS}.${k} is not a Some/None option`)
    const opt = p as Record<string, unknown>
    if (opt['tag'] === 'Some') {
      try {
        action[k] = decodeValue(opt['value'], `${where}.${NONDET_PICKS}.${k}`)
      } catch (e) {
        fail((e as Error).message)
      }
    }
  }
  return action as unknown as Action
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function bad(path: string, what: string): Error {
  return new Error(`${path}: ${what}`)
}
