/** `rkcheck list`: the built-in models, their parameters with defaults, and their mutations. */
import pc from 'picocolors'
import type { ParamSpec } from '../checker/model.ts'
import { builtinModels } from '../registry/index.ts'

export function listCommand(): number {
  for (const m of builtinModels) {
    const nameWidth = Math.max(...m.params.map((p) => p.name.length), ...m.mutations.map((x) => x.name.length)) + 2
    const typeWidth = Math.max(...m.params.map((p) => describeParam(p).length)) + 2
    console.log(`${pc.bold(m.name)}: ${m.doc}`)
    console.log('  parameters:')
    for (const p of m.params) console.log(`    ${p.name.padEnd(nameWidth)}${describeParam(p).padEnd(typeWidth)}${p.doc}`)
    console.log(`  mutations:${m.mutations.length ? '' : ' none'}`)
    for (const mu of m.mutations) console.log(`    ${mu.name.padEnd(nameWidth)}${mu.doc}`)
  }
  return 0
}

function describeParam(p: ParamSpec): string {
  switch (p.kind) {
    case 'int':
      return `int ${p.min}..${p.max}${p.allowInf ? '|inf' : ''} = ${p.default === Infinity ? 'inf' : p.default}`
    case 'bool':
      return `bool = ${p.default}`
    case 'enum':
      return `${p.values.join('|')} = ${p.default}`
  }
}
