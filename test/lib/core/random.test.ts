import {describe, expect, it} from 'vitest'
import {Random} from '../../../src/lib/core/random.js'

describe('Random', () => {
  it('gives the same sequence for the same seed', () => {
    const a = new Random(7)
    const b = new Random(7)
    expect(Array.from({length: 100}, () => a.uint32())).toEqual(Array.from({length: 100}, () => b.uint32()))
  })

  it('gives different sequences for different seeds', () => {
    expect(new Random(1).uint32()).not.toBe(new Random(2).uint32())
  })

  it('stays in range and covers it', () => {
    const r = new Random(3)
    const seen = new Set<number>()
    for (let i = 0; i < 10_000; i++) {
      const v = r.int(1, 6)
      expect(v).toBeGreaterThanOrEqual(1)
      expect(v).toBeLessThanOrEqual(6)
      seen.add(v)
    }
    expect(seen.size).toBe(6)
  })

  it('draws weighted choices in proportion', () => {
    const r = new Random(11)
    const counts = [0, 0]
    for (let i = 0; i < 100_000; i++) counts[r.weightedIndex([1, 3])]++
    expect(counts[1] / 100_000).toBeCloseTo(0.75, 1)
  })
})
