/** Test helper: every reachable end state of a model (no enabled action), found depth-first over the states themselves (no view: counters that the view leaves out stay apart). */
import { fingerprintHex } from '../src/checker/fingerprint.ts'
import type { AnyModel } from '../src/checker/model.ts'

export function endStates<S>(m: AnyModel): S[] {
  const seen = new Set<string>()
  const ends: S[] = []
  const stack = [...m.init()]
  while (stack.length > 0) {
    const s = stack.pop()
    const fp = fingerprintHex(s)
    if (seen.has(fp)) continue
    seen.add(fp)
    const acts = m.actions(s)
    if (acts.length === 0) ends.push(s as S)
    for (const a of acts) stack.push(m.next(s, a))
  }
  return ends
}
