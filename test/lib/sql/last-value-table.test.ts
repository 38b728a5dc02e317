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

  it('behaves as a Map of partitions under random keys, values and expiry', () => {
    // A model: Map key -> {n, lastT, kept}. Keys: short and long strings (the inline and the
    // stored compare), numbers, booleans, strings differing in one unit, and the empty string.
    let seed = 11
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    const pool: (string | number | boolean)[] = ['', 'a', 'b', 'u1', 'u12', 'u1234567', 'u12345678', 'user-0000000001', 'user-0000000002', 0, 1, -1, 2.5, true, false, 'é', '\u{1F600}']
    for (let i = 0; i < 300; i++) pool.push(`k${i}`, `key-with-a-long-name-${i}`, i * 1000)
    const table = new LastValueTable()
    const model = new Map<string | number | boolean, {n: number; lastT: number; kept?: {v: unknown; t: number; i: number}}>()
    let t = 0
    for (let step = 0; step < 40_000; step++) {
      t += rand(50)
      const key = pool[rand(pool.length)]
      const id = table.idOf(key, t)
      let m = model.get(key)
      if (!m) model.set(key, (m = {n: 0, lastT: t}))
      const rowIndex = table.nextRow(id, t)
      expect(rowIndex).toBe(m.n)
      m.n++
      m.lastT = t
      const expected = m.kept && rowIndex - m.kept.i <= 3 && m.kept.t >= t - 500 ? m.kept.v : undefined
      expect(table.keptWithin(id, rowIndex, 3, t, 500)).toBe(expected)
      if (rand(3) > 0) {
        const v = rand(4) === 0 ? `s${rand(10)}` : rand(5) === 0 ? null : rand(1_000_000)
        table.keep(id, v, t, rowIndex)
        m.kept = {v, t, i: rowIndex}
      }
      if (step % 997 === 0) {
        table.dropOlderThan(t - 800)
        for (const [k, x] of model) if (x.lastT < t - 800) model.delete(k)
        expect(table.size).toBe(model.size)
      }
    }
    const entries = new Map(table.entries())
    expect(entries.size).toBe(model.size)
    for (const [k, m] of model) {
      const e = entries.get(k)!
      expect({n: e.n, lastT: e.lastT, has: e.has}).toEqual({n: m.n, lastT: m.lastT, has: m.kept !== undefined})
      if (m.kept) expect({v: e.v, t: e.t, i: e.i}).toEqual({v: m.kept.v, t: m.kept.t, i: m.kept.i})
    }
  })

  it('still finds every live partition after others around it were dropped', () => {
    const table = new LastValueTable()
    // 400 keys: every other one goes idle; dropping them must not hide the ones probed past them.
    for (let i = 0; i < 400; i++) {
      const t = i % 2 === 0 ? 0 : 10_000
      const id = table.idOf(`user-${i}`, t)
      table.nextRow(id, t)
    }
    table.dropOlderThan(5000)
    expect(table.size).toBe(200)
    for (let i = 1; i < 400; i += 2) expect(table.nextRow(table.idOf(`user-${i}`, 20_000), 20_000)).toBe(1)
    expect(table.size).toBe(200)
  })
})

