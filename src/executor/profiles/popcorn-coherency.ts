/**
 * `popcorn-coherency`: costs of the `coherency` model in TSC cycles. The poster (seed
 * 001_44de5ba93cfef617.txt) reports message counts, no times; the protocol runs over
 * Popcorn's messaging layer, so its message and handler costs are those of `popcorn-katz`
 * (seed 000_e5bbc95a2ea9d194.txt, chapter 6: transit from Table 6.5, the handler fitted to
 * Table 6.1), reused here by reference. The rest is assumed, as said per constant.
 */
import type { Action } from '../../checker/model.ts'
import type { CohAction, CohState } from '../../model/coherency.ts'
import type { Constant, CostProfile, StepCosts } from '../profile.ts'
import { popcornKatz } from './popcorn-katz.ts'

const katz = (name: string): Constant => {
  const c = popcornKatz.constants[name]!
  return { value: c.value, kind: c.kind, source: `popcorn-katz '${name}': ${c.source}` }
}

const constants = {
  transit: katz('transit'),
  send: katz('send'),
  handler: katz('handler'),
  pteEdit: katz('localEdit'),
  memAccess: katz('memAccess'),
  pageCopy: katz('pageCopy'),
  vote: { value: 500, kind: 'assumed', source: 'a REQUEST handler reading and locking its copy\'s state (one PTE under its lock)' },
} satisfies Record<string, Constant>

type C = Readonly<Record<keyof typeof constants, number>>

function coherencyCosts(c: C, params: Readonly<Record<string, unknown>>): StepCosts {
  const K = Number(params['kernels'])
  const toAll = params['atomicBroadcast'] !== false ? (K - 1) * c.send : 0
  return {
    step: (s, act: Action) => {
      const a = act as CohAction
      switch (a.type) {
        case 'read':
        case 'write':
          return c.memAccess
        case 'fault':
          return c.pteEdit + toAll
        case 'send':
          return c.send
        case 'decide': {
          // a commit installs the page: a copy of the 4 KiB that came with a vote, unless it is already here
          const t = (s as CohState).kernels[a.kernel]!.thread
          return c.pteEdit + toAll + (a.commit && t.data >= 0 ? c.pageCopy : 0)
        }
        case 'deliver':
          if (a.kind === 'REQUEST') return c.handler + c.vote + c.send
          if (a.kind === 'COMMIT') return c.handler + c.pteEdit
          return c.handler
      }
    },
    transit: () => c.transit,
  }
}

export const popcornCoherency: CostProfile = {
  name: 'popcorn-coherency',
  doc: 'the page coherency protocol over Popcorn\'s messaging layer, in TSC cycles (seed 001; message costs of seed 000 ch. 6)',
  unit: 'TSC cycles',
  constants,
  models: { coherency: (v, p) => coherencyCosts(v as C, p) },
}
