import {describe, expect, it} from 'vitest'
import {formatRowCsv, formatRowJson, parseOutputFlag, resolveOutputStream} from '../../../src/lib/apps/output.js'
import {UsageError} from '../../../src/lib/core/errors.js'
import {parseSqlType, type Column} from '../../../src/lib/sql/types.js'

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
