/** The `multikernel` model's proofs: what `rkcheck verify` runs, and the outcome expected of each. */
import { mutationEntries, type ProofEntry } from '../checker/proofs.ts'

/** Three packages of two cores: every multicast tree has two remote packages, each with a core to forward to. */
const ci = { sockets: 3, coresPerSocket: 2, cores: 6 }

export const multikernelProofs: readonly ProofEntry[] = [
  ...(['unicast', 'broadcast', 'multicast', 'numa-multicast'] as const).map(
    (protocol): ProofEntry => ({ id: `multikernel/${protocol}`, model: 'multikernel', params: { ...ci, protocol }, expect: { holds: true }, suites: ['ci', 'full'] }),
  ),
  ...(['unicast', 'broadcast', 'multicast', 'numa-multicast'] as const).map(
    (protocol): ProofEntry => ({
      id: `multikernel/${protocol}/4x2`,
      model: 'multikernel',
      params: { sockets: 4, coresPerSocket: 2, cores: 8, protocol },
      expect: { holds: true },
      suites: ['full'],
    }),
  ),
  ...mutationEntries('multikernel', { ...ci, protocol: 'numa-multicast' }, [
    ['earlyAggregateAck', {}, 'invalidatedAtCompletion'],
    ['skipLastTarget', {}, 'invalidatedAtCompletion'],
  ]),
]
