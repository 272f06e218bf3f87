/** The `lamport` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

const lamportCi = { kernels: 3, pages: 1, heavy: true, requests: 1, atomicTimestamp: true }
/** The faithful reading at the finest granularity: neither the request nor "send to all" is one step. */
const finest = { ...lamportCi, atomicTimestamp: false, atomicBroadcast: false }

const cause =
  'a kernel instance may be several cores (000 4.8) and its handlers run in a work queue, so its requesting thread ' +
  'and its REQUEST handler interleave: between taking the timestamp and sending REQUEST, the handler ACKs a later ' +
  'request, the ACK overtakes the own REQUEST on the FIFO channel, and both requesters enter'

export const lamportProofs: readonly ProofEntry[] = [
  {
    id: 'lamport',
    model: 'lamport',
    params: lamportCi,
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/gcCountsHeavyCopies',
    model: 'lamport',
    params: { ...lamportCi, gcCountsHeavyCopies: true },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false },
    properties: ['pageMutualExclusion'],
    expect: { violates: 'pageMutualExclusion', finding: `${cause} (000 5.7.4)` },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/kernelClocks',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false, clocks: 'perKernel' },
    properties: ['pageMutualExclusion'],
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'the clock is not the cause: with per-kernel Lamport clocks the same interleaving breaks mutual exclusion, ' +
        "since Lamport's algorithm assumes the request event (stamp, send to all) is atomic within a sequential process",
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/kernelClocks',
    model: 'lamport',
    params: { ...lamportCi, kernels: 2, clocks: 'perKernel' },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/kernelClocks/3kernels',
    model: 'lamport',
    params: { ...lamportCi, clocks: 'perKernel' },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'lamport/faithful/grantsInTimestampOrder',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false },
    properties: ['grantsInTimestampOrder'],
    expect: {
      violates: 'grantsInTimestampOrder',
      finding: 'a request is granted while a conflicting request with an earlier timestamp has not yet been sent (000 5.7.4)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/heavyPrecedence',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false },
    properties: ['heavyPrecedence'],
    expect: {
      violates: 'heavyPrecedence',
      finding:
        'a page lock is granted while a heavy operation with an earlier timestamp has not completed, against 000 5.7.5 ' +
        '"no task attempting to acquire a lock on a per page queue is successful until all heavy atomic operations that ' +
        'have higher time precedence have completed"',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/broadcastSteps',
    model: 'lamport',
    params: { ...lamportCi, atomicBroadcast: false },
    properties: ['pageMutualExclusion'],
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'even with an atomic timestamp, a REQUEST sent one kernel at a time lets the requester ACK a later request ' +
        'on the channel to a kernel its REQUEST has not reached yet: both requesters enter',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/deferAcks',
    model: 'lamport',
    params: { ...finest, deferAcks: true },
    properties: ['pageMutualExclusion'],
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'the deferAcks fix fails at the finest granularity: the handler runs between the fetch-and-add and the store ' +
        'that publishes its result, sees no own request, and ACKs the later request at once',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/requestLock',
    model: 'lamport',
    params: { ...finest, requestLock: true },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/requestLock/2pages',
    model: 'lamport',
    params: { ...finest, requestLock: true, pages: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'lamport/faithful/requestLock/kernelClocks',
    model: 'lamport',
    params: { ...finest, requestLock: true, clocks: 'perKernel', heavy: false },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'lamport/threads',
    model: 'lamport',
    params: { ...lamportCi, kernels: 2, threads: 2 },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/threads',
    model: 'lamport',
    params: { ...lamportCi, kernels: 2, requesters: 1, threads: 2, atomicTimestamp: false },
    properties: ['pageMutualExclusion'],
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'two threads of one kernel (000 5.7.5, "even another task on this kernel instance"): the later-stamped one ' +
        'sends first and enters, then the earlier one heads every queue and enters too',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/requestLock/threads',
    model: 'lamport',
    params: { ...finest, kernels: 2, threads: 2, requestLock: true, heavy: false },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/requestLock/threads/heavy',
    model: 'lamport',
    params: { ...finest, kernels: 2, threads: 2, requestLock: true },
    expect: { holds: true },
    suites: ['full'],
  },
  ...mutationEntries('lamport', lamportCi, [
    ['noHeavyMirror', {}, 'heavyPrecedence'],
    ['noHeavyMirror', {}, 'heavyExclusion', true],
    ['noCopyOnCreate', {}, 'heavyPrecedence'],
    ['noCopyOnCreate', {}, 'queuesAgreeWhenDrained', true],
    ['unorderedChannels', {}, 'grantsInTimestampOrder'],
    ['unorderedChannels', {}, 'pageMutualExclusion', true],
    ['noAckWait', {}, 'grantsInTimestampOrder'],
    ['noAckWait', {}, 'pageMutualExclusion', true],
    ['appendQueue', {}, 'queuesOrdered'],
    ['noGc', {}, 'noQueueLeftAtEnd'],
  ]),
  {
    id: 'lamport/2pages',
    model: 'lamport',
    params: { ...lamportCi, pages: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'lamport/2requests',
    model: 'lamport',
    params: { ...lamportCi, requests: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
]

/**
 * Liveness: `requestGranted` (see `lamportLiveness`) under fair delivery and fair threads,
 * and without any fairness: each thread takes finitely many locks, so every behaviour ends
 * and the property holds when no request is left stuck; `noCopyOnCreate` leaves one stuck.
 */
const granted = { properties: ['requestGranted'], fair: ['channel *', 'kernel *'], kind: 'weak' } as const
const lamportLive = { properties: [], checkDeadlock: false } as const

export const lamportLivenessProofs: readonly ProofEntry[] = [
  { id: 'lamport/liveness', model: 'lamport', params: lamportCi, ...lamportLive, liveness: granted, expect: { holds: true }, suites: ['ci', 'full'] },
  {
    id: 'lamport/liveness/unfair',
    model: 'lamport',
    params: lamportCi,
    ...lamportLive,
    liveness: { ...granted, fair: [] },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'lamport/liveness/noCopyOnCreate',
    model: 'lamport',
    params: lamportCi,
    mutations: ['noCopyOnCreate'],
    ...lamportLive,
    liveness: granted,
    expect: { violates: 'requestGranted' },
    suites: ['ci', 'full'],
  },
]
