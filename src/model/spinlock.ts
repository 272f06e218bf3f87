/**
 * `spinlock`: ticket, generic and preemptable ticket spinlocks in a guest whose vCPUs the
 * host may preempt (seed 004_e74346043d439713.txt, 3.1-3.3). Each vCPU takes the lock
 * `rounds` times: lock, `C` critical-section steps, unlock.
 *
 * One step per line of the code that touches shared memory or decides a branch on it.
 * A spin-loop iteration of Code 3.1 (lines 15-26: read head, the two tests, the optional
 * threshold update, `while (timeout--)`) is one step: it reads shared memory once and the
 * rest is local.
 *
 * Variants (`lock`):
 * - `ticket`: Linux's ticket lock: xadd on tail, spin until head equals the ticket,
 *   unlock adds 1 to head.
 * - `generic`: test-and-set: xchg(acquired, 1) until it returns 0; unlock stores 0.
 * - `pmt-basic`: Code 3.1 and 3.2 literally. Threshold `n * tau` spin iterations with
 *   n = (s_W)(ticket - head) (line 12, with the signed cast the text of 3.3.3 asks for);
 *   the threshold is recomputed when head moves and is still before the ticket (lines
 *   19-22); a timed-out waiter, or one whose ticket equals head, competes with
 *   xchg(acquired, 1) (lines 29-33). Unlock: add 1 to head, then xchg(acquired, 0).
 * - `pmt-cpt` (3.3.3.1, prose only; our reading): tickets advance by 2 (xadd tail, 2); the
 *   low bit of head is the lock bit; position n = (s_W)(ticket - (head & ~1)) / 2; a waiter
 *   allowed past the queue acquires by setting the bit when it is clear (one cmpxchg);
 *   unlock is one atomic add of 1 to head, which clears the bit and advances head to the
 *   next ticket.
 * - `pmt-cpt-st` (3.3.3.2): `pmt-cpt` with the threshold computed once, at request.
 * `tau = 0` makes every waiter time out at once, `tau = inf` never (equation 3.3).
 *
 * With `trylock`, an idle vCPU may also call trylock or is_locked (Code 3.2). trylock of
 * pmt-basic: read the lock word (fail if head != tail), read acquired (fail if set),
 * cmpxchg of the whole word (tail + 1, acquired = 1). is_locked is one step that reads
 * head, tail and acquired at one instant.
 *
 * Mutations: `unsignedTimeout` (the threshold from ticket - head without the cast: after
 * a wrap-around the difference is negative and, as an unsigned timeout, endless),
 * `noAheadGuard` (lines 19-22 without the `(s16)(tail - head) > 0` guard: once head passes
 * the ticket, the recomputed threshold is negative, hence endless), `unlockNoClear`
 * (unlock advances head but leaves the lock bit / acquired set), `nonAtomicTicket` (the
 * ticket is taken by a read of tail and a later write instead of xadd),
 * `trylockSkipAcquired` (trylock without the test of acquired, Code 3.2 line 13),
 * `isLockedTicketsOnly` (is_locked as the ticket lock had it: tail != head).
 *
 * Ghost state for the fairness properties (no rule reads it): `ahead`, the vCPUs already
 * waiting when this one arrived; `timedOut`; `overtakes`, how many later arrivals
 * acquired the lock while this vCPU waited and was running (lockstep only).
 */
import { match } from 'ts-pattern'
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'
import { bitsOf, scheduleChoices, signedW, steppers, wrap, xadd, xchg, type HostSchedule, type Schedule } from './vm/hardware.ts'

export type LockKind = 'ticket' | 'generic' | 'pmt-basic' | 'pmt-cpt' | 'pmt-cpt-st'

/** Where a vCPU is in the lock code. `loop`: the proportional-timeout queue loop
 * (for `ticket`, the spin on head); `spin`: competing for the lock word. */
export type Pc = 'idle' | 'writeTail' | 'loop' | 'spin' | 'cs' | 'unlock' | 'unlockClear' | 'tryCheck' | 'tryCas'

/** An endless timeout (a negative threshold read as unsigned, or tau = inf). */
export const INF = -1

export interface Vcpu {
  readonly pc: Pc
  /** The ticket (`inc.tail`); during trylock, the tail read. */
  readonly t: number
  /** `inc.head`, the head last seen; during trylock, the head read. */
  readonly h: number
  /** Spin iterations left; INF: endless; during trylock, the `acquired` read. */
  readonly timeout: number
  /** Critical-section steps left. */
  readonly cs: number
  /** Lock rounds left. */
  readonly left: number
  readonly timedOut: boolean
  readonly ahead: number
  readonly overtakes: number
}

export interface SpinState extends HostSchedule {
  readonly head: number
  readonly tail: number
  readonly acquired: number
  readonly vcpus: readonly Vcpu[]
}

export type VcpuOp = 'lock' | 'trylock' | 'isLocked' | 'writeTail' | 'loop' | 'spin' | 'cs' | 'unlock' | 'unlockClear' | 'tryCheck' | 'tryCas'

export type SpinAction =
  | { readonly type: VcpuOp; readonly vcpu: number }
  | { readonly type: 'schedule'; readonly running: number }

export interface SpinParams {
  readonly lock: LockKind
  readonly V: number
  readonly P: number
  readonly W: number
  readonly tau: number
  readonly C: number
  readonly schedule: Schedule
  readonly rounds: number
  readonly trylock: boolean
  readonly [k: string]: number | boolean | string
}

export interface SpinConfig extends SpinParams {
  readonly unsignedTimeout: boolean
  readonly noAheadGuard: boolean
  readonly unlockNoClear: boolean
  readonly nonAtomicTicket: boolean
  readonly trylockSkipAcquired: boolean
  readonly isLockedTicketsOnly: boolean
}

const WAITING: ReadonlySet<Pc> = new Set(['writeTail', 'loop', 'spin'])
const HOLDING: ReadonlySet<Pc> = new Set(['cs', 'unlock', 'unlockClear'])

export const isWaiting = (v: Vcpu): boolean => WAITING.has(v.pc)
export const isHolding = (v: Vcpu): boolean => HOLDING.has(v.pc)
const isActive = (v: Vcpu): boolean => v.pc !== 'idle' || v.left > 0

const compact = (c: SpinConfig): boolean => c.lock === 'pmt-cpt' || c.lock === 'pmt-cpt-st'
const step = (c: SpinConfig): number => (compact(c) ? 2 : 1)

/** The position in the queue as the code computes it (line 12 and 22). */
function position(c: SpinConfig, t: number, h: number): number {
  const diff = c.unsignedTimeout ? t - h : signedW(t - h, c.W)
  return compact(c) ? Math.trunc(diff / 2) : diff
}

/** timeout = n * tau; a negative n is an endless unsigned timeout. */
function threshold(c: SpinConfig, n: number): number {
  return c.tau === Infinity || n < 0 ? INF : n * c.tau
}

/** The head as the queue sees it (without the compact variant's lock bit). */
function queueHead(c: SpinConfig, head: number): number {
  return compact(c) ? head & ~1 : head
}

/** Code 3.2 is_locked, evaluated at one instant. */
export function isLockedCode(c: SpinConfig, s: SpinState): boolean {
  if (c.isLockedTicketsOnly && c.lock !== 'generic') return s.head !== s.tail
  switch (c.lock) {
    case 'generic':
      return s.acquired === 1
    case 'ticket':
      return s.head !== s.tail
    case 'pmt-basic':
      return s.head !== s.tail || s.acquired === 1
    case 'pmt-cpt':
    case 'pmt-cpt-st':
      return (s.head & ~1) !== s.tail || (s.head & 1) === 1
  }
}

/** The operation vCPU v performs next (for an idle vCPU: lock, or trylock / is_locked). */
function ops(c: SpinConfig, v: Vcpu): VcpuOp[] {
  switch (v.pc) {
    case 'idle':
      return v.left === 0 ? [] : c.trylock ? ['lock', 'trylock', 'isLocked'] : ['lock']
    case 'cs':
      return ['cs']
    default:
      return [v.pc]
  }
}

/** The acquisition by vCPU j: ghost bookkeeping for the fairness properties. */
function acquire(c: SpinConfig, d: Draft<SpinState>, j: number): void {
  const me = d.vcpus[j]!
  if (c.schedule === 'lockstep') {
    for (const i of bitsOf(me.ahead)) {
      const w = d.vcpus[i]!
      if (WAITING.has(w.pc) && d.running & (1 << i)) w.overtakes++
    }
  }
  for (const w of d.vcpus) w.ahead &= ~(1 << j)
  me.pc = 'cs'
  me.cs = c.C
  me.ahead = 0
  me.overtakes = 0
  me.timedOut = false
}

function release(d: Draft<SpinState>, j: number): void {
  const me = d.vcpus[j]!
  me.pc = 'idle'
  me.left--
}

/** After the ticket is taken: fast path, or into the queue loop. */
function queued(c: SpinConfig, d: Draft<SpinState>, j: number, oldHead: number): void {
  const me = d.vcpus[j]!
  me.h = queueHead(c, oldHead)
  if (c.lock === 'ticket') {
    if (oldHead === me.t) acquire(c, d, j)
    else me.pc = 'loop'
  } else if (me.h === me.t) {
    me.pc = 'spin'
  } else {
    me.timeout = threshold(c, position(c, me.t, me.h))
    me.pc = 'loop'
  }
}

/** One step of vCPU j: the rules of every variant. */
export function vcpuStep(c: SpinConfig, d: Draft<SpinState>, j: number, op: VcpuOp): void {
  const me = d.vcpus[j]!
  const W = c.W
  match(op)
    .with('lock', () => {
      me.ahead = d.vcpus.reduce((m, w, i) => (WAITING.has(w.pc) ? m | (1 << i) : m), 0)
      if (c.lock === 'generic') {
        if (xchg(d, 'acquired', 1) === 0) acquire(c, d, j)
        else me.pc = 'spin'
      } else if (c.nonAtomicTicket) {
        me.t = d.tail
        me.pc = 'writeTail'
      } else {
        const oldHead = d.head
        me.t = xadd(d, 'tail', step(c), W)
        queued(c, d, j, oldHead)
      }
    })
    .with('writeTail', () => {
      d.tail = wrap(me.t + step(c), W)
      queued(c, d, j, d.head)
    })
    .with('loop', () => {
      const ch = queueHead(c, d.head)
      if (me.t === ch) {
        if (c.lock === 'ticket') acquire(c, d, j)
        else me.pc = 'spin'
        return
      }
      if (c.lock === 'ticket') return
      const ahead = c.noAheadGuard || signedW(me.t - ch, W) > 0
      if (c.lock !== 'pmt-cpt-st' && me.h !== ch && ahead) {
        me.h = ch
        me.timeout = threshold(c, position(c, me.t, me.h))
      }
      if (me.timeout === 0) {
        me.pc = 'spin'
        me.timedOut = true
      } else if (me.timeout !== INF) {
        me.timeout--
      }
    })
    .with('spin', () => {
      if (compact(c)) {
        if ((d.head & 1) === 0) {
          d.head |= 1
          acquire(c, d, j)
        }
      } else if (xchg(d, 'acquired', 1) === 0) {
        acquire(c, d, j)
      }
    })
    .with('cs', () => {
      me.cs--
      if (me.cs === 0) me.pc = 'unlock'
    })
    .with('unlock', () => {
      match(c.lock)
        .with('ticket', () => {
          xadd(d, 'head', 1, W)
          release(d, j)
        })
        .with('generic', () => {
          if (!c.unlockNoClear) xchg(d, 'acquired', 0)
          release(d, j)
        })
        .with('pmt-basic', () => {
          xadd(d, 'head', 1, W)
          me.pc = 'unlockClear'
        })
        .with('pmt-cpt', 'pmt-cpt-st', () => {
          xadd(d, 'head', c.unlockNoClear ? 2 : 1, W)
          release(d, j)
        })
        .exhaustive()
    })
    .with('unlockClear', () => {
      if (!c.unlockNoClear) xchg(d, 'acquired', 0)
      release(d, j)
    })
    .with('trylock', () => {
      if (c.lock === 'generic') {
        if (xchg(d, 'acquired', 1) === 0) acquire(c, d, j)
        return
      }
      me.ahead = 0
      // head == tail: nobody waits (compact: and the lock bit is clear)
      if (d.head !== d.tail) return
      me.h = d.head
      me.t = d.tail
      me.timeout = d.acquired
      me.pc = c.lock === 'pmt-basic' && !c.trylockSkipAcquired ? 'tryCheck' : 'tryCas'
    })
    .with('tryCheck', () => {
      me.pc = d.acquired === 1 ? 'idle' : 'tryCas'
    })
    .with('tryCas', () => {
      if (d.head === me.h && d.tail === me.t && (c.lock !== 'pmt-basic' || d.acquired === me.timeout)) {
        d.tail = wrap(d.tail + step(c), W)
        if (c.lock === 'pmt-basic') d.acquired = 1
        if (compact(c)) d.head |= 1
        acquire(c, d, j)
      } else {
        me.pc = 'idle'
      }
    })
    .with('isLocked', () => {
      // an observation: the result is compared with the truth by a step property
    })
    .exhaustive()
}

export function spinConfig(p: SpinParams, mutations: ReadonlySet<string>): SpinConfig {
  return {
    ...p,
    unsignedTimeout: mutations.has('unsignedTimeout'),
    noAheadGuard: mutations.has('noAheadGuard'),
    unlockNoClear: mutations.has('unlockNoClear'),
    nonAtomicTicket: mutations.has('nonAtomicTicket'),
    trylockSkipAcquired: mutations.has('trylockSkipAcquired'),
    isLockedTicketsOnly: mutations.has('isLockedTicketsOnly'),
  }
}

/** The vCPUs that still have something to do, as a bit mask. */
export function activeMask(s: SpinState): number {
  return s.vcpus.reduce((m, v, i) => (isActive(v) ? m | (1 << i) : m), 0)
}

/**
 * Runs vCPU j alone (nobody else steps) until it holds the lock, for at most `limit`
 * steps; returns the number of steps taken, or undefined. For a waiting vCPU every step
 * is determined (it has one operation), so this is the same rule the explorer runs.
 */
export function stepsToAcquireAlone(c: SpinConfig, s: SpinState, j: number, limit: number): number | undefined {
  const cur = structuredClone(s) as Draft<SpinState>
  for (let k = 0; k <= limit; k++) {
    const v = cur.vcpus[j]!
    if (v.pc === 'cs') return k
    const [op] = ops(c, v)
    if (op === undefined || !WAITING.has(v.pc)) return undefined
    vcpuStep(c, cur, j, op)
  }
  return undefined
}

export function spinlockRules(p: SpinParams, mutations: ReadonlySet<string>): ModelRules<SpinState, SpinAction> {
  const c = spinConfig(p, mutations)
  if (p.P > p.V) throw new Error(`spinlock: P=${p.P} physical CPUs for V=${p.V} vCPUs: at most V`)
  const opTypes: VcpuOp[] = [
    'lock',
    ...(c.trylock ? (['trylock', 'isLocked'] as const) : []),
    ...(c.nonAtomicTicket && c.lock !== 'generic' ? (['writeTail'] as const) : []),
    ...(c.lock === 'generic' ? [] : (['loop'] as const)),
    ...(c.lock === 'ticket' ? [] : (['spin'] as const)),
    'cs',
    'unlock',
    ...(c.lock === 'pmt-basic' ? (['unlockClear'] as const) : []),
    ...(c.trylock && c.lock === 'pmt-basic' && !c.trylockSkipAcquired ? (['tryCheck'] as const) : []),
    ...(c.trylock && c.lock !== 'generic' ? (['tryCas'] as const) : []),
  ]
  return {
    name: 'spinlock',
    init: () => [
      {
        head: 0,
        tail: 0,
        acquired: 0,
        running: 0,
        pending: 0,
        vcpus: Array.from({ length: p.V }, () => ({
          pc: 'idle',
          t: 0,
          h: 0,
          timeout: 0,
          cs: 0,
          left: p.rounds,
          timedOut: false,
          ahead: 0,
          overtakes: 0,
        })),
      },
    ],
    actions(s) {
      const active = activeMask(s)
      if (p.schedule === 'lockstep' && (s.pending & active) === 0) {
        return scheduleChoices(active, p.P).map((running) => ({ type: 'schedule', running }))
      }
      const out: SpinAction[] = []
      for (const vcpu of steppers(p.schedule, s, active)) for (const type of ops(c, s.vcpus[vcpu]!)) out.push({ type, vcpu })
      return out
    },
    next: reducer<SpinState, SpinAction>((d, a) => {
      if (a.type === 'schedule') {
        d.running = a.running
        d.pending = a.running
        return
      }
      d.pending &= ~(1 << a.vcpu)
      vcpuStep(c, d, a.vcpu, a.type)
    }),
    terminal: (s) => activeMask(s) === 0,
    actionTypes: [...(p.schedule === 'lockstep' ? ['schedule'] : []), ...opTypes],
    actor: (a) => (a.type === 'schedule' ? 'host' : `vCPU ${a.vcpu}`),
    describe: (a) =>
      a.type === 'schedule' ? `host: run vCPUs {${bitsOf(a.running).join(', ')}} for a tick` : `vCPU ${a.vcpu}: ${a.type}`,
  }
}
