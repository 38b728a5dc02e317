import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/lib/core/errors.js'
import {compileReportSql, loadReport, pickVariant} from '../../../src/lib/reports/definitions.js'
import {parseDay} from '../../../src/lib/reports/run.js'
import {useTempDir} from '../../helpers/temp-dir.js'

describe('report SQL templates', () => {
  it('binds :from and :until as positional parameters in order of use, and quotes the table', () => {
    const compiled = compileReportSql('SELECT * FROM {{table}} WHERE d BETWEEN :from AND :until OR e = :from', 'web', {from: '2015-05-17', until: '2015-05-18'})
    expect(compiled).toEqual({sql: 'SELECT * FROM "web" WHERE d BETWEEN ? AND ? OR e = ?', params: ['2015-05-17', '2015-05-18', '2015-05-17']})
  })

  it('leaves colons in strings, quoted names, casts and comments alone', () => {
    const compiled = compileReportSql(`SELECT '12:30', "a:b", x::int -- :until\nFROM {{table}} /* :from */ WHERE y = :until`, 'we"b', {from: 'a', until: 'b'})
    expect(compiled).toEqual({sql: `SELECT '12:30', "a:b", x::int \nFROM "we""b"  WHERE y = ?`, params: ['b']})
  })

  it('expands {{include NAME}} from _shared/NAME.sql, and names the file when the shared SQL is missing', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, '_shared'))
    await mkdir(join(dir, 'one'))
    await mkdir(join(dir, 'two'))
    await writeFile(join(dir, '_shared', 'recent.sql'), 'WITH r AS (SELECT * FROM {{table}} WHERE d >= :from)\n')
    for (const name of ['one', 'two']) await writeFile(join(dir, name, 'report.json'), JSON.stringify({description: name, variants: [{name: 'v', requires: [], sql: 'q.sql'}]}))
    await writeFile(join(dir, 'one', 'q.sql'), '{{include recent}}\nSELECT count(*) FROM r')
    await writeFile(join(dir, 'two', 'q.sql'), '{{include nowhere}}\nSELECT 1')

    const one = await loadReport('one', dir)

    expect(compileReportSql(one.variants[0].sql, 'web', {from: '2015-05-17'})).toEqual({sql: 'WITH r AS (SELECT * FROM "web" WHERE d >= ?)\nSELECT count(*) FROM r', params: ['2015-05-17']})
    await expect(loadReport('two', dir)).rejects.toThrow(/includes 'nowhere', but there is no .*_shared\/nowhere\.sql/)
    await expect(loadReport('_shared', dir)).rejects.toThrow(/there is no report '_shared'. Reports: one, two\./)
  })

  it('picks the first variant whose columns the table has, regardless of case', async () => {
    const def = await loadReport('daily')
    expect(pickVariant(def, ['SESSION_ID', 'USER_ID', 'TIMEAGG', 'EVENTS', 'DURATION_SEC'])?.name).toBe('sessions')
    expect(pickVariant(def, ['user_id', 'device_id', 'client_event', 'client_timestamp'])?.name).toBe('events')
    expect(pickVariant(def, ['a', 'b'])).toBeUndefined()
  })

  it.each([
    ['2015-05-17', '2015-05-17'],
    ['today', '2015-05-19'],
    ['yesterday', '2015-05-18'],
  ])('reads the day %s', (text, day) => {
    expect(parseDay(text, '--date', Date.UTC(2015, 4, 19, 23, 59))).toBe(day)
  })

  const tempDir = useTempDir()

  it('points at the definition file when it is broken', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'broken'))
    await writeFile(join(dir, 'broken', 'report.json'), '{"description": 1, "variants": []}')
    await expect(loadReport('broken', dir)).rejects.toThrow(InputError)
    await expect(loadReport('broken', dir)).rejects.toMatchObject({location: {file: join(dir, 'broken', 'report.json')}})
  })
})
