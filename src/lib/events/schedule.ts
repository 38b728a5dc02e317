import type {Random} from '../core/random.js'

export type TrafficCurve = 'flat' | 'daily'

export const TRAFFIC_CURVES: readonly TrafficCurve[] = ['flat', 'daily']

/**
 * Relative traffic per hour of the day (UTC): quiet nights, a morning climb, a lunch bump and
 * an evening peak. Scaled at load so the day's mean is 1, which keeps `--rate` the daily average.
 */
const HOURLY = [0.35, 0.25, 0.2, 0.18, 0.2, 0.3, 0.5, 0.8, 1.05, 1.2, 1.25, 1.3, 1.4, 1.35, 1.25, 1.2, 1.2, 1.3, 1.5, 1.65, 1.7, 1.5, 1.05, 0.6]
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length
const HOUR_MS = 3_600_000

/** The daily curve's factor at a time, interpolated between hours. */
export function dailyFactor(time: number): number {
  const hours = (((time % 86_400_000) + 86_400_000) % 86_400_000) / HOUR_MS
  const h = Math.floor(hours)
  const f = hours - h
  return (HOURLY[h] * (1 - f) + HOURLY[(h + 1) % 24] * f) / HOURLY_MEAN
}

/**
 * Event times for a target rate. Time is cut into slots of 1/rate (scaled by the curve) and each
 * event lands at a random point of its own slot: times look irregular, yet any window holds the
 * expected count to within one record, and nothing accumulates (slot k starts at start + k/rate).
 */
export class EventSchedule {
  private slot = 0
  private slotStart: number
  private slotEnd: number

  constructor(
    readonly start: number,
    /** Events per second (the daily mean for the daily curve). */
    readonly rate: number,
    readonly curve: TrafficCurve,
    private readonly random: Random,
  ) {
    this.slotStart = start
    this.slotEnd = this.boundary(1, start)
  }

  /** Where the next event's slot begins: no event at or after a limit begins past it. */
  get nextSlotStart(): number {
    return this.slotStart
  }

  /** The time of the next event; moves to the following slot. */
  next(): number {
    const time = this.slotStart + this.random.next() * (this.slotEnd - this.slotStart)
    this.slot++
    this.slotStart = this.slotEnd
    this.slotEnd = this.boundary(this.slot + 1, this.slotStart)
    return time
  }

  private boundary(slot: number, previous: number): number {
    if (this.curve === 'flat') return this.start + (slot * 1000) / this.rate
    return previous + 1000 / (this.rate * dailyFactor(previous))
  }
}
