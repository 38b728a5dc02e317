import {describe, expect, it} from 'vitest'
import {formatRowCsv, formatRowJson, parseOutputFlag, resolveOutputStream} from '../../../src/lib/apps/output.js'
import {UsageError} from '../../../src/lib/core/errors.js'
import {formatTimestamp, parseSqlType, type Column} from '../../../src/lib/sql/types.js'

const col = (name: string, type: string): Column => ({name, type: parseSqlType(type)!})

describe('output rows as KDA writes them', () => {
  const columns = [col('SESSION_ID', 'VARCHAR(60)'), col('user_id', 'INTEGER'), col('TIMEAGG', 'TIMESTAMP'), col('DAY', 'DATE'), col('OK', 'BOOLEAN')]
  const row = ['213_MOB1547156040', 213, Date.UTC(2019, 0, 10, 21, 34), Date.UTC(2019, 0, 10), true]

  it('keys JSON by the stored column names, with TIMESTAMPs as YYYY-MM-DD HH:MM:SS.mmm UTC', () => {
    expect(JSON.parse(formatRowJson(columns, row, Date.UTC(2019, 0, 10, 21, 35, 0, 5), false))).toEqual({
      SESSION_ID: '213_MOB1547156040',
      user_id: 213,
      TIMEAGG: '2019-01-10 21:34:00.000',
      DAY: '2019-01-10',
      OK: true,
    })
  })

  it('puts ROWTIME first when asked', () => {
    expect(formatRowJson(columns.slice(0, 1), ['x'], Date.UTC(2019, 0, 10, 21, 35, 0, 5), true)).toBe('{"ROWTIME":"2019-01-10 21:35:00.005","SESSION_ID":"x"}')
  })

  it('writes the text JSON.stringify gives for the row as an object, whatever the names and values', () => {
    // The reference: an object keyed by the column names, stringified (as KDA's JSON format is).
    const asObject = (cols: Column[], r: unknown[], rowtime: number, withRowtime: boolean) => {
      const out: Record<string, unknown> = {}
      if (withRowtime) out.ROWTIME = formatTimestamp(rowtime)
      cols.forEach((c, i) => (out[c.name] = typeof r[i] === 'number' && !Number.isFinite(r[i]) ? null : (r[i] ?? null)))
      return JSON.stringify(out)
    }
    const names = ['a', 'with "quotes" and \\ ✓', 'ROWTIME', '__proto__', '7', '07', '4294967295', 'x']
    const values = [null, undefined, 'text', 'line\nbreak "quoted"', '', 0, -0, 1.5, Number.NaN, Infinity, true, false]
    let seed = 3
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n)
    for (let k = 0; k < 300; k++) {
      const cols = Array.from({length: rand(5)}, () => col(names[rand(names.length)], ['VARCHAR(20)', 'DOUBLE', 'BOOLEAN'][rand(3)]))
      const r = cols.map(() => values[rand(values.length)])
      for (const withRowtime of [false, true]) {
        expect(formatRowJson(cols, r as never, 1_700_000_000_123, withRowtime), JSON.stringify({names: cols.map((c) => c.name), r})).toBe(asObject(cols, r, 1_700_000_000_123, withRowtime))
      }
    }
    expect(formatRowJson([], [], 0, false)).toBe('{}')
  })

  it('writes nulls as null in JSON and empty in CSV', () => {
    expect(formatRowJson(columns.slice(0, 2), [null, null], 0, false)).toBe('{"SESSION_ID":null,"user_id":null}')
    expect(formatRowCsv(columns, ['a', null, 0, 0, false], 0, false)).toBe('a,,1970-01-01 00:00:00.000,1970-01-01,false')
  })
})

describe('--output STREAM=TARGET', () => {
  const streams = [{name: 'DESTINATION_SQL_STREAM', columns: []}, {name: 'error_stream', columns: []}, {name: 'Mixed', columns: []}, {name: 'MIXED', columns: []}]

  it.each([
    ['DESTINATION_SQL_STREAM=local:sessions', {stream: 'DESTINATION_SQL_STREAM', target: {kind: 'local', name: 'sessions'}}],
    ['"Mixed"=-', {stream: 'Mixed', target: {kind: 'stdio'}}],
    ['error_stream=file:errors.ndjson', {stream: 'error_stream', target: {kind: 'file', path: 'errors.ndjson', gzip: false}}],
  ])('parses %s', (text, expected) => {
    expect(parseOutputFlag(text)).toEqual(expected)
  })

  it.each(['DESTINATION_SQL_STREAM', '=local:x', 'S='])('rejects %s', (text) => {
    expect(() => parseOutputFlag(text)).toThrow(UsageError)
  })

  it('matches exactly first, then case-insensitively when unambiguous, else lists the streams', () => {
    expect(resolveOutputStream('destination_sql_stream', streams).name).toBe('DESTINATION_SQL_STREAM')
    expect(resolveOutputStream('Mixed', streams).name).toBe('Mixed')
    expect(() => resolveOutputStream('mixed', streams)).toThrow("no stream 'mixed'")
    expect(() => resolveOutputStream('NOPE', streams)).toThrow(UsageError)
  })
})
