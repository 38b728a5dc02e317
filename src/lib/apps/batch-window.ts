const TAKEN = 0
const WAKE_AT = 1
const NEVER = 0x7fffffff

/** `Atomics.waitAsync` (Node 16+; the ES2024 lib, which this project does not compile against). */
const waitAsync = (Atomics as unknown as {waitAsync(array: Int32Array, index: number, value: number): {async: boolean; value: Promise<string> | string}}).waitAsync

/**
 * How far a producing thread may run ahead of the consuming one, counted in shared memory: the
 * consumer counts the batches it takes without a message, and wakes the producer only once
 * enough room is free (half the window), rather than once per batch. On a busy machine each
 * wake-up can cost a context switch.
 */
export class BatchWindow {
  private readonly cells: Int32Array

  /** The shared cells, to pass to the other thread (which wraps them with `new BatchWindow`). */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer)
  }

  static create(): BatchWindow {
    const created = new BatchWindow(new SharedArrayBuffer(8))
    Atomics.store(created.cells, WAKE_AT, NEVER)
    return created
  }

  /** Consumer: one more batch taken. */
  take(): void {
    const taken = Atomics.add(this.cells, TAKEN, 1) + 1
    if (taken >= Atomics.load(this.cells, WAKE_AT)) Atomics.notify(this.cells, TAKEN)
  }

  /** Producer: resolves once fewer than `size` of the `posted` batches are waiting to be taken. */
  async room(posted: number, size: number): Promise<void> {
    if (posted - Atomics.load(this.cells, TAKEN) < size) return
    const target = posted - Math.max(1, Math.floor(size / 2))
    Atomics.store(this.cells, WAKE_AT, target)
    for (;;) {
      const taken = Atomics.load(this.cells, TAKEN)
      if (taken >= target) break
      const wait = waitAsync(this.cells, TAKEN, taken)
      if (wait.async) await wait.value
    }
    Atomics.store(this.cells, WAKE_AT, NEVER)
  }
}
