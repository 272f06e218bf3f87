/** The `coherency` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

/** Two kernels, a two-page array, two accesses each (reads and writes of any page). */
const coherencyCi = { kernels: 2, pages: 2, ops: 2 }
/** Three kernels, one access each: every vote has two voters. */
const three = { kernels: 3, pages: 1, ops: 1 }

export const coherencyProofs: readonly ProofEntry[] = [
  { id: 'coherency', model: 'coherency', params: coherencyCi, expect: { holds: true }, suites: ['ci', 'full'] },
  { id: 'coherency/3kernels/rw', model: 'coherency', params: { ...three, workload: 'rw' }, expect: { holds: true }, suites: ['ci', 'full'] },
  { id: 'coherency/3kernels/ww', model: 'coherency', params: { ...three, workload: 'ww' }, expect: { holds: true }, suites: ['ci', 'full'] },
  { id: 'coherency/3kernels', model: 'coherency', params: three, expect: { holds: true }, suites: ['full'] },
  { id: 'coherency/3ops', model: 'coherency', params: { ...coherencyCi, ops: 3 }, expect: { holds: true }, suites: ['full'] },
  { id: 'coherency/stepwise', model: 'coherency', params: { ...coherencyCi, atomicBroadcast: false }, expect: { holds: true }, suites: ['ci', 'full'] },
  {
    id: 'coherency/3kernels/rw/stepwise',
    model: 'coherency',
    params: { ...three, workload: 'rw', atomicBroadcast: false },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'coherency/3kernels/ww/stepwise',
    model: 'coherency',
    params: { ...three, workload: 'ww', atomicBroadcast: false },
    expect: { holds: true },
    suites: ['full'],
  },
  {
    id: 'coherency/majority',
    model: 'coherency',
    params: { ...three, quorum: 'majority' },
    expect: {
      violates: 'singleWriterOrReaders',
      finding:
        'the majority reading of "voting" (001) loses coherency: two kernels first-touch a page at once, a third votes ' +
        'YES for one, is unlocked by its COMMIT and votes YES for the other; each has a majority and both install the ' +
        'page NotReplicated. Only unanimous votes keep a single writer',
    },
    suites: ['ci', 'full'],
  },
  ...mutationEntries('coherency', coherencyCi, [
    ['writeKeepsReaders', {}, 'singleWriterOrReaders'],
    ['readHitInvalid', {}, 'readReturnsLastWrite'],
    ['ignoreWhenLocked', {}, 'noRequestUnanswered'],
    ['deferWhenLocked', {}, 'deadlock'],
    ['writeMissNotReplicated', {}, 'singleWriterOrReaders'],
  ]),
]
