import {describe, expect, it} from 'vitest'
import {intervalValue, likeToRegex, similarToRegex} from '../../../src/lib/sql/compile.js'
import {floorTimestamp, formatWithPattern, parseTimestampText, parseWithPattern} from '../../../src/lib/sql/datetime.js'
import {formatTimestamp} from '../../../src/lib/sql/types.js'

const ts = (text: string) => parseTimestampText(text)!

describe('datetime helpers', () => {
  it.each([
    ['2019-01-10 21:34:05.123', '2019-01-10 21:34:05.123'],
    ['2019-01-10T21:34:05.123456', '2019-01-10 21:34:05.123'],
    ['2019-01-10T21:34:05Z', '2019-01-10 21:34:05.000'],
    ['2019-01-10T23:34:05+02:00', '2019-01-10 21:34:05.000'],
    ['2019-01-10', '2019-01-10 00:00:00.000'],
  ])('reads the timestamp text %s', (text, expected) => {
    expect(formatTimestamp(ts(text))).toBe(expected)
  })

  it.each(['2019-13-01 00:00:00', '2019-02-30 00:00:00', 'yesterday', '2019-01-10 25:00:00'])('rejects %s', (text) => {
    expect(parseTimestampText(text)).toBeUndefined()
  })

  it.each([
    ['dd/MMM/yyyy:HH:mm:ss z', '10/Oct/2000:13:55:36 -0700', '2000-10-10 20:55:36.000'],
    ['dd/MMM/yyyy:HH:mm:ssz', '10/Oct/2000:13:55:36 +0000', '2000-10-10 13:55:36.000'],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2020-02-29 23:59:59.250', '2020-02-29 23:59:59.250'],
    ['hh:mm a', '02:30 PM', '1970-01-01 14:30:00.000'],
  ])('CHAR_TO_TIMESTAMP(%j, %j)', (pattern, text, expected) => {
    expect(formatTimestamp(parseWithPattern(pattern, text)!)).toBe(expected)
  })

  it.each([
    ['yyyy-MM-dd', '2021-02-30'],
    ['HH:mm', '24:00'],
    ['MMM', 'Smarch'],
  ])('CHAR_TO_TIMESTAMP(%j, %j) fails (no value)', (pattern, text) => {
    expect(parseWithPattern(pattern, text)).toBeUndefined()
  })

  it.each([
    ['HH:mm:ss', '2020-01-01 14:05:09.007', '14:05:09'],
    ['hh:mm:ss a', '2020-01-01 00:05:09.007', '12:05:09 AM'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS", '2020-01-01 14:05:09.007', '2020-01-01T14:05:09.007'],
    ['EEEE d MMMM yy', '2020-03-01 00:00:00', 'Sunday 1 March 20'],
    ['D', '2020-12-31 00:00:00', '366'],
  ])('TIMESTAMP_TO_CHAR(%j) of %s', (pattern, text, expected) => {
    expect(formatWithPattern(pattern, ts(text))).toBe(expected)
  })

  it('clock templates (HH, mm, ss and literals) format as the general formatter does', () => {
    const T = (h: number, m: number, sec: number) => Date.UTC(2024, 4, 1, h, m, sec, 250)
    // 'S' keeps the second template on the general path; its first 8 characters must agree.
    let seed = 7
    for (let i = 0; i < 2000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      const ms = (seed - 2 ** 31) * 1_000_003 + (i % 1000)
      expect(formatWithPattern('HH:mm:ss', ms)).toBe(formatWithPattern('HH:mm:ss S', ms).slice(0, 8))
      expect(formatWithPattern("'at' HH'h'mm", ms)).toBe(formatWithPattern("'at' HH'h'mm S", ms).slice(0, 8))
    }
    expect(formatWithPattern('HH:mm:ss', Number.NaN)).toBe('NaN:NaN:NaN')
    // The same time again (remembered), then others, then the first one again
    const times = [T(14, 5, 9), T(14, 5, 9), T(14, 5, 10), -0, 0, T(14, 5, 9), Number.NaN, T(23, 59, 59)]
    expect(times.map((ms) => formatWithPattern('HH:mm:ss', ms))).toEqual(['14:05:09', '14:05:09', '14:05:10', '00:00:00', '00:00:00', '14:05:09', 'NaN:NaN:NaN', '23:59:59'])
  })

  it('FLOOR TO MONTH and YEAR follow the calendar', () => {
    expect(formatTimestamp(floorTimestamp(ts('2020-02-29 12:00:00'), 'MONTH'))).toBe('2020-02-01 00:00:00.000')
    expect(formatTimestamp(floorTimestamp(ts('2020-02-29 12:00:00'), 'YEAR'))).toBe('2020-01-01 00:00:00.000')
  })
})

describe('interval literals', () => {
  it.each([
    ["'10'", {start: 'SECOND'}, 10_000, false],
    ["'3 4'", {start: 'DAY', end: 'HOUR'}, 3 * 86_400_000 + 4 * 3_600_000, false],
    ["'59:59.999'", {start: 'MINUTE', end: 'SECOND'}, 3_599_999, false],
    ["'3-4'", {start: 'YEAR', end: 'MONTH'}, 40, true],
    ["'2'", {start: 'YEAR'}, 24, true],
  ] as const)('INTERVAL %s %j', (text, q, value, yearMonth) => {
    expect(intervalValue(text.slice(1, -1), false, q)).toEqual({value, yearMonth})
  })

  it('rejects a value that does not fit its qualifier', () => {
    expect(intervalValue('3 4', false, {start: 'DAY'})).toBeUndefined()
  })
})

describe('pattern translation', () => {
  it.each([
    ['a%', 'abc', true],
    ['a_c', 'abc', true],
    ['a_c', 'abbc', false],
    ['100\\%', '100%', true],
    ['a.c', 'abc', false],
  ])('LIKE %j on %j', (pattern, text, expected) => {
    expect(likeToRegex(pattern, pattern.includes('\\') ? '\\' : undefined).test(text)).toBe(expected)
  })

  it('translates SIMILAR TO set subtraction [a-e^c]', () => {
    expect(similarToRegex('[a-e^c]d').test('bd')).toBe(true)
    expect(similarToRegex('[a-e^c]d').test('cd')).toBe(false)
  })

  it('refuses parentheses inside a SIMILAR TO character set, as KDA does', () => {
    expect(() => similarToRegex('[^(a-e)]d')).toThrow(/parentheses/)
  })
})
