/**
 * P ~> Q under fairness, over a recorded `BehaviourGraph` (TLC's approach: strongly
 * connected components of the behaviour graph, here restricted to the states where Q
 * does not hold).
 *
 * A violation is a state where P holds and Q does not, from which a path of not-Q states
 * reaches a *fair* cycle of not-Q states, or a not-Q state with no enabled action (a
 * behaviour ends there and the state repeats forever: it is fair, no unit is enabled).
 * A cycle is fair when every fair unit that is
 * - (weak) enabled at every state of the cycle takes a step on it;
 * - (strong) enabled at some state of the cycle takes a step on it.
 *
 * Weak: a strongly connected component C contains a fair cycle iff the cycle through all
 * of C's states and internal steps is fair (more steps and more states only help).
 * Strong (Streett): if a fair unit is enabled in C but takes no step inside C, no fair
 * cycle of C visits a state where it is enabled: remove those states and look again in the
 * components of what remains.
 *
 * The lasso reported: the shortest path from an initial state to the first P-and-not-Q
 * state (in breadth-first order) that can reach a fair component, then the shortest
 * not-Q path to that component, then a cycle in it through a step of each unit that must
 * take one (or, weak, a state where the unit is disabled).
 */
import { EXPANDED, P_HOLDS, Q_HOLDS, type BehaviourGraph } from './graph.ts'

export type FairnessKind = 'weak' | 'strong'

export interface FairnessSpec {
  readonly kind: FairnessKind
  /** Per unit of the graph: 1 when the unit is fair. */
  readonly fair: Uint8Array
}

/** A lasso as action indices, as `Violation` holds it. */
export interface Lasso {
  /** [index in init(), action index, action index, ...] up to the last state of the cycle. */
  readonly path: number[]
  /** Index (in states) of the state where P holds and Q never does from then on. */
  readonly pending: number
  /** Index of the state that starts the cycle. */
  readonly loop: number
  /** Action index of the step from the last state back to state `loop`; absent: the last state has no enabled action. */
  readonly closing?: number
}

/** A step: from state `from`, edge `edge` of the graph. */
type Step = readonly [from: number, edge: number]

export function findLasso(g: BehaviourGraph, pq: Uint8Array, spec: FairnessSpec): Lasso | undefined {
  const { n } = g
  const inB = (s: number): boolean => (pq[s]! & Q_HOLDS) === 0
  const expanded = (s: number): boolean => (g.flags[s]! & EXPANDED) !== 0
  const fairPart = new Int32Array(n).fill(-1)
  const parts: Int32Array[] = []

  // 1. fair components of the not-Q subgraph
  const scc = new SccFinder(g)
  const bNodes: number[] = []
  for (let s = 0; s < n; s++) if (inB(s) && expanded(s)) bNodes.push(s)
  const analysis = new PartAnalysis(g, spec)
  const work: Int32Array[] = []
  scc.run(bNodes, (s) => inB(s) && expanded(s), (c) => work.push(c))
  while (work.length > 0) {
    const part = work.pop()!
    if (!scc.nontrivial(part)) {
      const s = part[0]!
      if (g.count[s] === 0) {
        fairPart[s] = parts.length
        parts.push(part)
      }
      continue
    }
    const remove = analysis.unfairStates(part)
    if (remove === undefined) {
      for (const s of part) fairPart[s] = parts.length
      parts.push(part)
    } else if (remove.size < part.length) {
      const rest = Array.from(part).filter((s) => !remove.has(s))
      const inRest = new Set(rest)
      scc.run(rest, (s) => inRest.has(s), (c) => work.push(c))
    }
  }
  if (parts.length === 0) return undefined

  // 2. not-Q states that reach a fair component through not-Q states
  const reaches = reachingBackward(g, inB, fairPart)

  // 3. the first P-and-not-Q state that does, in breadth-first order from the initial states
  const bfs = breadthFirst(g, [...g.initIndex.keys()].sort((a, b) => g.initIndex.get(a)! - g.initIndex.get(b)!), () => true, (s) => (pq[s]! & P_HOLDS) !== 0 && reaches[s] === 1)
  if (bfs === undefined) return undefined
  const { goal: pending, steps: prefix, start } = bfs
  // 4. on to the nearest fair component, then around it
  const toPart = breadthFirst(g, [pending], (s) => reaches[s] === 1, (s) => fairPart[s]! >= 0)!
  const entry = toPart.goal
  const cycle = analysis.cycle(parts[fairPart[entry]!]!, entry, (s) => fairPart[s] === fairPart[entry])

  const actionIndex = ([from, e]: Step): number => e - g.first[from]!
  const lead = [...prefix, ...toPart.steps]
  const path = [g.initIndex.get(start)!, ...lead.map(actionIndex), ...cycle.slice(0, -1).map(actionIndex)]
  const last = cycle.at(-1)
  return {
    path,
    pending: prefix.length,
    loop: lead.length,
    ...(last !== undefined ? { closing: actionIndex(last) } : {}),
  }
}

/** Iterative Tarjan over the states a predicate admits, reusing its arrays between runs. */
class SccFinder {
  private readonly index: Int32Array
  private readonly low: Int32Array
  private readonly pos: Uint32Array
  private readonly onStack: Uint8Array
  private readonly stack: Int32Array
  private readonly calls: Int32Array

  constructor(private readonly g: BehaviourGraph) {
    this.index = new Int32Array(g.n).fill(-1)
    this.low = new Int32Array(g.n)
    this.pos = new Uint32Array(g.n)
    this.onStack = new Uint8Array(g.n)
    this.stack = new Int32Array(g.n)
    this.calls = new Int32Array(g.n)
  }

  /** One or more states with a step inside the component. */
  nontrivial(c: Int32Array): boolean {
    if (c.length > 1) return true
    const s = c[0]!
    const { first, count, target } = this.g
    for (let e = first[s]!; e < first[s]! + count[s]!; e++) if (target[e] === s) return true
    return false
  }

  run(nodes: readonly number[], member: (s: number) => boolean, emit: (c: Int32Array) => void): void {
    const { index, low, pos, onStack, stack, calls } = this
    const { first, count, target } = this.g
    for (const s of nodes) index[s] = -1
    let counter = 0
    let sp = 0
    for (const root of nodes) {
      if (index[root] !== -1) continue
      let cp = 0
      const enter = (v: number): void => {
        index[v] = low[v] = counter++
        stack[sp++] = v
        onStack[v] = 1
        pos[v] = first[v]!
        calls[cp++] = v
      }
      enter(root)
      while (cp > 0) {
        const v = calls[cp - 1]!
        if (count[v]! > 0 && pos[v]! < first[v]! + count[v]!) {
          const w = target[pos[v]!++]!
          if (!member(w)) continue
          if (index[w] === -1) enter(w)
          else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!)
          continue
        }
        cp--
        if (cp > 0) {
          const u = calls[cp - 1]!
          low[u] = Math.min(low[u]!, low[v]!)
        }
        if (low[v] === index[v]) {
          let k = sp
          while (stack[--k] !== v);
          const comp = stack.slice(k, sp)
          for (const x of comp) onStack[x] = 0
          sp = k
          emit(comp)
        }
      }
    }
  }
}

/** Which fair units are enabled where, and take steps, inside a set of states. */
class PartAnalysis {
  private readonly fair: Uint8Array
  private readonly enabledAt: Int32Array
  private readonly stamp: Int32Array
  private readonly taken: Uint8Array
  private tick = 0

  constructor(
    private readonly g: BehaviourGraph,
    private readonly spec: FairnessSpec,
  ) {
    this.fair = spec.fair
    const u = g.units.length
    this.enabledAt = new Int32Array(u)
    this.stamp = new Int32Array(u).fill(-1)
    this.taken = new Uint8Array(u)
  }

  /** The fair units enabled at state s (each once). */
  enabledFair(s: number): number[] {
    const { first, count, cls, classUnits } = this.g
    const out: number[] = []
    const t = ++this.tick
    for (let e = first[s]!; e < first[s]! + count[s]!; e++) {
      for (const u of classUnits[cls[e]!]!) {
        if (this.fair[u] && this.stamp[u] !== t) {
          this.stamp[u] = t
          out.push(u)
        }
      }
    }
    return out
  }

  /** Counts, per fair unit, the states of `part` where it is enabled, and marks those with a step inside. */
  private measure(part: Int32Array, member: (s: number) => boolean): number[] {
    const { first, count, cls, classUnits, target } = this.g
    const seen: number[] = []
    for (const s of part) {
      for (const u of this.enabledFair(s)) {
        if (this.enabledAt[u] === 0) seen.push(u)
        this.enabledAt[u]!++
      }
      for (let e = first[s]!; e < first[s]! + count[s]!; e++) {
        if (member(target[e]!)) for (const u of classUnits[cls[e]!]!) if (this.fair[u]) this.taken[u] = 1
      }
    }
    return seen
  }

  private reset(units: readonly number[]): void {
    for (const u of units) {
      this.enabledAt[u] = 0
      this.taken[u] = 0
    }
  }

  /**
   * `undefined` when the strongly connected `part` holds a fair cycle through all of it;
   * otherwise the states to remove before looking again (all of them when none can help).
   */
  unfairStates(part: Int32Array): Set<number> | undefined {
    const inPart = new Set(part)
    const seen = this.measure(part, (s) => inPart.has(s))
    let result: Set<number> | undefined
    if (this.spec.kind === 'weak') {
      const blocked = seen.some((u) => this.enabledAt[u] === part.length && !this.taken[u])
      result = blocked ? inPart : undefined
    } else {
      const bad = new Set(seen.filter((u) => !this.taken[u]))
      if (bad.size > 0) result = new Set(Array.from(part).filter((s) => this.enabledFair(s).some((u) => bad.has(u))))
    }
    this.reset(seen)
    return result
  }

  /**
   * A cycle from `entry` back to it inside a fair part, as steps: through a step of every
   * fair unit that must take one, and (weak) a state where each unit that takes no step
   * inside is disabled. Empty for a state with no enabled action.
   */
  cycle(part: Int32Array, entry: number, member: (s: number) => boolean): Step[] {
    const { first, count, cls, classUnits, target } = this.g
    if (count[entry] === 0) return []
    const seen = this.measure(part, member)
    const needStep = new Set<number>()
    const needDisabled = new Set<number>()
    for (const u of seen) {
      if (this.taken[u]) needStep.add(u)
      else needDisabled.add(u) // weak only: the part is fair, so u is disabled somewhere in it
    }
    this.reset(seen)
    const visitState = (s: number): void => {
      if (needDisabled.size === 0) return
      const on = new Set(this.enabledFair(s))
      for (const u of [...needDisabled]) if (!on.has(u)) needDisabled.delete(u)
    }
    const useful = (e: number): boolean => member(target[e]!) && classUnits[cls[e]!]!.some((u) => needStep.has(u))
    const out: Step[] = []
    const walk = (steps: readonly Step[]): void => {
      for (const st of steps) {
        out.push(st)
        for (const u of classUnits[cls[st[1]]!]!) needStep.delete(u)
        visitState(target[st[1]]!)
      }
    }
    let cur = entry
    visitState(cur)
    while (needStep.size > 0 || needDisabled.size > 0) {
      const goal = (s: number): boolean => {
        if (needDisabled.size > 0) {
          const on = new Set(this.enabledFair(s))
          if ([...needDisabled].some((u) => !on.has(u))) return true
        }
        for (let e = first[s]!; e < first[s]! + count[s]!; e++) if (useful(e)) return true
        return false
      }
      const r = breadthFirst(this.g, [cur], member, goal)
      if (r === undefined) throw new Error('liveness: a fair component without the cycle it promises')
      walk(r.steps)
      cur = r.goal
      const s = cur
      for (let e = first[s]!; e < first[s]! + count[s]!; e++) {
        if (useful(e)) {
          walk([[s, e]])
          cur = target[e]!
          break
        }
      }
    }
    // and back to the entry, with at least one step
    if (cur !== entry || out.length === 0) {
      const back = breadthFirst(this.g, [cur], member, (s) => s === entry, out.length === 0)
      if (back === undefined) throw new Error('liveness: a fair component that is not strongly connected')
      walk(back.steps)
    }
    return out
  }
}

/**
 * Breadth-first search from `starts` through states `member` admits, to the first state
 * `goal` accepts (with `leave`, a start state counts only when reached again by a step).
 */
function breadthFirst(
  g: BehaviourGraph,
  starts: readonly number[],
  member: (s: number) => boolean,
  goal: (s: number) => boolean,
  leave = false,
): { goal: number; steps: Step[]; start: number } | undefined {
  const { first, count, target } = g
  const parent = new Map<number, Step | undefined>()
  const queue: number[] = []
  for (const s of starts) {
    if (!leave && goal(s)) return { goal: s, steps: [], start: s }
    if (!parent.has(s)) {
      parent.set(s, undefined)
      queue.push(s)
    }
  }
  const pathTo = (s: number): { goal: number; steps: Step[]; start: number } => {
    const steps: Step[] = []
    let cur = s
    for (let st = parent.get(cur); st !== undefined; st = parent.get(cur)) {
      steps.push(st)
      cur = st[0]
    }
    return { goal: s, steps: steps.reverse(), start: cur }
  }
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]!
    for (let e = first[v]!; e < first[v]! + count[v]!; e++) {
      const w = target[e]!
      if (!member(w)) continue
      if (leave && goal(w)) {
        const to = pathTo(v)
        return { goal: w, steps: [...to.steps, [v, e]], start: to.start }
      }
      if (parent.has(w)) continue
      parent.set(w, [v, e])
      if (goal(w)) return pathTo(w)
      queue.push(w)
    }
  }
  return undefined
}

/** 1 for each not-Q state with a path of not-Q states to a fair component (reverse steps). */
function reachingBackward(g: BehaviourGraph, inB: (s: number) => boolean, fairPart: Int32Array): Uint8Array {
  const { n, first, count, target } = g
  const indeg = new Uint32Array(n + 1)
  for (let s = 0; s < n; s++) {
    if (!inB(s)) continue
    for (let e = first[s]!; e < first[s]! + count[s]!; e++) if (inB(target[e]!)) indeg[target[e]! + 1]!++
  }
  for (let s = 0; s < n; s++) indeg[s + 1]! += indeg[s]!
  const fill = indeg.slice(0, n)
  const sources = new Int32Array(indeg[n]!)
  for (let s = 0; s < n; s++) {
    if (!inB(s)) continue
    for (let e = first[s]!; e < first[s]! + count[s]!; e++) {
      const t = target[e]!
      if (inB(t)) sources[fill[t]!++] = s
    }
  }
  const mark = new Uint8Array(n)
  const queue: number[] = []
  for (let s = 0; s < n; s++) {
    if (fairPart[s]! >= 0) {
      mark[s] = 1
      queue.push(s)
    }
  }
  for (let h = 0; h < queue.length; h++) {
    const t = queue[h]!
    for (let k = indeg[t]!; k < indeg[t + 1]!; k++) {
      const s = sources[k]!
      if (!mark[s]) {
        mark[s] = 1
        queue.push(s)
      }
    }
  }
  return mark
}
