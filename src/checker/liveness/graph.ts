/**
 * The behaviour graph that liveness checking works on, recorded while the explorer runs
 * (`GraphRecorder` is the explorer's `SearchObserver`): per state, its out-steps in the
 * order of `actions(s)` (so step k of a state is action index k), where each step goes
 * and which fairness units it counts for, and which obligations' P and Q hold there.
 *
 * Everything is in typed arrays. Per state: 12 bytes of fingerprint index per slot (at
 * most 3/4 full), 4 (first step) + 2 (step count) + 1 (flags) + 1 per obligation; per
 * step: 4 (target) + 4 (unit class). States live only in the explorer's frontier.
 */
import { ModelError } from '../errors.ts'
import type { SearchObserver } from '../explorer.ts'
import type { Action, AnyModel } from '../model.ts'
import type { LivenessObligation } from '../temporal.ts'
import { FingerprintIndex } from './fingerprint-index.ts'

/** Flags of a state. */
export const INITIAL = 1
/** The state is expanded (inside the state constraint): behaviours go on from it. */
export const EXPANDED = 2
/** In an obligation's byte: P holds / Q holds. */
export const P_HOLDS = 1
export const Q_HOLDS = 2

/** A finite graph of states and steps, each step labelled with a class of fairness units. */
export interface BehaviourGraph {
  readonly n: number
  /** Steps of state s: `first[s]` .. `first[s] + count[s] - 1` in `target`, `cls`. */
  readonly first: Uint32Array
  readonly count: Uint16Array
  readonly target: Int32Array
  readonly cls: Uint32Array
  /** The fairness units (indices into `units`) of each class. */
  readonly classUnits: readonly (readonly number[])[]
  readonly units: readonly string[]
  readonly flags: Uint8Array
  /** For an initial state, its index in `init()`. */
  readonly initIndex: ReadonlyMap<number, number>
}

export interface NamedObligation<S = unknown> {
  readonly property: string
  readonly obligation: LivenessObligation<S>
}

/** The fairness units of an action: the model's `fairness`, else its actor, else `system`. */
export function unitsOf(model: AnyModel, a: Action): readonly string[] {
  if (model.fairness) return model.fairness(a)
  return [model.actor?.(a) ?? 'system']
}

export class GraphRecorder implements SearchObserver {
  private readonly index = new FingerprintIndex()
  private n = 0
  private first = new Uint32Array(1024)
  private count = new Uint16Array(1024)
  private flags = new Uint8Array(1024)
  private readonly pq: Uint8Array[]
  private edges = 0
  private target = new Int32Array(4096)
  private cls = new Uint32Array(4096)
  private readonly classIds = new Map<string, number>()
  private readonly classUnits: number[][] = []
  private readonly unitIds = new Map<string, number>()
  private readonly initIndex = new Map<number, number>()
  private lastFrom = -1

  constructor(
    private readonly model: AnyModel,
    private readonly obligations: readonly NamedObligation[],
  ) {
    this.pq = obligations.map(() => new Uint8Array(1024))
  }

  get bytes(): number {
    return (
      this.index.bytes +
      this.first.byteLength +
      this.count.byteLength +
      this.flags.byteLength +
      this.pq.reduce((b, a) => b + a.byteLength, 0) +
      this.target.byteLength +
      this.cls.byteLength
    )
  }

  state(id: number, s: unknown, fpA: number, fpB: number, initial: number): void {
    if (id !== this.n) throw new Error(`liveness graph: state ${id} recorded out of order`)
    if (id === this.first.length) this.growStates()
    this.index.set(fpA, fpB, id)
    let f = initial >= 0 ? INITIAL : 0
    if (initial >= 0) this.initIndex.set(id, initial)
    if (!this.model.constraint || this.model.constraint(s)) f |= EXPANDED
    this.flags[id] = f
    this.obligations.forEach(({ property, obligation: o }, j) => {
      try {
        const p = o.p === undefined ? initial >= 0 : o.p(s)
        this.pq[j]![id] = (p ? P_HOLDS : 0) | (o.q(s) ? Q_HOLDS : 0)
      } catch (e) {
        throw new ModelError(`liveness property ${property} threw at state #${id}: ${(e as Error).message?.split('\n')[0] ?? String(e)}`)
      }
    })
    this.n++
  }

  step(from: number, a: Action, fpA: number, fpB: number): void {
    const to = this.index.get(fpA, fpB)
    if (to < 0) throw new Error('liveness graph: a step to a state never recorded')
    if (from !== this.lastFrom) {
      this.lastFrom = from
      this.first[from] = this.edges
    }
    if (this.count[from] === 0xffff) throw new RangeError('more than 65535 enabled actions in one state')
    this.count[from]!++
    if (this.edges === this.target.length) this.growEdges()
    this.target[this.edges] = to
    this.cls[this.edges] = this.classOf(a)
    this.edges++
  }

  /** The recorded graph, and each obligation's P/Q bytes per state. */
  graph(): { graph: BehaviourGraph; pq: readonly Uint8Array[] } {
    return {
      graph: {
        n: this.n,
        first: this.first,
        count: this.count,
        target: this.target,
        cls: this.cls,
        classUnits: this.classUnits,
        units: [...this.unitIds.keys()],
        flags: this.flags,
        initIndex: this.initIndex,
      },
      pq: this.pq,
    }
  }

  private classOf(a: Action): number {
    let units: readonly string[]
    try {
      units = unitsOf(this.model, a)
    } catch (e) {
      throw new ModelError(`fairness()/actor() threw on action ${a.type}: ${(e as Error).message?.split('\n')[0] ?? String(e)}`)
    }
    const key = units.join('\u0000')
    let c = this.classIds.get(key)
    if (c === undefined) {
      c = this.classUnits.length
      this.classIds.set(key, c)
      this.classUnits.push(
        [...new Set(units)].map((u) => {
          let id = this.unitIds.get(u)
          if (id === undefined) this.unitIds.set(u, (id = this.unitIds.size))
          return id
        }),
      )
    }
    return c
  }

  private growStates(): void {
    const len = this.first.length * 2
    const grow = <T extends Uint32Array | Uint16Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const x = make(len)
      x.set(old)
      return x
    }
    this.first = grow(this.first, (k) => new Uint32Array(k))
    this.count = grow(this.count, (k) => new Uint16Array(k))
    this.flags = grow(this.flags, (k) => new Uint8Array(k))
    for (let j = 0; j < this.pq.length; j++) this.pq[j] = grow(this.pq[j]!, (k) => new Uint8Array(k))
  }

  private growEdges(): void {
    const t = new Int32Array(this.target.length * 2)
    t.set(this.target)
    this.target = t
    const c = new Uint32Array(this.cls.length * 2)
    c.set(this.cls)
    this.cls = c
  }
}
