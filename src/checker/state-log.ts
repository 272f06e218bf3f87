/**
 * What the explorer keeps per visited state to rebuild a trace: the id of its
 * predecessor and the index of the action in `actions(predecessor)` (for an initial
 * state, `NO_PARENT` and its index in `init()`). Ids are dense, in discovery order.
 * Action indices start as bytes and widen to 16 bits the first time one needs it.
 */
export const NO_PARENT = 0xffffffff

export class StateLog {
  private parents = new Uint32Array(1024)
  private acts: Uint8Array | Uint16Array = new Uint8Array(1024)
  private n = 0

  get size(): number {
    return this.n
  }

  get bytes(): number {
    return this.parents.byteLength + this.acts.byteLength
  }

  /** Records a state and returns its id. */
  push(parent: number, action: number): number {
    if (this.n === this.parents.length) this.grow()
    if (action > 0xff && this.acts instanceof Uint8Array) this.acts = Uint16Array.from(this.acts)
    if (action > 0xffff) throw new RangeError('more than 65535 enabled actions in one state')
    this.parents[this.n] = parent
    this.acts[this.n] = action
    return this.n++
  }

  parent(id: number): number {
    return this.parents[id]!
  }

  action(id: number): number {
    return this.acts[id]!
  }

  /** Action indices from an initial state to `id`: [initIndex, a1, a2, ...]. */
  path(id: number): number[] {
    const out: number[] = []
    for (let cur = id; ; cur = this.parents[cur]!) {
      out.push(this.acts[cur]!)
      if (this.parents[cur] === NO_PARENT) break
    }
    return out.reverse()
  }

  private grow(): void {
    const p = new Uint32Array(this.parents.length * 2)
    p.set(this.parents)
    this.parents = p
    const a = this.acts instanceof Uint8Array ? new Uint8Array(p.length) : new Uint16Array(p.length)
    a.set(this.acts)
    this.acts = a
  }
}
