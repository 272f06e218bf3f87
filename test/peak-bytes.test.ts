/** The bytes a search holds at its peak: visited set, trace log and frontier, per distinct state. */
import { describe, expect, test } from 'vitest'
import { explore } from '../src/checker/explorer.ts'
import { DEFAULT_CHUNK_WORDS } from '../src/checker/frontier.ts'
import { builtinModel } from '../src/checker/load.ts'
import { resolveParams } from '../src/checker/params.ts'

const ticket = builtinModel('ticket')
const model = ticket.create(resolveParams(ticket, ['threads=4', 'modulo=8']), new Set())

describe('peakBytesPerState', () => {
  test('counts the frontier of state vectors on top of the visited set and the trace log', () => {
    const s = explore(model).stats
    // a frontier holds at least one chunk (DEFAULT_CHUNK_WORDS int32 words) while states wait in it
    expect(s.peakBytesPerState * s.distinct).toBeGreaterThanOrEqual(s.bytesPerState * s.distinct + 4 * DEFAULT_CHUNK_WORDS)
  })

  test('is the visited set and the trace log alone when the frontier holds objects (not counted)', () => {
    const s = explore(model, { representation: 'objects' }).stats
    expect(s.peakBytesPerState).toBe(s.bytesPerState)
  })
})
