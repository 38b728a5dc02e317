import {describe, expect, it} from 'vitest'
import {MOMENT_DEFAULT_FORMAT_UTC, compileMomentFormat} from '../../../src/lib/events/moment-format.js'

// Thursday 2026-01-01 03:04:05.067 UTC
const T = Date.UTC(2026, 0, 1, 3, 4, 5, 67)

describe('moment format strings (KDG date.now / date.utc)', () => {
  it.each([
    ['DD/MMM/YYYY:HH:mm:ss Z', '01/Jan/2026:03:04:05 +00:00'],
    ['DD/MMM/YYYY:HH:mm:ss ZZ', '01/Jan/2026:03:04:05 +0000'],
    ['YYYY-MM-DD HH:mm:ss.SSS', '2026-01-01 03:04:05.067'],
    ['YY M D H m s S SS', '26 1 1 3 4 5 0 06'],
    ['x', String(T)],
    ['X', String(Math.floor(T / 1000))],
    ['dddd ddd dd d E', 'Thursday Thu Th 4 4'],
    ['MMMM Do, YYYY', 'January 1st, 2026'],
    ['h:mm A a hh k kk', '3:04 AM am 03 3 03'],
    ['Q DDD DDDD', '1 1 001'],
    ['W WW GGGG w ww gggg', '1 01 2026 1 01 2026'],
    ['[Today is] dddd', 'Today is Thursday'],
    ['YYYY-MM-DDTHH:mm:ss[Z]', '2026-01-01T03:04:05Z'],
  ])('%s → %s', (format, expected) => {
    expect(compileMomentFormat(format, true)(T)).toBe(expected)
  })

  it('gives ISO weeks across a year boundary (2027-01-01 is in week 53 of 2026)', () => {
    expect(compileMomentFormat('GGGG-[W]WW', true)(Date.UTC(2027, 0, 1))).toBe('2026-W53')
  })

  it('formats 12 PM and midnight as moment does', () => {
    const f = compileMomentFormat('h A k', true)
    expect(f(Date.UTC(2026, 0, 1, 12))).toBe('12 PM 12')
    expect(f(Date.UTC(2026, 0, 1, 0))).toBe('12 AM 24')
  })

  it('prints local time with the local offset when not in UTC mode', () => {
    const d = new Date(T)
    const offset = -d.getTimezoneOffset()
    const sign = offset < 0 ? '-' : '+'
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')
    const mm = String(Math.abs(offset) % 60).padStart(2, '0')
    expect(compileMomentFormat('HH Z', false)(T)).toBe(`${String(d.getHours()).padStart(2, '0')} ${sign}${hh}:${mm}`)
  })

  it('uses moment.utc()\'s default format', () => {
    expect(compileMomentFormat(MOMENT_DEFAULT_FORMAT_UTC, true)(T)).toBe('2026-01-01T03:04:05Z')
  })
})
