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

const SETTINGS: Readonly<Record<string, SimulationSettings>> = {
  ticket: { runs: 1000, depth: 100 },
  lamport: { runs: 5000, depth: 200 },
  popcorn: { runs: 5000, depth: 200 },
  spinlock: { runs: 5000, depth: 200 },
  tlb: { runs: 5000, depth: 200 },
}

export function simulationSettings(model: string): SimulationSettings {
  return SETTINGS[model] ?? { runs: 1000, depth: 100 }
}
