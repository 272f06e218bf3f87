/**
 * Peterson's mutual exclusion for two processes: an example of a user model loaded with
 * `rkcheck check --model-file examples/peterson.ts`. Mutation `selfTurn`: a process
 * gives the turn to itself instead of the other, so both may enter.
 */
import { match } from 'ts-pattern'
import { defineModel, reducer, type Check, type Model } from 'rkcheck'

type Pc = 'idle' | 'flagged' | 'waiting' | 'critical'
interface State {
  readonly pc: readonly Pc[]
  readonly flag: readonly boolean[]
  readonly turn: number
}
type Action = { readonly type: 'raise' | 'yield' | 'enter' | 'leave'; readonly proc: number }

function peterson(_p: Record<string, never>, mutations: ReadonlySet<string>): Model<State, Action> {
  const selfTurn = mutations.has('selfTurn')
  return {
    name: 'peterson',
    init: () => [{ pc: ['idle', 'idle'], flag: [false, false], turn: 0 }],
    actions(s) {
      const out: Action[] = []
      for (const proc of [0, 1]) {
        const other = 1 - proc
        match(s.pc[proc]!)
          .with('idle', () => out.push({ type: 'raise', proc }))
          .with('flagged', () => out.push({ type: 'yield', proc }))
          .with('waiting', () => {
            if (!s.flag[other] || s.turn === proc) out.push({ type: 'enter', proc })
          })
          .with('critical', () => out.push({ type: 'leave', proc }))
          .exhaustive()
      }
      return out
    },
    next: reducer((d, a) => {
      match(a.type)
        .with('raise', () => {
          d.flag[a.proc] = true
          d.pc[a.proc] = 'flagged'
        })
        .with('yield', () => {
          d.turn = selfTurn ? a.proc : 1 - a.proc
          d.pc[a.proc] = 'waiting'
        })
        .with('enter', () => {
          d.pc[a.proc] = 'critical'
        })
        .with('leave', () => {
          d.flag[a.proc] = false
          d.pc[a.proc] = 'idle'
        })
        .exhaustive()
    }),
    invariants: {
      mutualExclusion: (s): Check => !(s.pc[0] === 'critical' && s.pc[1] === 'critical') || 'both processes are critical',
    },
    describe: (a) => `process ${a.proc}: ${a.type}`,
  }
}

export default defineModel({
  name: 'peterson',
  doc: "Peterson's two-process mutual exclusion (example user model)",
  params: [],
  mutations: [{ name: 'selfTurn', doc: 'a process gives the turn to itself' }],
  create: peterson,
})
