import {describe, expect, it} from 'vitest'
import {Random} from '../../../src/lib/core/random.js'
import {EventSchedule, dailyFactor} from '../../../src/lib/events/schedule.js'

function countPerWindow(times: number[], start: number, windowMs: number): number[] {
  const counts: number[] = []
  for (const t of times) {
    const w = Math.floor((t - start) / windowMs)
    counts[w] = (counts[w] ?? 0) + 1
  }
  return counts
}

describe('event schedule', () => {
  it('puts exactly rate × window events in every window of a flat hour (no drift)', () => {
    const start = Date.UTC(2026, 10, 23, 12)
    const schedule = new EventSchedule(start, 50, 'flat', new Random(3))
    const times: number[] = []
    while (schedule.nextSlotStart < start + 3_600_000) times.push(schedule.next())
    expect(times).toHaveLength(50 * 3600)
    const counts = countPerWindow(times, start, 10_000)
    expect(counts).toHaveLength(360)
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThanOrEqual(1)
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true)
  })

  it('spreads events irregularly inside their slots', () => {
    const schedule = new EventSchedule(0, 10, 'flat', new Random(1))
    const gaps = new Set<number>()
    let previous = schedule.next()
    for (let i = 0; i < 50; i++) {
      const t = schedule.next()
      gaps.add(Math.round(t - previous))
      previous = t
    }
    expect(gaps.size).toBeGreaterThan(20)
  })

  it('follows the daily curve: busy evenings, quiet nights, and the rate as the daily mean', () => {
    const start = Date.UTC(2026, 10, 23)
    const schedule = new EventSchedule(start, 10, 'daily', new Random(5))
    const perHour = new Array(24).fill(0)
    let total = 0
    while (schedule.nextSlotStart < start + 86_400_000) {
      perHour[Math.floor((schedule.next() - start) / 3_600_000)]++
      total++
    }
    expect(Math.abs(total - 864_000) / 864_000).toBeLessThan(0.01)
    expect(perHour[20]).toBeGreaterThan(3 * perHour[3])
    expect(dailyFactor(start + 20 * 3_600_000)).toBeGreaterThan(1.5)
  })
})
