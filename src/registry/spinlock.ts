/** The `spinlock` model: its rules, its properties and its proofs, assembled. */
import { defineModel } from '../checker/model.ts'
import { spinlockRules, type SpinParams, spinConfig } from '../model/spinlock.ts'
import { spinlockFairness, spinlockLiveness, spinlockProperties } from '../properties/spinlock.ts'
import { SYMMETRY_PARAM, spinlockSymmetry } from './symmetry.ts'
import { spinlockLivenessProofs, spinlockProofs as spinlockSafetyProofs } from '../properties/spinlock.proofs.ts'

export const spinlockProofs = [...spinlockSafetyProofs, ...spinlockLivenessProofs]

export const spinlock = defineModel<SpinParams>({
  name: 'spinlock',
  doc: 'ticket, generic and preemptable ticket spinlocks under vCPU preemption',
  params: [
    { name: 'lock', kind: 'enum', values: ['ticket', 'generic', 'pmt-basic', 'pmt-cpt', 'pmt-cpt-st'], default: 'pmt-basic', doc: 'the lock algorithm' },
    { name: 'V', kind: 'int', default: 3, min: 1, max: 5, doc: 'vCPUs of the guest' },
    { name: 'P', kind: 'int', default: 2, min: 1, max: 5, doc: 'physical CPUs (lockstep: at most P vCPUs run in a tick)' },
    { name: 'W', kind: 'int', default: 3, min: 2, max: 8, doc: 'ticket width in bits (wrap-around at 2^W)' },
    { name: 'tau', kind: 'int', default: 2, min: 0, max: 64, allowInf: true, doc: 'unit timeout in spin iterations (0: generic, inf: ticket)' },
    { name: 'C', kind: 'int', default: 1, min: 1, max: 8, doc: 'critical-section length in steps' },
    { name: 'schedule', kind: 'enum', values: ['interleaving', 'lockstep'], default: 'interleaving', doc: 'interleaving, or lockstep ticks with a host scheduler' },
    { name: 'rounds', kind: 'int', default: 1, min: 1, max: 4, doc: 'lock rounds per vCPU' },
    { name: 'trylock', kind: 'bool', default: false, doc: 'an idle vCPU may also call trylock or is_locked' },
    {
      name: 'timeoutCast',
      kind: 'enum',
      values: ['unsigned', 'signed'],
      default: 'unsigned',
      doc: 'the cast of tail - head in the threshold: (__ticket_t) as Code 3.1 prints it, or signed as the prose of 3.3.3 says',
    },
    { name: 'holderPreemption', kind: 'bool', default: true, doc: 'lockstep: the host may preempt the lock holder (false: the lock waiter preemption case of 3.3.2.2)' },
    SYMMETRY_PARAM,
  ],
  mutations: [
    { name: 'unsignedTimeout', doc: 'timeout from tail - head without any cast (negative after a wrap-around: endless)' },
    { name: 'noAheadGuard', doc: 'threshold update without the (s16)(tail - head) > 0 guard' },
    { name: 'unlockNoClear', doc: 'unlock advances head but leaves acquired (the lock bit) set' },
    { name: 'nonAtomicTicket', doc: 'ticket taken by a read then a write of tail instead of xadd' },
    { name: 'trylockSkipAcquired', doc: 'trylock without the test of acquired (Code 3.2 line 13)' },
    { name: 'isLockedTicketsOnly', doc: "is_locked as Linux's ticket lock has it: tail != head, ignoring acquired / the lock bit" },
    { name: 'spinBackoff', doc: 'a timed-out waiter holds off its first xchg for as many iterations as its queue position' },
    { name: 'freeLockFastPath', doc: 'the fast path (Code 3.1 line 9) taken whenever the lock is free, not only when the ticket is head' },
  ],
  create: (p, m) => ({ ...spinlockRules(p, m), ...spinlockProperties(spinConfig(p, m)), ...spinlockLiveness(p.V), fairness: spinlockFairness, ...(p.symmetry ? { symmetry: spinlockSymmetry(p.V) } : {}) }),
})
