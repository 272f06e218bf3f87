/**
 * Coverage per action type: how often each type fired and how often it reached a state not
 * seen before. Types the model declares (`actionTypes`) are listed even when they never
 * fire, which is how a modeling bug usually shows.
 */
export interface ActionCoverage {
  readonly type: string
  /** Transitions taken by this action type. */
  readonly fired: number
  /** Of those, how many reached a state not seen before. */
  readonly distinct: number
}

export class Coverage {
  private readonly index = new Map<string, number>()
  private readonly names: string[] = []
  private firedCounts: Float64Array<ArrayBuffer> = new Float64Array(16)
  private freshCounts: Float64Array<ArrayBuffer> = new Float64Array(16)

  constructor(declared: readonly string[] = []) {
    for (const t of declared) this.typeIndex(t)
  }

  /** The dense index of an action type (registering it the first time). */
  typeIndex(type: string): number {
    let i = this.index.get(type)
    if (i !== undefined) return i
    i = this.names.length
    this.index.set(type, i)
    this.names.push(type)
    if (i === this.firedCounts.length) {
      this.firedCounts = widen(this.firedCounts)
      this.freshCounts = widen(this.freshCounts)
    }
    return i
  }

  fired(i: number): void {
    this.firedCounts[i]!++
  }

  fresh(i: number, n = 1): void {
    this.freshCounts[i]! += n
  }

  report(): ActionCoverage[] {
    return this.names.map((type, i) => ({ type, fired: this.firedCounts[i]!, distinct: this.freshCounts[i]! }))
  }
}

function widen(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2)
  b.set(a)
  return b
}
