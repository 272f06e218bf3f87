/**
 * Random simulation at CI settings, per model: the runs and the most steps per run with
 * which `rkcheck simulate` finds every mutation of the model (`test/simulate.test.ts`
 * checks it for every verify entry with a mutation; `bench/shrink-margin.ts` measures it
 * over several seeds).
 */
export interface SimulationSettings {
  readonly runs: number
  readonly depth: number
}

/** Worst run that found a mutation over seeds 1-5, in comments (`bench/shrink-margin.ts --seeds 5`). */
const SETTINGS: Readonly<Record<string, SimulationSettings>> = {
  ticket: { runs: 1000, depth: 100 }, // 2
  lamport: { runs: 5000, depth: 200 }, // 1,826
  popcorn: { runs: 10000, depth: 200 }, // 3,223
  spinlock: { runs: 5000, depth: 200 }, // 340
  tlb: { runs: 5000, depth: 200 }, // 45
  coherency: { runs: 1000, depth: 100 }, // 97
  multikernel: { runs: 1000, depth: 100 }, // 17
  pisces: { runs: 1000, depth: 100 }, // 92
}

export function simulationSettings(model: string): SimulationSettings {
  return SETTINGS[model] ?? { runs: 1000, depth: 100 }
}
