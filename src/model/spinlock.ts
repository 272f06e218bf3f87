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
 * - `pmt-basic`: Code 3.1 and 3.2 as printed. Threshold `n * tau` spin iterations with
 *   n = (__ticket_t)(ticket - head) (lines 12 and 22: the cast to the unsigned ticket
 *   type, so n is the difference modulo 2^W); the threshold is recomputed when head moves
 *   and `(s16)(ticket - head) > 0` (lines 19-22; the `(s16)` cast is read as the signed
 *   cast of the W-bit ticket, which is what it is with 16-bit tickets); a timed-out waiter,
 *   or one whose ticket equals head, competes with xchg(acquired, 1) (lines 29-33).
 *   Unlock: add 1 to head, then xchg(acquired, 0).
 *   `timeoutCast=signed` is the prose's reading of line 12 instead (3.3.3: "we have to cast
 *   tail - head to a signed value with the same size of head and tail"): n = (s_W)(ticket -
 *   head), and a negative n, stored in the unsigned timeout, is endless.
 * - `pmt-cpt` (3.3.3.1, prose only; our reading): tickets advance by 2 (xadd tail, 2); the
 *   low bit of head is the lock bit; position n = cast(ticket - (head & ~1)) / 2 with the
 *   cast of `timeoutCast`; a waiter allowed past the queue acquires by setting the bit when
 *   it is clear (one cmpxchg); unlock is one atomic add of 1 to head, which clears the bit
 *   and advances head to the next ticket.
 * - `pmt-cpt-st` (3.3.3.2): `pmt-cpt` with the threshold computed once, at request.
 * `tau = 0` makes every waiter time out at once, `tau = inf` never (equation 3.3).
 *
 * With `trylock`, an idle vCPU may also call trylock or is_locked (Code 3.2). trylock of
 * pmt-basic: read the lock word (fail if head != tail), read acquired (fail if set),
 * cmpxchg of the whole word (tail + 1, acquired = 1). is_locked of pmt-basic is the two
 * reads of Code 3.2 lines 2-3: the ticket word (true if tail != head), then, only if they
 * are equal, `acquired`. The other variants read one word.
 *
 * Host scheduler (lockstep): at each tick boundary any set of at most P vCPUs runs;
 * `holderPreemption=false` keeps the lock holder running (the "lock waiter preemption
 * case" that 3.3.2.2 states its fairness claims for).
 *
 * Mutations: `unsignedTimeout` (the threshold from ticket - head without any cast: the
 * int difference, negative after a wrap-around, is an endless unsigned timeout),
 * `noAheadGuard` (lines 19-22 without the `(s16)(tail - head) > 0` guard: once head passes
 * the ticket the recomputed threshold is a wrapped difference, close to 2^W positions, or
 * endless with the signed cast), `unlockNoClear` (unlock advances head but leaves the lock
 * bit / acquired set), `nonAtomicTicket` (the ticket is taken by a read of tail and a later
 * write instead of xadd), `trylockSkipAcquired` (trylock without the test of acquired,
 * Code 3.2 line 13), `isLockedTicketsOnly` (is_locked as the ticket lock had it: tail !=
 * head), `spinBackoff` (a timed-out waiter holds off its first xchg for n iterations, n
 * its queue position when it timed out: earlier tickets would win among timed-out waiters),
 * `freeLockFastPath` (line 9's fast path taken whenever the lock word is free, not only
 * when the ticket is head: a newcomer skips the queue while the head waiter is preempted).
 *
 * Ghost state for the properties (no rule reads it): `ahead`, the vCPUs already waiting
 * when this one arrived; `timedOut`; `overtakes`, how many later arrivals acquired the lock
 * while this vCPU waited and was running in that tick (lockstep only); `seen`, during an
 * is_locked call, whether the lock was held or awaited (bit 0) and free (bit 1) at some
 * instant since its first read.
 */
import type { Draft } from 'immer'
import type { ModelRules } from '../checker/model.ts'
import { reducer } from '../checker/reducer.ts'
import { bitsOf, scheduleChoices, signedW, steppers, wrap, xadd, xchg, type HostSchedule, type Schedule } from './vm/hardware.ts'

export type LockKind = 'ticket' | 'generic' | 'pmt-basic' | 'pmt-cpt' | 'pmt-cpt-st'

/** How line 12 (and 22) of Code 3.1 casts `tail - head`: as printed, or as the prose says. */
export type TimeoutCast = 'unsigned' | 'signed'

/** Where a vCPU is in the lock code. `loop`: the proportional-timeout queue loop
 * (for `ticket`, the spin on head); `spin`: competing for the lock word;
 * `isLockedAcquired`: between the two reads of is_locked. */
export type Pc = 'idle' | 'writeTail' | 'loop' | 'spin' | 'cs' | 'unlock' | 'unlockClear' | 'tryCheck' | 'tryCas' | 'isLockedAcquired'

/** An endless timeout (a negative threshold read as unsigned, or tau = inf). */
export const INF = -1

export interface Vcpu {
  readonly pc: Pc
  /** The ticket (`inc.tail`); during trylock, the tail read. */
  readonly t: number
  /** `inc.head`, the head last seen; during trylock, the head read. */
  readonly h: number
  /** Spin iterations left; INF: endless; during trylock, the `acquired` read;
   * in the xchg loop under `spinBackoff`, the iterations still held off. */
  readonly timeout: number
  /** Critical-section steps left. */
  readonly cs: number
  /** Lock rounds left. */
  readonly left: number
  readonly timedOut: boolean
  readonly ahead: number
  readonly overtakes: number
  readonly seen: number
}

export interface SpinState extends HostSchedule {
  readonly head: number
  readonly tail: number
  readonly acquired: number
  readonly vcpus: readonly Vcpu[]
}

export type VcpuOp =
  | 'lock'
  | 'trylock'
  | 'isLocked'
  | 'isLockedAcquired'
  | 'writeTail'
  | 'loop'
  | 'spin'
  | 'cs'
  | 'unlock'
  | 'unlockClear'
  | 'tryCheck'
  | 'tryCas'

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
  readonly timeoutCast: TimeoutCast
  readonly holderPreemption: boolean
  readonly [k: string]: number | boolean | string
}

export interface SpinConfig extends SpinParams {
  readonly unsignedTimeout: boolean
  readonly noAheadGuard: boolean
  readonly unlockNoClear: boolean
  readonly nonAtomicTicket: boolean
  readonly trylockSkipAcquired: boolean
  readonly isLockedTicketsOnly: boolean
  readonly spinBackoff: boolean
  readonly freeLockFastPath: boolean
}

const WAITING: ReadonlySet<Pc> = new Set(['writeTail', 'loop', 'spin'])
const HOLDING: ReadonlySet<Pc> = new Set(['cs', 'unlock', 'unlockClear'])

export const isWaiting = (v: Vcpu): boolean => WAITING.has(v.pc)
export const isHolding = (v: Vcpu): boolean => HOLDING.has(v.pc)
const isActive = (v: Vcpu): boolean => v.pc !== 'idle' || v.left > 0

const compact = (c: SpinConfig): boolean => c.lock === 'pmt-cpt' || c.lock === 'pmt-cpt-st'
const step = (c: SpinConfig): number => (compact(c) ? 2 : 1)

/**
 * The ticks a vCPU holds the lock: the step that acquires it (xchg, cmpxchg, or the
 * ticket lock's read of head), C critical-section steps, and the unlock steps (two for
 * pmt-basic: add to head, clear acquired).
 */
export function holdTicks(c: Pick<SpinParams, 'lock' | 'C'>): number {
  return 1 + c.C + (c.lock === 'pmt-basic' ? 2 : 1)
}

/** The position in the queue as the code computes it (lines 12 and 22). */
function position(c: SpinConfig, t: number, h: number): number {
  const diff = c.unsignedTimeout ? t - h : c.timeoutCast === 'signed' ? signedW(t - h, c.W) : wrap(t - h, c.W)
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

/** The lock word says the lock is free (a competing waiter's xchg / cmpxchg would take it). */
export function lockFree(c: SpinConfig, s: SpinState): boolean {
  return compact(c) ? (s.head & 1) === 0 : s.acquired === 0
}

/**
 * The answer of is_locked's first read (Code 3.2 line 2, the ticket word; the whole lock
 * for the other variants), or undefined when pmt-basic goes on to read `acquired`.
 */
export function isLockedFirstRead(c: SpinConfig, s: SpinState): boolean | undefined {
  if (c.isLockedTicketsOnly && c.lock !== 'generic') return s.head !== s.tail
  switch (c.lock) {
    case 'generic':
      return s.acquired === 1
    case 'ticket':
      return s.head !== s.tail
    case 'pmt-basic':
      return s.head !== s.tail ? true : undefined
    case 'pmt-cpt':
    case 'pmt-cpt-st':
      return (s.head & ~1) !== s.tail || (s.head & 1) === 1
  }
}

/** What is_locked should say about the lock as vCPU `self` sees it: held, or (except for
 * the generic lock, which keeps no queue) awaited, by another vCPU. */
export function lockedOrAwaited(c: SpinConfig, s: SpinState, self: number): boolean {
  return s.vcpus.some((v, i) => i !== self && (isHolding(v) || (c.lock !== 'generic' && isWaiting(v))))
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
  } else if (me.h === me.t || (c.freeLockFastPath && lockFree(c, d))) {
    me.pc = 'spin'
  } else {
    me.timeout = threshold(c, position(c, me.t, me.h))
    me.pc = 'loop'
  }
}

/** The store of 0 into `acquired` (generic unlock; pmt-basic's second unlock step), then the release. */
function clearAndRelease(c: SpinConfig, d: Draft<SpinState>, j: number): void {
  if (!c.unlockNoClear) xchg(d, 'acquired', 0)
  release(d, j)
}

/** vCPU j's unlock, per lock kind. */
function unlock(c: SpinConfig, d: Draft<SpinState>, j: number): void {
  const W = c.W
  switch (c.lock) {
    case 'ticket':
      xadd(d, 'head', 1, W)
      release(d, j)
      return
    case 'generic':
      clearAndRelease(c, d, j)
      return
    case 'pmt-basic':
      xadd(d, 'head', 1, W)
      d.vcpus[j]!.pc = 'unlockClear'
      return
    case 'pmt-cpt':
    case 'pmt-cpt-st':
      xadd(d, 'head', c.unlockNoClear ? 2 : 1, W)
      release(d, j)
      return
    default: {
      const unknown: never = c.lock
      throw new Error(`spinlock: no lock ${JSON.stringify(unknown)}`)
    }
  }
}

/** One step of vCPU j: the rules of every variant. */
export function vcpuStep(c: SpinConfig, d: Draft<SpinState>, j: number, op: VcpuOp): void {
  const me = d.vcpus[j]!
  const W = c.W
  // a switch, not ts-pattern: this runs in `next`, at every transition (README, "How the engine works")
  switch (op) {
    case 'lock':
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
      return
    case 'writeTail':
      d.tail = wrap(me.t + step(c), W)
      queued(c, d, j, d.head)
      return
    case 'loop': {
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
        if (c.spinBackoff) me.timeout = Math.max(0, position(c, me.t, ch))
      } else if (me.timeout !== INF) {
        me.timeout--
      }
      return
    }
    case 'spin':
      if (c.spinBackoff && me.timeout > 0) {
        me.timeout--
      } else if (compact(c)) {
        if ((d.head & 1) === 0) {
          d.head |= 1
          acquire(c, d, j)
        }
      } else if (xchg(d, 'acquired', 1) === 0) {
        acquire(c, d, j)
      }
      return
    case 'cs':
      me.cs--
      if (me.cs === 0) me.pc = 'unlock'
      return
    case 'unlock':
      unlock(c, d, j)
      return
    case 'unlockClear':
      clearAndRelease(c, d, j)
      return
    case 'trylock':
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
      return
    case 'tryCheck':
      me.pc = d.acquired === 1 ? 'idle' : 'tryCas'
      return
    case 'tryCas':
      if (d.head === me.h && d.tail === me.t && (c.lock !== 'pmt-basic' || d.acquired === me.timeout)) {
        d.tail = wrap(d.tail + step(c), W)
        if (c.lock === 'pmt-basic') d.acquired = 1
        if (compact(c)) d.head |= 1
        acquire(c, d, j)
      } else {
        me.pc = 'idle'
      }
      return
    case 'isLocked':
      // The answer is compared with the truth by a step property; pmt-basic with equal
      // tickets goes on to read `acquired`.
      if (isLockedFirstRead(c, d) === undefined) {
        me.pc = 'isLockedAcquired'
        me.seen = 0
      }
      return
    case 'isLockedAcquired':
      me.pc = 'idle'
      me.seen = 0
      return
    default: {
      const unknown: never = op
      throw new Error(`spinlock: no operation ${JSON.stringify(unknown)}`)
    }
  }
}

/** Ghost: each vCPU inside is_locked records whether the lock is held or awaited now. */
function observeIsLocked(c: SpinConfig, d: Draft<SpinState>): void {
  d.vcpus.forEach((v, i) => {
    if (v.pc === 'isLockedAcquired') v.seen |= lockedOrAwaited(c, d, i) ? 1 : 2
  })
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
    spinBackoff: mutations.has('spinBackoff'),
    freeLockFastPath: mutations.has('freeLockFastPath'),
  }
}

/** The vCPUs that still have something to do, as a bit mask. */
export function activeMask(s: SpinState): number {
  return s.vcpus.reduce((m, v, i) => (isActive(v) ? m | (1 << i) : m), 0)
}

/** The vCPUs that may take the next step. */
export function stepping(c: SpinConfig, s: SpinState): number[] {
  return steppers(c.schedule, s, activeMask(s))
}

/** The state after vCPU j's next step (for a vCPU with one operation: the same rule the explorer runs). */
export function afterStep(c: SpinConfig, s: SpinState, j: number, op: VcpuOp): SpinState {
  const cur = structuredClone(s) as Draft<SpinState>
  vcpuStep(c, cur, j, op)
  return cur as SpinState
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

/** The host's choices at a tick boundary; without holder preemption, the holder always runs. */
function hostChoices(c: SpinConfig, s: SpinState, active: number): number[] {
  const all = scheduleChoices(active, c.P)
  if (c.holderPreemption) return all
  const holders = s.vcpus.reduce((m, v, i) => (isHolding(v) ? m | (1 << i) : m), 0)
  return all.filter((m) => (m & holders) === holders)
}

export function spinlockRules(p: SpinParams, mutations: ReadonlySet<string>): ModelRules<SpinState, SpinAction> {
  const c = spinConfig(p, mutations)
  if (p.P > p.V) throw new Error(`spinlock: P=${p.P} physical CPUs for V=${p.V} vCPUs: at most V`)
  const twoReads = c.trylock && c.lock === 'pmt-basic' && !c.isLockedTicketsOnly
  const opTypes: VcpuOp[] = [
    'lock',
    ...(c.trylock ? (['trylock', 'isLocked'] as const) : []),
    ...(twoReads ? (['isLockedAcquired'] as const) : []),
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
          seen: 0,
        })),
      },
    ],
    actions(s) {
      const active = activeMask(s)
      if (p.schedule === 'lockstep' && (s.pending & active) === 0) {
        return hostChoices(c, s, active).map((running) => ({ type: 'schedule', running }))
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
      if (twoReads) observeIsLocked(c, d)
    }),
    terminal: (s) => activeMask(s) === 0,
    actionTypes: [...(p.schedule === 'lockstep' ? ['schedule'] : []), ...opTypes],
    actor: (a) => (a.type === 'schedule' ? 'host' : `vCPU ${a.vcpu}`),
    describe: (a) =>
      a.type === 'schedule' ? `host: run vCPUs {${bitsOf(a.running).join(', ')}} for a tick` : `vCPU ${a.vcpu}: ${a.type}`,
  }
}
