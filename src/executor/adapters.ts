/**
 * What the executor needs to know about a model beyond the Model API, per model (it never
 * changes a rule): which actions are the host scheduler's, how the host scheduler's
 * decisions become the model's own actions, which steps a step must wait for, and which
 * steps are iterations of a spin loop (a spin iteration that changes nothing is repeated
 * by the executor without re-running it, until some other step changes the state: the
 * same execution, in far fewer reducer calls).
 */
import type { Action } from '../checker/model.ts'

export interface ExecutorAdapter {
  /** A step of the host (preempt, resume, a scheduling tick): in a timed run, only the host scheduler takes it. */
  isHostAction(a: Action): boolean
  /** The model's action for the host scheduler's decision, when the model's state records which vCPUs run. */
  hostAction?(kind: 'preempt' | 'resume', vcpu: number): Action
  /** Actors whose current step must be done before this one starts (besides its own actor). */
  waitsFor?(a: Action, vcpus: number): readonly string[] | undefined
  /** An iteration of a spin loop. */
  isSpin?(a: Action): boolean
  /**
   * Everything a spin iteration of `actor` reads or writes, as one string: equal before
   * and after an iteration means the iteration changed nothing; equal to what a spinning
   * actor last saw means its next iteration would change nothing either. Without it the
   * executor compares whole states.
   */
  spinKey?(s: unknown, actor: string): string
}

const vcpuField = (a: Action): number => (a as unknown as { vcpu: number }).vcpu

const generic: ExecutorAdapter = { isHostAction: () => false }

const adapters: Readonly<Record<string, ExecutorAdapter>> = {
  /** tlb: the model records running vCPUs; preempt/resume are the host's (src/model/tlb.ts). */
  tlb: {
    isHostAction: (a) => a.type === 'preempt' || a.type === 'resume',
    hostAction: (kind, vcpu) => ({ type: kind, vcpu }) as Action,
    waitsFor: (a) => (a.type === 'preempt' || a.type === 'resume' ? [`vCPU ${vcpuField(a)}`] : undefined),
  },
  /**
   * spinlock: `schedule` is the lockstep host tick (it waits for every vCPU's step of the
   * previous tick); `loop` and `spin` are the spin loops of Code 3.1 (lines 14-26, 29-33).
   */
  spinlock: {
    isHostAction: (a) => a.type === 'schedule',
    waitsFor: (a, vcpus) => (a.type === 'schedule' ? Array.from({ length: vcpus }, (_, v) => `vCPU ${v}`) : undefined),
    isSpin: (a) => a.type === 'loop' || a.type === 'spin',
    // the lock word and the spinning vCPU's own variables (Code 3.1 lines 14-33 touch nothing else)
    spinKey: (s, actor) => {
      const st = s as { head: number; tail: number; acquired: number; vcpus: readonly Record<string, unknown>[] }
      const v = st.vcpus[Number(actor.slice(5))]!
      return `${st.head} ${st.tail} ${st.acquired} ${v['pc']} ${v['t']} ${v['h']} ${v['timeout']} ${v['left']}`
    },
  },
}

export function adapterFor(model: string): ExecutorAdapter {
  return adapters[model] ?? generic
}
