/**
 * `popcorn-katz`: costs of the Popcorn models in TSC cycles (one cycle of the 1.4 GHz
 * AMD Opteron 6274 of seed 000_e5bbc95a2ea9d194.txt (Katz), chapter 6). The thesis gives
 * end-to-end times (Table 6.1, Table 6.5), not the cost of each handler: the per-message
 * and per-handler costs below are fitted on some of those rows by `rkcheck experiment
 * popcorn-costs`, which predicts the other rows and prints the error of each.
 */
import { match } from 'ts-pattern'
import type { Action } from '../../checker/model.ts'
import type { CostProfile, StepCosts } from '../profile.ts'

const constants = {
  transit: {
    value: 8_592,
    kind: 'derived',
    source: 'Table 6.5, 1 prefetch slot: "Total Message Transit" 17184 for the request and its response, halved',
  },
  send: { value: 1_500, kind: 'assumed', source: 'marshal one message into the receiver\'s buffer and signal it (4.8)' },
  handler: {
    value: 3_596,
    kind: 'fitted',
    source: 'a Lamport message handler (enqueue or dequeue, answer), fitted to Table 6.1 "Waiting for Lamport Lock" (27777)',
  },
  clockFetchAdd: { value: 300, kind: 'assumed', source: 'fetch-and-add on the shared clock word (5.7.4): a cache line shared by every socket' },
  queueOp: { value: 500, kind: 'assumed', source: 'insert or remove one entry of a local Lamport queue' },
} as const

type C = Readonly<Record<keyof typeof constants, number>>

/** lamport (src/model/lamport.ts): timestamps, local queues, REQUEST / ACK / RELEASE. */
function lamportCosts(c: C, params: Readonly<Record<string, unknown>>): StepCosts {
  const K = Number(params['kernels'])
  const atomicBroadcast = params['atomicBroadcast'] !== false
  const broadcast = atomicBroadcast ? (K - 1) * c.send : 0
  const enqueueAndSend = c.queueOp + broadcast
  return {
    step: (_s, a: Action) =>
      match(a as Action & { kind?: string })
        .with({ type: 'request' }, () => c.clockFetchAdd + (params['atomicTimestamp'] === true ? enqueueAndSend : 0))
        .with({ type: 'enqueue' }, () => enqueueAndSend)
        .with({ type: 'send' }, () => c.send)
        .with({ type: 'enter' }, () => c.queueOp)
        .with({ type: 'release' }, () => c.queueOp + broadcast)
        .with({ type: 'deliver', kind: 'REQUEST' }, () => c.handler + c.send)
        .with({ type: 'deliver' }, () => c.handler)
        .otherwise(() => c.queueOp),
    transit: () => c.transit,
  }
}

export const popcornKatz: CostProfile = {
  name: 'popcorn-katz',
  doc: 'Popcorn messaging, Lamport locks and mapping retrieval, in TSC cycles (seed 000, chapter 6)',
  unit: 'TSC cycles',
  constants,
  models: {
    lamport: (c, p) => lamportCosts(c as C, p),
  },
}
