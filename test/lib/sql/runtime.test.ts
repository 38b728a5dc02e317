import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/lib/core/errors.js'
import {compileApplication} from '../../../src/lib/sql/index.js'
import type {Row} from '../../../src/lib/sql/types.js'
import {WORKSHOPS} from './workshops.js'

const T0 = Date.UTC(2024, 0, 1)
const source = {name: 'SRC', columns: [{name: 'K', type: {name: 'VARCHAR' as const, length: 8}}, {name: 'V', type: {name: 'INTEGER' as const}}]}

const APP = `
CREATE STREAM PER_MINUTE (K VARCHAR(8), N BIGINT, TOTAL BIGINT);
CREATE PUMP P1 AS INSERT INTO PER_MINUTE
  SELECT STREAM K, COUNT(*), SUM(V) FROM SRC GROUP BY K, FLOOR(SRC.ROWTIME TO MINUTE);
CREATE STREAM SESSIONS (K VARCHAR(8), N BIGINT);
CREATE PUMP P2 AS INSERT INTO SESSIONS
  SELECT STREAM K, COUNT(*) FROM SRC WINDOWED BY STAGGER (PARTITION BY K RANGE INTERVAL '30' SECOND);
CREATE STREAM SLIDING (K VARCHAR(8), PREV INTEGER, S BIGINT);
CREATE PUMP P3 AS INSERT INTO SLIDING
  SELECT STREAM K, LAG(V) OVER (PARTITION BY K ROWS 1 PRECEDING), SUM(V) OVER (PARTITION BY K RANGE INTERVAL '1' MINUTE PRECEDING) FROM SRC;
`

function collect() {
  const rows: string[] = []
  return {rows, onRow: (stream: string, row: Row, t: number) => rows.push(`${stream}@${t - T0}:${JSON.stringify(row)}`)}
}

const input: [string, number, number][] = Array.from({length: 200}, (_, i) => [`k${i % 7}`, i, T0 + i * 1700])

describe('application runtime', () => {
  it('describes its streams: sources first, which are pumped and which are results', () => {
    const app = compileApplication(APP, {sources: [source]})
    expect(app.streams.map((s) => [s.name, s.isSource, s.isPumped, s.isTerminal])).toEqual([
      ['SRC', true, false, false],
      ['PER_MINUTE', false, true, true],
      ['SESSIONS', false, true, true],
      ['SLIDING', false, true, true],
    ])
  })

  it('explains each pump as a plan tree', () => {
    const text = compileApplication(APP, {sources: [source]}).explain()
    expect(text).toContain('PUMP P1 → PER_MINUTE')
    expect(text).toContain('TumblingWindow GROUP BY K, FLOOR(SRC.ROWTIME TO MINUTE)')
    expect(text).toContain('StaggerWindow PARTITION BY K')
    expect(text).toContain('Scan SRC')
  })

  it('given a snapshot taken mid-stream, a restored runtime continues exactly like an uninterrupted one', () => {
    const app = compileApplication(APP, {sources: [source]})
    const straight = collect()
    const rt = app.createRuntime({onRow: straight.onRow})
    for (const [k, v, t] of input) rt.push('SRC', [k, v], t)
    rt.end()

    const resumed = collect()
    const first = app.createRuntime({onRow: resumed.onRow})
    for (const [k, v, t] of input.slice(0, 90)) first.push('SRC', [k, v], t)
    const saved = JSON.parse(JSON.stringify(first.snapshot()))
    const second = app.createRuntime({onRow: resumed.onRow, restore: saved})
    for (const [k, v, t] of input.slice(90)) second.push('SRC', [k, v], t)
    second.end()
    expect(resumed.rows).toEqual(straight.rows)
    expect(straight.rows.length).toBeGreaterThan(300)
  })

  it('rejects a snapshot of another application', () => {
    const other = compileApplication('CREATE STREAM O (K VARCHAR(8)); CREATE PUMP P AS INSERT INTO O SELECT STREAM K FROM SRC;', {sources: [source]})
    const snapshot = other.createRuntime({onRow: () => {}}).snapshot()
    expect(() => compileApplication(APP, {sources: [source]}).createRuntime({onRow: () => {}, restore: snapshot})).toThrow(InputError)
  })

  it('a heartbeat closes a window that ended while the input was idle; end() closes the rest', () => {
    const out = collect()
    const rt = compileApplication(APP, {sources: [source]}).createRuntime({onRow: out.onRow})
    rt.push('SRC', ['a', 1], T0 + 1000)
    expect(out.rows.filter((r) => r.startsWith('PER_MINUTE'))).toEqual([])
    rt.advanceTime(T0 + 59_999)
    expect(out.rows.filter((r) => r.startsWith('PER_MINUTE'))).toEqual([])
    rt.advanceTime(T0 + 60_000)
    expect(out.rows.filter((r) => r.startsWith('PER_MINUTE'))).toEqual(['PER_MINUTE@60000:["a",1,1]'])
    rt.push('SRC', ['b', 2], T0 + 61_000)
    rt.end()
    expect(out.rows.filter((r) => !r.startsWith('SLIDING'))).toEqual([
      'SESSIONS@31000:["a",1]',
      'PER_MINUTE@60000:["a",1,1]',
      'PER_MINUTE@120000:["b",1,2]',
      'SESSIONS@91000:["b",1]',
    ])
  })

  it('keeps ROWTIME monotonic: a row earlier than the last one gets the last ROWTIME', () => {
    const out = collect()
    const rt = compileApplication('CREATE STREAM O (K VARCHAR(8)); CREATE PUMP P AS INSERT INTO O SELECT STREAM K FROM SRC;', {sources: [source]}).createRuntime({onRow: out.onRow})
    rt.push('SRC', ['a', 1], T0 + 5000)
    rt.push('SRC', ['b', 1], T0 + 1000)
    expect(out.rows).toEqual(['O@5000:["a"]', 'O@5000:["b"]'])
  })

  it('refuses rows for streams that are not sources', () => {
    const rt = compileApplication(APP, {sources: [source]}).createRuntime({onRow: () => {}})
    expect(() => rt.push('PER_MINUTE', ['a', 1, 1], T0)).toThrow(/not a source stream/)
  })

  it('keeps LAG state per key, not per event: the snapshot does not grow with events', () => {
    const w = WORKSHOPS.find((x) => x.file === 'seed-004-lag-sessionization.sql')!
    const app = compileApplication(w.sql, {sources: w.sources})
    const rt = app.createRuntime({onRow: () => {}})
    const size = () => JSON.stringify(rt.snapshot()).length
    let t = T0
    const feed = (n: number) => {
      for (let i = 0; i < n; i++) {
        t += 100
        rt.push(w.sources[0].name, [`u${i % 50}`, t, 'click', 'click', 'desktop'], t)
      }
    }
    feed(1000)
    const after1k = size()
    feed(20_000)
    expect(size()).toBeLessThan(after1k * 1.2)
  })
})

describe('the columns an application reads', () => {
  const SOURCE = {
    name: 'SRC',
    columns: ['A', 'B', 'C', 'D'].map((name) => ({name, type: {name: 'INTEGER' as const}})),
  }
  const readOf = (sql: string) => compileApplication(sql, {sources: [SOURCE]}).streams.find((s) => s.name === 'SRC')!.columnsRead

  it.each([
    {given: 'a projection and a filter', sql: 'SELECT STREAM A + 1 FROM SRC WHERE C > 0', read: [true, false, true, false]},
    {given: '*', sql: 'SELECT STREAM * FROM SRC', read: [true, true, true, true]},
    {given: 'a qualified * of a join of the source with itself', sql: 'SELECT STREAM l.* FROM SRC AS l JOIN SRC AS r ON l.A = r.D', read: [true, true, true, true]},
    {given: 'a join of the source with itself, columns named', sql: 'SELECT STREAM l.B FROM SRC AS l JOIN SRC AS r ON l.A = r.D', read: [true, true, false, true]},
    {given: 'a subquery', sql: 'SELECT STREAM X FROM (SELECT STREAM B AS X, D FROM SRC)', read: [false, true, false, true]},
    {given: 'GROUP BY and an aggregate', sql: "SELECT STREAM C, SUM(D) FROM SRC GROUP BY C, STEP(SRC.ROWTIME BY INTERVAL '1' MINUTE)", read: [false, false, true, true]},
    {given: 'a window PARTITION BY', sql: 'SELECT STREAM LAG(A, 1) OVER (PARTITION BY B ROWS 1 PRECEDING) FROM SRC', read: [true, true, false, false]},
    {given: 'ROWTIME and COUNT(*) only', sql: "SELECT STREAM COUNT(*) FROM SRC GROUP BY FLOOR(SRC.ROWTIME TO MINUTE)", read: [false, false, false, false]},
    {given: 'two pumps', sql: 'CREATE STREAM O1 (X INTEGER); CREATE STREAM O2 (Y INTEGER); CREATE PUMP P1 AS INSERT INTO O1 SELECT STREAM A FROM SRC; CREATE PUMP P2 AS INSERT INTO O2 SELECT STREAM D FROM SRC', read: [true, false, false, true]},
  ])('are what its queries name: $given', ({sql, read}) => {
    expect(readOf(sql)).toEqual(read)
  })

  it('a row pushed with unread columns left NULL gives the same results, and error_stream the whole row', () => {
    // The second pump fails on D = 0 (division by zero); its error row shows the row it refused.
    const sql = 'CREATE STREAM O (X INTEGER); CREATE PUMP P AS INSERT INTO O SELECT STREAM 100 / D FROM SRC WHERE A > 0'
    const app = compileApplication(sql, {sources: [SOURCE]})
    expect(app.streams[0].columnsRead).toEqual([true, false, false, true])
    const whole: Row[] = [[1, 2, 3, 4], [5, 6, 7, 0], [-1, 8, 9, 0]]
    const run = (rows: Row[], wholeRow?: (stream: string, row: Row) => Row) => {
      const out: [string, Row][] = []
      const rt = app.createRuntime({onRow: (stream, row) => out.push([stream, row]), wholeRow})
      rows.forEach((row, i) => rt.push('SRC', row, T0 + i))
      rt.end()
      return out
    }
    const pruned = whole.map((r) => r.map((v, c) => (app.streams[0].columnsRead[c] ? v : null)))
    const asked: Row[] = []
    const answer = (stream: string, row: Row) => {
      expect(stream).toBe('SRC')
      asked.push(row)
      return whole[pruned.indexOf(row)]
    }
    const expected = run(whole)
    expect(expected.map(([stream]) => stream)).toEqual(['O', 'error_stream'])
    expect(Buffer.from(String(expected[1][1][5]), 'hex').toString()).toBe('[5,6,7,0]')
    expect(run(pruned, answer)).toEqual(expected)
    expect(asked).toEqual([pruned[1]])
  })
})

describe('the rows a runtime reports', () => {
  it('are those of the streams asked for, and error_stream always', () => {
    const sql = `CREATE STREAM A (X INTEGER); CREATE STREAM B (Y INTEGER);
      CREATE PUMP PA AS INSERT INTO A SELECT STREAM 100 / V FROM SRC;
      CREATE PUMP PB AS INSERT INTO B SELECT STREAM X + 1 FROM A`
    const app = compileApplication(sql, {sources: [source]})
    const run = (reported?: string[]) => {
      const streams: string[] = []
      const rt = app.createRuntime({onRow: (stream) => streams.push(stream), reported})
      for (const [i, v] of [1, 0, 2].entries()) rt.push('SRC', ['k', v], T0 + i)
      rt.end()
      return streams
    }
    expect(run()).toEqual(['A', 'B', 'error_stream', 'A', 'B'])
    expect(run(['B'])).toEqual(['B', 'error_stream', 'B'])
    expect(run([])).toEqual(['error_stream'])
  })
})
