import {once} from 'node:events'
import type {Writable} from 'node:stream'
import {ExternalServiceError} from '../core/errors.js'
import type {DeliveryReport, OutRecord, Sink} from './types.js'

/**
 * A sink that writes one record per line to a Node writable stream (stdout, a file, a gzip
 * stream). Lines are encoded per batch into one buffer and written with one call, honouring
 * backpressure.
 * A closed pipe (`clickstream generate | head`) ends the run quietly: EPIPE is not an error
 * the user made.
 */
export class LineStreamSink implements Sink {
  private delivered = 0
  private bytes = 0
  private broken = false
  private failure: Error | undefined

  constructor(
    readonly target: string,
    private readonly stream: Writable,
    private readonly finish: () => Promise<void>,
  ) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.broken = true
      else this.failure = error
    })
  }

  /** True once the reader went away (EPIPE): writers should stop producing. */
  get closedByReader(): boolean {
    return this.broken
  }

  async write(batch: readonly OutRecord[]): Promise<void> {
    this.check()
    if (this.broken || batch.length === 0) return
    await this.writeLines(encodeLines(batch), batch.length)
  }

  async writeLines(lines: Uint8Array, count: number): Promise<void> {
    this.check()
    if (this.broken || count === 0) return
    this.bytes += lines.length
    this.delivered += count
    if (!this.stream.write(lines)) {
      // Both waits are cancelled once one fires, or their listeners pile up batch after batch.
      const done = new AbortController()
      const wait = (event: string) => once(this.stream, event, {signal: done.signal}).catch(() => undefined)
      await Promise.race([wait('drain'), wait('close')])
      done.abort()
    }
    this.check()
  }

  /**
   * Resolves once everything written so far has left this process's buffers (reached the file or
   * pipe), so a checkpoint taken after `flush` survives a crash of this process.
   */
  async flush(): Promise<void> {
    this.check()
    if (!this.broken && this.stream.writableLength > 0) {
      await new Promise<void>((resolve) => this.stream.write('', () => resolve()))
    }
    this.check()
  }

  async close(): Promise<DeliveryReport> {
    await this.finish()
    this.check()
    return {target: this.target, delivered: this.delivered, bytes: this.bytes, retried: 0, failed: 0}
  }

  private check(): void {
    if (this.failure) {
      throw new ExternalServiceError('file system', `writing to ${this.target} failed: ${this.failure.message}`, {cause: this.failure})
    }
  }
}

const NEWLINE = 0x0a

/**
 * A batch as UTF-8 lines in one buffer. Encoding each record straight into a buffer sized for the
 * worst case is about twice as fast as joining the strings first (a joined string is flattened,
 * measured, then encoded again): it is the hot path of generate and replay.
 */
export function encodeLines(batch: readonly OutRecord[]): Buffer {
  let worst = 0
  for (const r of batch) worst += r.data.length * 3 + 1
  const buffer = Buffer.allocUnsafe(worst)
  let offset = 0
  for (const r of batch) {
    offset += buffer.write(r.data, offset)
    buffer[offset++] = NEWLINE
  }
  return buffer.subarray(0, offset)
}
