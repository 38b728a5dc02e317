import {describe, expect, it} from 'vitest'
import {UsageError} from '../../../src/lib/core/errors.js'
import {parseDuration, parseSize, parseSpeed, parseTime} from '../../../src/lib/core/units.js'

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['2d', 172_800_000],
    ['5', 5_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text, '--duration')).toBe(ms)
  })

  it('names the flag when the text is not a duration', () => {
    expect(() => parseDuration('ten minutes', '--duration')).toThrow(UsageError)
    expect(() => parseDuration('10x', '--duration')).toThrow(/--duration expects a duration/)
  })
})

describe('parseSize', () => {
  it('reads binary and decimal units', () => {
    expect(parseSize('5MiB', '--buffer-size')).toBe(5 * 1024 * 1024)
    expect(parseSize('128KB', '--buffer-size')).toBe(128_000)
    expect(parseSize('100', '--buffer-size')).toBe(100)
    expect(() => parseSize('5 parsecs', '--buffer-size')).toThrow(/--buffer-size/)
  })
})

describe('parseTime', () => {
  it('reads dates, times with and without zones, and now', () => {
    expect(parseTime('2026-11-23', '--start')).toBe(Date.UTC(2026, 10, 23))
    expect(parseTime('2026-11-23 08:30', '--start')).toBe(Date.UTC(2026, 10, 23, 8, 30))
    expect(parseTime('2026-11-23T08:30:00+01:00', '--start')).toBe(Date.UTC(2026, 10, 23, 7, 30))
    expect(parseTime('now', '--start', 42)).toBe(42)
    expect(() => parseTime('yesterday', '--start')).toThrow(/--start expects a time/)
  })
})

describe('parseSpeed', () => {
  it('reads factors and max', () => {
    expect(parseSpeed('max', '--speed')).toBe('max')
    expect(parseSpeed('60', '--speed')).toBe(60)
    expect(parseSpeed('10x', '--speed')).toBe(10)
    expect(() => parseSpeed('0', '--speed')).toThrow(/positive factor/)
  })
})
