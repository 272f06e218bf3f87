import { InputError } from './errors.ts'
import type { ModelFactory, ParamSpec, ParamValue, Params } from './model.ts'

/** Turns one command-line value into the parameter's type, or says why it cannot. */
export function parseParamValue(spec: ParamSpec, raw: string): ParamValue {
  switch (spec.kind) {
    case 'int': {
      if (raw === 'inf' && spec.allowInf) return Infinity
      if (!/^-?\d+$/.test(raw)) {
        throw new InputError(
          `parameter ${spec.name}: expected an integer${spec.allowInf ? ' or inf' : ''}, got '${raw}'`,
        )
      }
      return checkInt(spec, Number(raw))
    }
    case 'bool':
      if (raw === 'true') return true
      if (raw === 'false') return false
      throw new InputError(`parameter ${spec.name}: expected true or false, got '${raw}'`)
    case 'enum':
      if (spec.values.includes(raw)) return raw
      throw new InputError(`parameter ${spec.name}: expected one of ${spec.values.join(' | ')}, got '${raw}'`)
  }
}

function checkInt(spec: Extract<ParamSpec, { kind: 'int' }>, n: number): number {
  if (n === Infinity && spec.allowInf) return n
  if (!Number.isSafeInteger(n) || n < spec.min || n > spec.max) {
    throw new InputError(`parameter ${spec.name}: ${n} is out of range ${spec.min}..${spec.max}`)
  }
  return n
}

/** Checks an already typed value (from a trace's #meta or the verify registry). */
export function checkParamValue(spec: ParamSpec, v: unknown): ParamValue {
  if (spec.kind === 'int') {
    if (v === 'inf' || v === Infinity) return checkInt(spec, Infinity)
    if (typeof v === 'number') return checkInt(spec, v)
  } else if (spec.kind === 'bool' && typeof v === 'boolean') {
    return v
  } else if (spec.kind === 'enum' && typeof v === 'string') {
    return parseParamValue(spec, v)
  }
  throw new InputError(`parameter ${spec.name}: ${JSON.stringify(v)} is not a valid ${spec.kind}`)
}

/** Defaults overridden by `k=v` strings; unknown names are bad input. */
export function resolveParams(factory: ModelFactory, assignments: readonly string[]): Params {
  const out: Record<string, ParamValue> = defaults(factory)
  const given = new Set<string>()
  for (const a of assignments) {
    const eq = a.indexOf('=')
    if (eq <= 0) throw new InputError(`bad parameter '${a}': expected NAME=VALUE`)
    const name = a.slice(0, eq)
    if (given.has(name)) throw new InputError(`parameter ${name} is given twice`)
    given.add(name)
    out[name] = parseParamValue(specOf(factory, name), a.slice(eq + 1))
  }
  return out
}

/** Defaults overridden by typed values (registry entries, trace metadata). */
export function resolveTypedParams(factory: ModelFactory, given: Readonly<Record<string, unknown>>): Params {
  const out: Record<string, ParamValue> = defaults(factory)
  for (const [name, v] of Object.entries(given)) out[name] = checkParamValue(specOf(factory, name), v)
  return out
}

export function resolveMutations(factory: ModelFactory, names: readonly string[]): ReadonlySet<string> {
  const seen = new Set<string>()
  for (const n of names) {
    if (seen.has(n)) throw new InputError(`mutation ${n} is given twice`)
    seen.add(n)
    if (!factory.mutations.some((m) => m.name === n)) {
      const known = factory.mutations.map((m) => m.name).join(', ') || 'none'
      throw new InputError(`model ${factory.name} has no mutation '${n}' (known: ${known})`)
    }
  }
  return new Set(names)
}

/** Parameters as JSON (Infinity as "inf"), for traces and reports. */
export function paramsToJson(p: Params): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {}
  for (const [k, v] of Object.entries(p)) out[k] = v === Infinity ? 'inf' : v
  return out
}

export function formatParams(p: Params): string {
  return Object.entries(paramsToJson(p))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
}

function defaults(factory: ModelFactory): Record<string, ParamValue> {
  return Object.fromEntries(factory.params.map((s) => [s.name, s.default]))
}

function specOf(factory: ModelFactory, name: string): ParamSpec {
  const spec = factory.params.find((s) => s.name === name)
  if (!spec) {
    const known = factory.params.map((s) => s.name).join(', ') || 'none'
    throw new InputError(`model ${factory.name} has no parameter '${name}' (known: ${known})`)
  }
  return spec
}
