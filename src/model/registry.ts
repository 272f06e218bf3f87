/** The built-in models, by the names the CLI and traces use. */
import type { ModelFactory } from '../checker/model.ts'
import { lamport } from './lamport.ts'
import { spinlock } from './spinlock.ts'
import { tlb } from './tlb.ts'
import { ticket } from './ticket.ts'

export const builtinModels: readonly ModelFactory[] = [ticket, lamport, spinlock, tlb]
