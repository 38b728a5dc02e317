import {describe, expect, it} from 'vitest'
import {LastValueTable} from '../../../src/lib/sql/last-value-table.js'

describe('LastValueTable', () => {
  it('keeps one value per partition, numbers and other values alike', () => {
    const table = new LastValueTable()
    const a = table.idOf('a', 1000)
    const b = table.idOf('b', 1000)
    expect(table.idOf('a', 2000)).toBe(a)
    table.keep(a, 42, 1000, table.nextRow(a, 1000))
    table.keep(b, 'text', 1000, table.nextRow(b, 1000))
    expect(table.keptWithin(a, 1, 1, 1500, Infinity)).toBe(42)
    expect(table.keptWithin(b, 1, 1, 1500, Infinity)).toBe('text')
    table.keep(b, null, 1200, table.nextRow(b, 1200))
    expect(table.keptWithin(b, 2, 1, 1500, Infinity)).toBeNull()
  })

  it('says nothing is kept once the value is outside the frame, by rows or by time', () => {
    const table = new LastValueTable()
    const id = table.idOf('k', 0)
    expect(table.keptWithin(id, 0, Infinity, 0, Infinity)).toBeUndefined()
    table.keep(id, 7, 1000, table.nextRow(id, 1000))
    expect(table.keptWithin(id, 2, 1, 1000, Infinity)).toBeUndefined()
    expect(table.keptWithin(id, 1, 1, 1000, Infinity)).toBe(7)
    expect(table.keptWithin(id, 1, Infinity, 5001, 4000)).toBeUndefined()
    expect(table.keptWithin(id, 1, Infinity, 5000, 4000)).toBe(7)
  })

  it('drops partitions idle past a limit and reuses their slots empty', () => {
    const table = new LastValueTable()
    const old = table.idOf('old', 1000)
    table.keep(old, 'stale', 1000, table.nextRow(old, 1000))
    const live = table.idOf('live', 5000)
    table.keep(live, 5, 5000, table.nextRow(live, 5000))
    table.dropOlderThan(2000)
    expect(table.size).toBe(1)
    const fresh = table.idOf('new', 6000)
    expect(fresh).toBe(old)
    expect(table.keptWithin(fresh, 0, Infinity, 6000, Infinity)).toBeUndefined()
    expect(table.nextRow(fresh, 6000)).toBe(0)
    expect(table.keptWithin(live, 1, Infinity, 6000, Infinity)).toBe(5)
  })

  it('grows past its first capacity without losing state', () => {
    const table = new LastValueTable()
    for (let i = 0; i < 5000; i++) {
      const id = table.idOf(`u${i}`, i)
      table.keep(id, i, i, table.nextRow(id, i))
    }
    expect(table.size).toBe(5000)
    expect(table.keptWithin(table.idOf('u17', 6000), 1, Infinity, 6000, Infinity)).toBe(17)
    expect(table.keptWithin(table.idOf('u4999', 6000), 1, Infinity, 6000, Infinity)).toBe(4999)
  })

  it('round-trips through its snapshot entries', () => {
    const table = new LastValueTable()
    for (const [key, v] of [['a', 1], ['b', 'x'], ['c', null]] as const) {
      const id = table.idOf(key, 100)
      table.nextRow(id, 100)
      table.keep(id, v, 100, table.nextRow(id, 200))
    }
    table.idOf('empty', 300)
    const entries = JSON.parse(JSON.stringify(table.entries()))
    const copy = new LastValueTable()
    copy.restore(entries)
    expect(copy.entries()).toEqual(table.entries())
    expect(copy.keptWithin(copy.idOf('b', 400), 2, Infinity, 400, Infinity)).toBe('x')
    expect(copy.nextRow(copy.idOf('a', 400), 400)).toBe(2)
  })
})
