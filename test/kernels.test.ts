/** The kernels' shared hardware, as the Popcorn models use it: partitions and the clock word. */
import { produce } from 'immer'
import { describe, expect, test } from 'vitest'
import { allocateFrame, fetchAndAdd, freeFrame, initialMachine, type Machine } from '../src/model/popcorn/kernels.ts'

describe('kernels', () => {
  test('frames are partitioned; a kernel allocates only from its own partition', () => {
    let m: Machine = initialMachine(3, 2)
    expect(m.frames.map((f) => f.owner)).toEqual([0, 0, 1, 1, 2, 2])
    const got: number[] = []
    for (let i = 0; i < 3; i++) {
      m = produce(m, (d) => {
        got.push(allocateFrame(d, 1))
      })
    }
    expect(got).toEqual([2, 3, -1])
    expect(m.frames.filter((f) => f.used).map((f) => f.owner)).toEqual([1, 1])
    m = produce(m, (d) => {
      d.frames[3]!.data = 7
      freeFrame(d, 3)
    })
    expect(m.frames[3]).toEqual({ owner: 1, used: false, data: 0 })
    m = produce(m, (d) => {
      got.push(allocateFrame(d, 1))
    })
    expect(got.at(-1)).toBe(3)
  })

  test('the clock word is read with fetch-and-add', () => {
    let m: Machine = initialMachine(2, 1)
    const seen: number[] = []
    for (let i = 0; i < 3; i++) m = produce(m, (d) => void seen.push(fetchAndAdd(d)))
    expect(seen).toEqual([0, 1, 2])
    expect(m.clock).toBe(3)
  })
})
