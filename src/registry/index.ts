/** Every built-in model, by the names the CLI and traces use, and every model's proofs. */
import type { ModelFactory } from '../checker/model.ts'
import type { ProofEntry } from '../checker/proofs.ts'
import { coherency, coherencyProofs } from './coherency.ts'
import { lamport, lamportProofs } from './lamport.ts'
import { multikernel, multikernelProofs } from './multikernel.ts'
import { pisces, piscesProofs } from './pisces.ts'
import { popcorn, popcornProofs } from './popcorn.ts'
import { spinlock, spinlockProofs } from './spinlock.ts'
import { ticket, ticketProofs } from './ticket.ts'
import { tlb, tlbProofs } from './tlb.ts'

export const builtinModels: readonly ModelFactory[] = [ticket, lamport, popcorn, spinlock, tlb, coherency, multikernel, pisces]

/** The proofs `rkcheck verify` runs, model by model. */
export const proofs: readonly ProofEntry[] = [...ticketProofs, ...lamportProofs, ...popcornProofs, ...spinlockProofs, ...tlbProofs, ...coherencyProofs, ...multikernelProofs, ...piscesProofs]
