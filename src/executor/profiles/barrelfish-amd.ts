/**
 * `barrelfish-amd`: costs of the `multikernel` model in cycles of the "8x4-core AMD system"
 * of seed 003_82aa9e2661ed9b79.txt (Figure 2). The seed's text carries no number: Figures
 * 2, 6 and 7 are captions only. What it gives is the mechanism: messages are cache lines
 * moved by the coherence protocol ("region of shared memory used as channel for
 * cache-line-sized messages", "minimize number of interconnect messages"), receivers poll,
 * and costs grow with interconnect distance ("Hardware is starting to resemble a
 * message-passing network"). Every constant below is therefore an assumption, of the order
 * of a 2008 Opteron's cache-line transfers; the experiment's result is a shape, not a
 * reproduction of Figure 6's numbers.
 */
import type { Action, Params } from '../../checker/model.ts'
import { hops, shootdownTree, type McAction, type McState, type Protocol } from '../../model/multikernel.ts'
import type { Constant, CostProfile, StepCosts } from '../profile.ts'

const constants = {
  lineLocal: { value: 150, kind: 'assumed', source: 'a cache line moved between two cores of one package (through their shared L3)' },
  lineRemote: { value: 500, kind: 'assumed', source: 'a cache line moved to a core of a neighbouring package (one HyperTransport hop)' },
  perHop: { value: 200, kind: 'assumed', source: 'each further HyperTransport hop of a cache-line transfer' },
  lineContention: {
    value: 500,
    kind: 'assumed',
    source: 'the broadcast channel\'s line is fetched by every reader; its home serves one fetch at a time, each as long as a one-hop transfer (lineRemote)',
  },
  invalidate: { value: 100, kind: 'assumed', source: 'invlpg of one page' },
  pteClear: { value: 100, kind: 'assumed', source: 'clear the PTE before the shootdown' },
  poll: { value: 50, kind: 'assumed', source: 'a polling core reads a message already in its cache and dispatches it' },
} satisfies Record<string, Constant>

type C = Readonly<Record<keyof typeof constants, number>>

function multikernelCosts(c: C, params: Params): StepCosts {
  const perSocket = Number(params['coresPerSocket'])
  const tree = shootdownTree(params['protocol'] as Protocol, Number(params['cores']), perSocket)
  const socket = (core: number): number => Math.floor(core / perSocket)
  /** Moving a line from one core to another: within a package, or across `hops` links. */
  const transfer = (a: number, b: number): number => {
    const h = hops(socket(a), socket(b))
    return h === 0 ? c.lineLocal : c.lineRemote + (h - 1) * c.perHop
  }
  /** Writing a message: the store takes the channel's line back from the receiver's cache. */
  const write = (from: number, to: number): number => transfer(from, to)
  const ackUp = (core: number): number => write(core, tree.parent[core]!)
  const coreOf = (actor: string): number => Number(actor.slice(5))
  return {
    step: (st, act: Action) => {
      const s = st as McState
      const a = act as McAction
      switch (a.type) {
        case 'start':
          return c.pteClear + c.invalidate
        case 'writeLine':
          return c.lineLocal
        case 'readLine':
          return s.cores.filter((x) => x.read).length * c.lineContention + c.invalidate + ackUp(a.core)
        case 'send':
          return write(a.core, tree.children[a.core]![s.cores[a.core]!.sent]!)
        case 'ack':
          return ackUp(a.core)
        case 'complete':
          return c.poll
        case 'deliver':
          if (a.kind === 'ACK') return c.poll
          // a leaf writes its acknowledgement in the same step; an aggregator forwards next
          return c.poll + c.invalidate + (tree.children[a.to]!.length === 0 ? ackUp(a.to) : 0)
      }
    },
    transit: (_kind, from, to) => transfer(coreOf(from), coreOf(to)),
  }
}

export const barrelfishAmd: CostProfile = {
  name: 'barrelfish-amd',
  doc: 'message-passing TLB shootdown on the 8x4-core AMD of the Barrelfish slides, in cycles (seed 003; every constant assumed)',
  unit: 'cycles',
  constants,
  models: { multikernel: (v, p) => multikernelCosts(v as C, p) },
}
