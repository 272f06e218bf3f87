/**
 * Liveness properties of the Model API: `leadsTo(P, Q)` (P ~> Q, TLA+'s [](P => <>Q)) and
 * `eventually(Q)` (<>Q from every initial state), and `forEach` for one obligation per id
 * ("every waiter eventually acquires": one P ~> Q per vCPU).
 *
 * They are checked over every behaviour of the model that is fair for the units the user
 * names (`--fair`, see `liveness/fairness.ts`). A behaviour is a maximal path: it goes on
 * while some action is enabled, and a state with no enabled action repeats forever.
 */

/** One obligation: whenever `p` holds (for `eventually`: at an initial state), `q` holds then or later. */
export interface LivenessObligation<S> {
  /** Names the obligation among those of one property (e.g. `vCPU 1`); absent for a single one. */
  readonly label?: string
  /** `undefined`: the initial states (`eventually`). */
  readonly p?: (s: S) => boolean
  readonly q: (s: S) => boolean
}

export interface Liveness<S> {
  readonly obligations: readonly LivenessObligation<S>[]
}

/** P ~> Q: every time P holds, Q holds then or at a later state. */
export function leadsTo<S>(p: (s: S) => boolean, q: (s: S) => boolean): Liveness<S> {
  return { obligations: [{ p, q }] }
}

/** <>Q: every behaviour reaches a state where Q holds. */
export function eventually<S>(q: (s: S) => boolean): Liveness<S> {
  return { obligations: [{ q }] }
}

/** One property of one obligation per id, labelled `label(id)`: violated when any of them is. */
export function forEach<S, I>(ids: readonly I[], label: (id: I) => string, f: (id: I) => Liveness<S>): Liveness<S> {
  return {
    obligations: ids.flatMap((id) =>
      f(id).obligations.map((o) => ({ ...o, label: o.label === undefined ? label(id) : `${label(id)}, ${o.label}` })),
    ),
  }
}
