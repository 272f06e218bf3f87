/** Every counterexample kept in traces/ still replays exactly against today's models. */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseItf } from '../src/checker/itf.ts'
import { builtinModel, loadModelFile } from '../src/checker/load.ts'
import { replayTrace } from '../src/checker/replay.ts'

const files = readdirSync('traces').filter((f) => f.endsWith('.itf.json'))

describe('kept traces', () => {
  test('there are traces to check', () => expect(files.length).toBeGreaterThan(0))
  for (const f of files) {
    test(`${f} reproduces its violation`, async () => {
      const trace = parseItf(readFileSync(`traces/${f}`, 'utf8'), f)
      // a kept trace of a user model is one of the examples
      const file = trace.meta.modelFile
      const factory = file !== undefined ? await loadModelFile(join('examples', basename(file))) : builtinModel(trace.meta.model)
      const r = replayTrace(factory, trace)
      expect(r.message).toMatch(/^reproduced/)
      expect(r.ok).toBe(true)
    })
  }
})
