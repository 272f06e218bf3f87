/** The `popcorn` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import type { ProofEntry } from '../checker/proofs.ts'

export const popcornProofs: readonly ProofEntry[] = []
