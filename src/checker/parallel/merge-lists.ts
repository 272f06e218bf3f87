/**
 * The coordinator's part of a level of a parallel search: the workers' lists of new states,
 * each in key order, merged into one worker's order. Each state gets its id in the log, and
 * the states to expand their place in the next level's index.
 *
 * This runs while the workers wait, so it goes by runs: a worker takes ranks a grain at a
 * time, so its list holds long stretches of consecutive keys, and the entries of a run are
 * copied against one bound (the next list's head, or the event's key) instead of comparing
 * every head at every entry (100 ns an entry before, on the reference ticket lock).
 */
import { NO_PARENT, type StateLog } from '../state-log.ts'
import { ENTRY, keyBefore, type Event } from './protocol.ts'

export interface Merged {
  /** States placed in the next level's index. */
  readonly count: number
  /** The id of the state the event is at (an invariant's violation), else -1. */
  readonly violating: number
  /** The state budget ran out before the lists did. */
  readonly full: boolean
}

/**
 * Merges `lists` (entries of `ENTRY` words: rank, action, worker, chunk, offset, length,
 * expand) into `log`, up to the first event in key order (`event`: an invariant's state is
 * logged, other events end before their key). `parentIds[rank]` is the id of the parent of
 * rank `rank` (undefined for the initial states). The index of the states to expand gets 4
 * words each (worker, chunk, offset, length), `next` their ids.
 */
export function mergeLists(
  lists: readonly Int32Array[],
  event: Event | undefined,
  log: StateLog,
  parentIds: Uint32Array | undefined,
  maxStates: number,
  index: Int32Array,
  next: Uint32Array,
): Merged {
  const k = lists.length
  const heads = new Int32Array(k)
  const er = event === undefined ? 0x7fffffff : event.rank
  const ea = event === undefined ? 0x7fffffff : event.action
  let count = 0
  let room = maxStates - log.size
  for (;;) {
    // the list whose head has the smallest key, and the smallest key of the other heads
    let w = -1
    let wr = 0
    let wa = 0
    let br = 0x7fffffff
    let ba = 0x7fffffff
    for (let x = 0; x < k; x++) {
      const l = lists[x]!
      const h = heads[x]!
      if (h >= l.length) continue
      const r = l[h]!
      const a = l[h + 1]!
      if (w < 0 || keyBefore(r, a, wr, wa)) {
        if (w >= 0) {
          br = wr
          ba = wa
        }
        w = x
        wr = r
        wa = a
      } else if (keyBefore(r, a, br, ba)) {
        br = r
        ba = a
      }
    }
    if (w < 0) return { count, violating: -1, full: false }
    const l = lists[w]!
    if (event !== undefined && !keyBefore(wr, wa, er, ea)) {
      // the event's key: an invariant's state is logged, and the level ends
      if (wr !== er || wa !== ea || event.kind !== 'invariant') return { count, violating: -1, full: false }
      if (room <= 0) return { count, violating: -1, full: true }
      return { count, violating: log.push(parentIds === undefined ? NO_PARENT : parentIds[wr]!, wa), full: false }
    }
    if (keyBefore(er, ea, br, ba)) {
      br = er
      ba = ea
    }
    let j = heads[w]!
    for (; j < l.length; j += ENTRY) {
      const rank = l[j]!
      const action = l[j + 1]!
      if (!keyBefore(rank, action, br, ba)) break
      if (room-- <= 0) return { count, violating: -1, full: true }
      const id = log.push(parentIds === undefined ? NO_PARENT : parentIds[rank]!, action)
      if (l[j + 6] === 1) {
        const x = count * 4
        index[x] = l[j + 2]!
        index[x + 1] = l[j + 3]!
        index[x + 2] = l[j + 4]!
        index[x + 3] = l[j + 5]!
        next[count++] = id
      }
    }
    // keys are distinct (a step reaches one state); two equal heads would stop every run here
    if (j === heads[w]) throw new Error(`parallel search: two new states with the key (${wr}, ${wa})`)
    heads[w] = j
  }
}
