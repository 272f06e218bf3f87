/**
 * Where the `popcorn` state keeps what the Lamport lock rules (`lamport-lock.ts`) read and
 * write: the lock of a page of a process, `page(tg, v)`, and its heavy lock `heavy(tg)`
 * (000 5.7.4-5.7.5). Queues are per kernel and process; each task has one lock request;
 * lock messages share the channels with every other message.
 */
import type { Draft } from 'immer'
import type { LockSite } from './lamport-lock.ts'
import type { PopConfig } from './config.ts'
import type { LockRes, PopMsg, PopState } from './state.ts'

export function lockSite(c: PopConfig): LockSite<PopState, LockRes, PopMsg> {
  return {
    kernels: c.K,
    options: c.lock,
    net: (d) => d.net,
    message: (m) => ({ ...m, res: { tg: m.res.tg, res: m.res.res } }) as PopMsg,
    queues: (d, k, r) => d.kernels[k]!.queues[r.tg]!,
    resource: (r) => r.res,
    sameResource: (a, b) => a.tg === b.tg && a.res === b.res,
    lockKernel: (d, k) => d.kernels[k]!.lock,
    requests: (d, k) => (d.tasks as Draft<PopState>['tasks']).filter((t) => t.at === k && t.tg >= 0).map((t) => t.lock),
    sharedClock: (d) => d,
  }
}
