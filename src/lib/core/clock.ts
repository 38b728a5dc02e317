/** Time as the toolkit sees it: injected everywhere so tests can fix it. Epoch milliseconds. */
export interface Clock {
  now(): number
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, {once: true})
    }),
}

/**
 * A clock that moves only when told to. `sleep` resolves as soon as `advance` (or another
 * sleeper) carries the time past its deadline, so tests of pacing run instantly and exactly.
 * With `autoAdvance`, each sleep moves the clock itself, which suits code under test that
 * only ever waits on this clock.
 */
export class ManualClock implements Clock {
  private current: number
  private readonly waiters: Array<{until: number; resolve: () => void}> = []

  constructor(
    start = 0,
    private readonly autoAdvance = false,
  ) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve()
    if (this.autoAdvance) {
      this.advance(ms)
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const waiter = {until: this.current + ms, resolve}
      this.waiters.push(waiter)
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter)
          if (i >= 0) this.waiters.splice(i, 1)
          resolve()
        },
        {once: true},
      )
    })
  }

  advance(ms: number): void {
    this.set(this.current + ms)
  }

  set(time: number): void {
    this.current = time
    const due = this.waiters.filter((w) => w.until <= time)
    for (const w of due) {
      this.waiters.splice(this.waiters.indexOf(w), 1)
      w.resolve()
    }
  }

  get pendingSleeps(): number {
    return this.waiters.length
  }
}
