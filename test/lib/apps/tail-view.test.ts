import {describe, expect, it} from 'vitest'
import {LiveTable} from '../../../src/lib/apps/tail-view.js'
import {RateMeter} from '../../../src/lib/apps/tail.js'
import {ManualClock} from '../../../src/lib/core/clock.js'

// eslint-disable-next-line no-control-regex -- terminal escapes are what this strips
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')

describe('LiveTable (sessions tail in a terminal)', () => {
  it('prints a header once, one line per row, and keeps the count and rate on the last line', () => {
    let out = ''
    const writes: string[] = []
    const sink = {write: (s: string) => (writes.push(s), (out += s), true)} as unknown as NodeJS.WritableStream
    const clock = new ManualClock(0)
    const table = new LiveTable(sink, 80, () => clock.now(), 'sessions')
    table.addRows([{SESSION_ID: 'user1_desktop_10:00:00', EVENTS: 3}, {SESSION_ID: 'user2_mobile_10:00:05', EVENTS: 12}], 2)
    table.addRows([{SESSION_ID: 'user1_desktop_10:01:00', EVENTS: 1}], 1.5)
    table.finish(1.5)
    expect(writes).toHaveLength(3)
    // What the terminal shows: a carriage return and erase start the line over.
    const screen = strip(out)
      .split('\n')
      .map((line) => line.slice(line.lastIndexOf('\r') + 1))
    expect(screen).toEqual([
      'SESSION_ID              EVENTS',
      'user1_desktop_10:00:00  3',
      'user2_mobile_10:00:05   12',
      'user1_desktop_10:01:00  1',
      '3 sessions · 1.5/s',
      '',
    ])
  })

  it('redraws the status line at most four times a second while idle', () => {
    const writes: string[] = []
    const sink = {write: (s: string) => (writes.push(s), true)} as unknown as NodeJS.WritableStream
    const clock = new ManualClock(0)
    const table = new LiveTable(sink, 80, () => clock.now())
    table.addRows(['plain text record'], 1)
    for (let i = 0; i < 10; i++) {
      clock.advance(50)
      table.tick(1)
    }
    expect(writes).toHaveLength(3)
  })
})

describe('RateMeter', () => {
  it('measures records per second over the last ten seconds', () => {
    const clock = new ManualClock(0)
    const meter = new RateMeter(clock)
    meter.add(10)
    clock.advance(4_000)
    meter.add(10)
    expect(meter.perSecond()).toBe(5)
    clock.advance(7_000)
    expect(meter.perSecond()).toBeCloseTo(10 / 7, 5)
  })
})
