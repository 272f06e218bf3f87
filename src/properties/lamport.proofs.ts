/** The `lamport` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

const lamportCi = { kernels: 3, pages: 1, heavy: true, requests: 1, atomicTimestamp: true }

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
    expect: {
      violates: 'pageMutualExclusion',
      finding:
        'a timestamp taken before the REQUEST is sent (fetch-and-add in the faulting thread, handlers in a work queue): ' +
        'the kernel ACKs a later request first, and both requesters enter (000 5.7.4)',
    },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/broadcastSteps',
    model: 'lamport',
    params: { ...lamportCi, atomicBroadcast: false },
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
    params: { ...lamportCi, atomicTimestamp: false, atomicBroadcast: false, deferAcks: true },
    expect: { holds: true },
    suites: ['ci', 'full'],
  },
  {
    id: 'lamport/faithful/deferAcks/2pages',
    model: 'lamport',
    params: { ...lamportCi, atomicTimestamp: false, atomicBroadcast: false, deferAcks: true, pages: 2 },
    expect: { holds: true },
    suites: ['full'],
  },
  ...mutationEntries('lamport', lamportCi, [
    ['noHeavyMirror', {}, 'heavyExclusion'],
    ['noCopyOnCreate', {}, 'queuesAgreeWhenDrained'],
    ['unorderedChannels', {}, 'pageMutualExclusion'],
    ['noAckWait', {}, 'pageMutualExclusion'],
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
