import type {Clock} from '../core/clock.js'
import type {Speed} from '../core/units.js'

/**
 * Keeps a replay at the log's own pace, `speed` times faster: the first record goes at once, and
 * each later one when as much clock time has passed as log time, divided by `speed`. Records
 * that are late (a log written out of order, a slow target) go at once; the pace never catches up
 * by sending faster than the log did.
 */
export class Pacer {
  private origin: {log: number; wall: number} | undefined

  constructor(
    private readonly speed: Exclude<Speed, 'max'>,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds to wait before sending a record of this log time (0 when it is due). */
  delay(time: number): number {
    if (this.origin === undefined) {
      this.origin = {log: time, wall: this.clock.now()}
      return 0
    }
    const due = this.origin.wall + (time - this.origin.log) / this.speed
    return Math.max(0, due - this.clock.now())
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.clock.sleep(ms, signal)
  }
}

export function makePacer(speed: Speed, clock: Clock): Pacer | undefined {
  return speed === 'max' ? undefined : new Pacer(speed, clock)
}
