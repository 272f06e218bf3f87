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
import { PROT_RW } from '../../model/popcorn/state.ts'
import type { PopMsg, PopState } from '../../model/popcorn/state.ts'
import { bitsOf } from '../../model/popcorn/config.ts'
import { rank } from '../../model/popcorn/address-space.ts'
import { groupTargets } from '../../model/popcorn/retrieval.ts'

const constants = {
  transit: {
    value: 8_592,
    kind: 'derived',
    source: 'Table 6.5, 1 prefetch slot: "Total Message Transit" 17184 for the request and its response, halved',
  },
  send: { value: 1_500, kind: 'assumed', source: 'marshal one message into the receiver\'s buffer and signal it (4.8)' },
  handler: {
    value: 3_247,
    kind: 'fitted',
    source: 'a Lamport message handler (enqueue or dequeue, answer), fitted to Table 6.1 "Waiting for Lamport Lock" (27777)',
  },
  clockFetchAdd: { value: 300, kind: 'assumed', source: 'fetch-and-add on the shared clock word (5.7.4): a cache line shared by every socket' },
  queueOp: { value: 500, kind: 'assumed', source: 'insert or remove one entry of a local Lamport queue' },
  lookup: {
    value: 12_201,
    kind: 'fitted',
    source:
      'a QUERY handler finding the process\'s mm (its live tasks, then the saved mms) and the page in it (5.7.3), fitted to Table 6.5 "Avg Mapping Fetch Processing", 1 prefetch slot (42011); a MODIFY handler pays it too (5.7.5: it "looks up any mm_struct\'s associated with the specified distributed thread group")',
  },
  prefetchSlot: {
    value: 62,
    kind: 'fitted',
    source: 'one more mapping looked up, sent and installed (5.7.6), fitted to Table 6.5, 8 prefetch slots (42872)',
  },
  taskImport: {
    value: 103_159,
    kind: 'fitted',
    source: 'a MIGRATE handler creating (or waking) the task (5.6), fitted to Table 6.1 "Importing a migrated task, including first mapping retrieval" (188902)',
  },
  localEdit: { value: 2_000, kind: 'assumed', source: 'one edit of a local mm: install a PTE and VMA, change a protection, unmap (Linux mm code under its lock)' },
  memAccess: { value: 100, kind: 'assumed', source: 'a load or store through a usable PTE' },
  taskStep: { value: 1_000, kind: 'assumed', source: 'any other step of a task (choose an operation, decide, bookkeeping; also do_exit, whose cost the seeds do not give)' },
  pageCopy: { value: 6_000, kind: 'assumed', source: 'allocate a frame and copy a 4 KiB page (break COW)' },
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

/** What the prices read of a popcorn state: a task's member count, process and PTEs. */
interface PopLike {
  readonly tasks: readonly { readonly count: number; readonly tg: number }[]
  readonly kernels: readonly { readonly mms: readonly { readonly ptes: readonly { readonly frame: number; readonly prot: number; readonly cow: boolean }[] }[] }[]
}

/** Task `task` on kernel `at` has page `page` mapped read-write and copy-on-write. */
function writableCow(s: unknown, task: number, at: number, page: number): boolean {
  const st = s as PopLike
  const pte = st.kernels[at]?.mms[st.tasks[task]?.tg ?? -1]?.ptes[page]
  return pte !== undefined && pte.frame >= 0 && pte.cow && pte.prot === PROT_RW
}

/** popcorn (src/model/popcorn.ts): task steps, lock steps, and a handler per message kind. */
function popcornCosts(c: C, params: Readonly<Record<string, unknown>>): StepCosts {
  const K = Number(params['kernels'])
  const slots = Number(params['prefetch'] ?? 0)
  const broadcast = params['atomicBroadcast'] !== false ? (K - 1) * c.send : 0
  const lockStep = (step: string): number =>
    match(step)
      .with('stamp', () => c.clockFetchAdd)
      .with('publish', 'enqueue', () => c.queueOp + broadcast)
      .with('send', () => c.send)
      .with('release', () => c.queueOp + broadcast)
      .otherwise(() => c.queueOp)
  const taskStep = (s: unknown, task: number, name: string): number =>
    match(name)
      .with('read', 'write', () => c.memAccess)
      .with('install', () => c.localEdit + slots * c.prefetchSlot)
      .with('local', 'mprotect', 'munmap', 'mremap', 'pulled', () => c.localEdit)
      .with('cowBreak', () => c.pageCopy)
      .with('remote', 'count', 'pull', 'join', () => broadcast + c.taskStep)
      .with('query', () => query(s, task) + c.taskStep)
      // the last member of all sends GROUP_EXIT to every kernel (5.5); otherwise it saves the mm
      .with('decide', () => c.taskStep + ((s as PopLike).tasks[task]?.count === 0 ? broadcast : 0))
      .otherwise(() => c.taskStep)
  const handler = (kind: string): number =>
    match(kind)
      .with('REQUEST', 'COUNT', 'JOIN', () => c.handler + c.send)
      .with('QUERY', () => c.handler + c.lookup + slots * c.prefetchSlot + c.send)
      .with('MODIFY', () => c.handler + c.lookup + c.localEdit + c.send)
      .otherwise(() => c.handler)
  /**
   * Starting an operation takes its first step too (the choice is merged with it): exit
   * sends EXIT to every kernel (5.5); a write through a writable COW PTE breaks it there
   * (Linux's do_wp_page).
   */
  const start = (s: unknown, a: { task?: number; at?: number; op?: string; page?: number }): number =>
    match(a.op)
      .with('read', () => c.memAccess)
      .with('write', () => (writableCow(s, a.task ?? -1, a.at ?? -1, a.page ?? -1) ? c.pageCopy : c.memAccess))
      .with('exit', () => c.taskStep + broadcast)
      .otherwise(() => c.taskStep)
  /** The sends of a fault's query step by `retrieval` (000 8.2): K-1 QUERYs, one RING, or a QUERY to each other kernel of the group. */
  const query = (s: unknown, task: number): number => {
    const retrieval = params['retrieval']
    if (retrieval === 'ring' || retrieval === 'ring-all') return c.send
    if (retrieval !== 'group') return broadcast
    const st = s as PopState
    const t = st.tasks[task]
    return t === undefined || params['atomicBroadcast'] === false ? 0 : bitsOf(groupTargets(st, K, t.at, t.tg)).length * c.send
  }
  /**
   * A RING handler (8.2.1) looks the page up and forwards (or answers); on `ring-all`, a
   * request already satisfied is not looked up but imported (an edit of the local mm, if the
   * kernel has a copy of the process).
   */
  const ring = (s: unknown, a: { from: number; to: number; index: number }): number => {
    const st = s as PopState
    const m = st.net.channels[a.from * K + a.to]?.[a.index] as Extract<PopMsg, { kind: 'RING' }> | undefined
    if (m === undefined || !m.maps.some((x) => x.page === m.page && rank(x) === 2)) return c.handler + c.send + c.lookup + slots * c.prefetchSlot
    return c.handler + c.send + (st.kernels[a.to]!.mms[m.tg]!.status === 'none' ? 0 : c.localEdit)
  }
  /** A MIGRATE to a kernel with the task's shadow wakes it (5.6.2); elsewhere it creates the task (5.6.1). */
  const migrate = (s: unknown, a: { from: number; to: number; index: number }): number => {
    const st = s as { net: { channels: readonly (readonly { task: number }[])[] }; kernels: readonly { tasks: Readonly<Record<number, string>> }[] }
    const m = st.net.channels[a.from * K + a.to]?.[a.index]
    return c.handler + (m !== undefined && st.kernels[a.to]?.tasks[m.task] === 'shadow' ? c.taskStep : c.taskImport)
  }
  return {
    step: (s, a: Action) => {
      const x = a as Action & { step?: string; name?: string; kind?: string; op?: string; task?: number }
      return match(x.type)
        .with('lock', () => lockStep(x.step ?? ''))
        .with('step', () => taskStep(s, x.task ?? -1, x.name ?? ''))
        .with('start', () => start(s, x))
        .with('send', () => c.send)
        .with('deliver', () => {
          const del = x as unknown as { from: number; to: number; index: number }
          return x.kind === 'MIGRATE' ? migrate(s, del) : x.kind === 'RING' ? ring(s, del) : handler(x.kind ?? '')
        })
        .otherwise(() => c.taskStep)
    },
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
    popcorn: (c, p) => popcornCosts(c as C, p),
  },
}
