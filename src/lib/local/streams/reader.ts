import {closeSync, existsSync, openSync, watch, type FSWatcher} from 'node:fs'
import {join} from 'node:path'
import {InputError, NotFoundError} from '../../core/errors.js'
import {isSegmentName, segmentFirstSeq, segmentName} from './format.js'
import {findLastControl, fileSize, listSegments, parseCommitted, readFully} from './segment-io.js'
import type {StoredRecord} from './format.js'

export type ReadStart = 'trim-horizon' | 'latest'

export interface ReaderOptions {
  from?: ReadStart
  /** A token from `checkpoint()`: continue just after it. */
  resume?: string
  follow?: boolean
  signal?: AbortSignal
  /** How often a following reader looks for new data when no change notification arrives. */
  pollMs?: number
  /** Told when records were trimmed by retention before a resumed reader got to them. */
  warn?: (message: string) => void
}

const FIRST_READ = 1 << 20

/**
 * Reads one local stream in sequence order (all shards: a local stream keeps its shards in one
 * log, so order within each shard is the log's order). Only committed batches are delivered.
 * A following reader wakes on file-system notifications, and polls as a fallback.
 */
export class LocalStreamReader {
  private segment = ''
  private offset = 0
  private fd: number | undefined
  private started = false
  private closed = false
  private wake: (() => void) | undefined

  constructor(
    readonly dir: string,
    readonly name: string,
    private readonly options: ReaderOptions = {},
  ) {}

  /** Position just after the last batch yielded: `SEGMENT_FIRST_SEQ@BYTE_OFFSET`. */
  checkpoint(): string | undefined {
    return this.started ? `${segmentFirstSeq(this.segment)}@${this.offset}` : undefined
  }

  async *batches(): AsyncGenerator<StoredRecord[]> {
    const signal = this.options.signal
    const follow = this.options.follow ?? false
    let watcher: FSWatcher | undefined
    const notify = () => this.wake?.()
    try {
      if (!(await this.waitForStream())) return
      this.position()
      if (follow) {
        try {
          watcher = watch(this.dir, notify)
          watcher.on('error', () => {})
        } catch {
          // No notifications on this file system (or no watches left): polling alone.
        }
      }
      // Reused between reads (records are copied out as strings); grows for a batch larger than it.
      let buf = Buffer.allocUnsafe(FIRST_READ)
      while (!signal?.aborted && !this.closed) {
        if (this.fd === undefined && existsSync(join(this.dir, this.segment))) this.fd = openSync(join(this.dir, this.segment), 'r')
        const n = this.fd === undefined ? 0 : readFully(this.fd, buf, this.offset)
        if (n > 0) {
          const {records, end, sealed} = parseCommitted(buf.subarray(0, n))
          if (end === 0 && n === buf.length) {
            buf = Buffer.allocUnsafe(buf.length * 2)
            continue
          }
          this.offset += end
          // Move on before yielding, so a checkpoint taken now names the next segment.
          const moved = sealed !== undefined && (await this.openNext(sealed, follow, signal))
          if (records.length > 0) {
            this.started = true
            yield records
          }
          if (sealed) {
            if (!moved) return
            continue
          }
          if (end > 0) continue
        }
        if (!follow) return
        if (!existsSync(this.dir)) throw new NotFoundError(`local stream '${this.name}' was deleted while reading it.`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.options.pollMs ?? 200)
          function done() {
            clearTimeout(timer)
            signal?.removeEventListener('abort', done)
            resolve()
          }
          this.wake = done
          signal?.addEventListener('abort', done, {once: true})
        })
        this.wake = undefined
      }
    } finally {
      watcher?.close()
      this.closeFile()
    }
  }

  /** Releases the file; a read loop still running ends at its next step. */
  close(): void {
    this.closed = true
    this.wake?.()
    this.closeFile()
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  /** True once the stream exists; a following reader waits for it, others fail. */
  private async waitForStream(): Promise<boolean> {
    if (existsSync(join(this.dir, 'stream.json'))) return true
    throw new NotFoundError(`local stream '${this.name}' does not exist.`)
  }

  /** Sets the start: the resume token, or the oldest record, or the end of committed data. */
  private position(): void {
    const segments = listSegments(this.dir)
    if (segments.length === 0) segments.push(segmentName(0))
    const resume = this.options.resume
    if (resume !== undefined) {
      const m = /^(\d+)@(\d+)$/.exec(resume)
      if (!m) throw new InputError(`'${resume}' is not a checkpoint of a local stream (expected SEQ@OFFSET).`)
      const name = segmentName(Number(m[1]))
      if (segments.includes(name)) {
        const offset = Number(m[2])
        // A checkpoint at the very end of a sealed segment continues in its successor.
        const before = offset > 0 ? findLastControl(join(this.dir, name), offset) : undefined
        if (before?.control.type === 'sealed' && before.end === offset) this.open(before.control.nextSegment, 0)
        else this.open(name, offset)
      } else if (name < segments[0]) {
        this.options.warn?.(`local stream '${this.name}': records after the checkpoint were removed by retention; reading from the oldest record left (sequence ${segmentFirstSeq(segments[0])}).`)
        this.open(segments[0], 0)
      } else {
        throw new InputError(`checkpoint ${resume} is past the end of local stream '${this.name}' (was the stream deleted and created again?).`)
      }
      this.started = true
      return
    }
    if (this.options.from === 'latest') {
      let name = segments[segments.length - 1]
      const path = join(this.dir, name)
      const last = existsSync(path) ? findLastControl(path, fileSize(path)) : undefined
      if (last?.control.type === 'sealed') name = last.control.nextSegment
      this.open(name, last?.control.type === 'commit' ? last.end : 0)
    } else {
      this.open(segments[0], 0)
    }
    // A reader at the start has a position to return even before the first batch arrives.
    this.started = true
  }

  private open(name: string, offset: number): void {
    this.closeFile()
    this.segment = name
    this.offset = offset
    const path = join(this.dir, name)
    // The first writer creates the first segment; until then there is nothing to read.
    this.fd = existsSync(path) ? openSync(path, 'r') : undefined
  }

  private async openNext(name: string, follow: boolean, signal: AbortSignal | undefined): Promise<boolean> {
    if (!isSegmentName(name)) throw new InputError(`local stream '${this.name}': segment ${this.segment} names a bad successor '${name}'.`)
    const path = join(this.dir, name)
    // The writer seals a segment before it creates the next one: wait for it briefly.
    while (!existsSync(path)) {
      if (!follow || signal?.aborted) return false
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    this.open(name, 0)
    return true
  }
}
