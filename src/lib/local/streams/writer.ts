import {closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {ExternalServiceError, NotFoundError} from '../../core/errors.js'
import {DEFAULT_SEGMENT_BYTES, LOCK_FILE, readStreamConfig, type LocalStreamConfig} from './config.js'
import {COMMIT_PREFIX, encodeData, encodeKey, encodeProducer, formatCommitLine, formatSealedLine, parseControlLine, segmentFirstSeq, segmentName, shardOf} from './format.js'
import {AppendLock} from './lock.js'
import {findLastControl, listSegments, readFully} from './segment-io.js'

/** A record to append: the payload, its clock and its partition key. */
export interface AppendRecord {
  data: string
  time: number
  partitionKey?: string
}

export interface AppendResult {
  firstSeq: number
  count: number
  /** Bytes added to the segment: lines and commit line. */
  bytes: number
  /** Bytes of the payloads alone (as stored). */
  payloadBytes: number
}

export interface WriterOptions {
  /** Commits carry this id with their mark, so `lastMark` finds this producer's last one. */
  producerId?: string
  segmentBytes?: number
  /**
   * A segment is also closed once its first batch is this old, so retention (which removes whole
   * segments) works on quiet streams too. Default: a quarter of the retention, at most an hour.
   */
  segmentMaxAgeMs?: number
  /** fsync after every batch: survives power loss, at a large cost in throughput. Default off. */
  fsync?: boolean
}

/**
 * Appends batches to one local stream. Any number of writers, in any processes, append to one
 * stream: each batch is written under the stream's append lock as one write of its record lines
 * followed by a commit line (with the producer's mark, if any). A batch cut short by a crash has
 * no commit line, so readers never deliver it and the next writer cuts it off. Hence a batch and
 * its mark are stored together or not at all.
 */
export class LocalStreamWriter {
  private fd: number | undefined
  private segment = ''
  private committedEnd = 0
  private nextSeq = 0
  private roundRobin = 0
  private scratch: Buffer = Buffer.allocUnsafe(1 << 20)
  private lastPayloadBytes = 0
  private readonly lock: AppendLock
  readonly config: LocalStreamConfig
  private readonly segmentBytes: number
  private readonly segmentMaxAgeMs: number
  /** Wall time of the active segment's first commit; undefined while it is empty. */
  private segmentStartedAt: number | undefined
  private startedAtOf = ''

  constructor(
    readonly dir: string,
    private readonly options: WriterOptions = {},
  ) {
    this.config = readStreamConfig(dir)
    this.lock = new AppendLock(join(dir, LOCK_FILE))
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    this.segmentMaxAgeMs = options.segmentMaxAgeMs ?? Math.min(3_600_000, (this.config.retentionHours * 3_600_000) / 4)
  }

  /** Appends one batch and its mark atomically; resolves once the batch is in the stream. */
  async append(records: readonly AppendRecord[], mark?: string): Promise<AppendResult> {
    if (records.length === 0 && mark === undefined) return {firstSeq: this.nextSeq, count: 0, bytes: 0, payloadBytes: 0}
    await this.lock.acquire()
    try {
      this.syncWithStream()
      const now = Date.now()
      if (this.committedEnd > 0 && (this.committedEnd >= this.segmentBytes || now - (this.segmentStartedAt ?? now) >= this.segmentMaxAgeMs)) this.rotate()
      const firstSeq = this.nextSeq
      const {buffer, length} = this.encode(records, firstSeq, mark)
      const bytes = this.writeAll(buffer.subarray(0, length))
      this.segmentStartedAt ??= now
      this.committedEnd += bytes
      this.nextSeq = firstSeq + records.length
      return {firstSeq, count: records.length, bytes, payloadBytes: this.lastPayloadBytes}
    } finally {
      this.lock.release()
    }
  }

  /**
   * The batch's lines and commit line, encoded straight into a reused buffer: writing each part
   * in place is several times faster than joining one long string and encoding it.
   */
  private encode(records: readonly AppendRecord[], firstSeq: number, mark: string | undefined): {buffer: Buffer; length: number} {
    const shards = this.config.shards
    let buf = this.scratch as FastBuffer
    let off = 0
    let seq = firstSeq
    let payload = 0
    for (const r of records) {
      const key = r.partitionKey === '' ? undefined : r.partitionKey
      const data = encodeData(r.data)
      const keyText = encodeKey(key)
      // UTF-8 takes at most 3 bytes per UTF-16 unit; numbers and separators fit in 64.
      const need = 3 * (data.length + keyText.length) + 64
      if (off + need > buf.length) buf = this.grow(off + need, off) as FastBuffer
      const shard = shards === 1 ? 0 : key === undefined ? this.roundRobin++ % shards : shardOf(key, shards)
      off = writeNumbers(buf, off, seq++, r.time, shard)
      if (keyText !== '') off += buf.utf8Write(keyText, off)
      buf[off++] = TAB
      const written = buf.utf8Write(data, off)
      payload += written
      off += written
      buf[off++] = NEWLINE
    }
    const commit = formatCommitLine(seq, Date.now(), this.options.producerId, mark)
    const need = 3 * commit.length
    if (off + need > buf.length) buf = this.grow(off + need, off) as FastBuffer
    off += buf.utf8Write(commit, off)
    this.lastPayloadBytes = payload
    return {buffer: buf, length: off}
  }

  private grow(size: number, keep: number): Buffer {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2))
    this.scratch.copy(bigger, 0, 0, keep)
    // A huge one-off batch should not pin its buffer for the writer's life.
    if (bigger.length <= MAX_SCRATCH_BYTES) this.scratch = bigger
    return bigger
  }

  /** The mark of this writer's producer in its last commit, searching from the newest segment. */
  lastMark(): string | undefined {
    const producer = this.options.producerId
    if (producer === undefined) return undefined
    const field = `\t${encodeProducer(producer)}\t`
    // A commit without a mark (a plain write) leaves the producer's last mark as it was.
    const match = (line: string) => line.startsWith(COMMIT_PREFIX) && line.includes(field) && !line.endsWith('\t-')
    for (const name of listSegments(this.dir).reverse()) {
      const path = join(this.dir, name)
      const found = findLastControl(path, statSync(path).size, match)
      if (found?.control.type === 'commit' && found.control.producer === producer) return found.control.mark
    }
    return undefined
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  /**
   * Brings the cached end of the stream up to date (other writers may have appended or started
   * a new segment) and cuts off a batch a crashed writer left without its commit line.
   */
  private syncWithStream(): void {
    if (this.fd === undefined) {
      trimSegments(this.dir, this.config.retentionHours * 3_600_000)
      this.openSegment(this.newestSegment())
    }
    for (;;) {
      const stat = fstatSync(this.fd!)
      if (stat.nlink === 0) throw new NotFoundError(`local stream '${this.config.name}' was deleted while writing to it.`)
      if (stat.size === this.committedEnd) return
      const last = findLastControl(this.path(), stat.size)
      if (last?.control.type === 'sealed') {
        this.openSegment(last.control.nextSegment)
        continue
      }
      this.committedEnd = last?.end ?? 0
      this.nextSeq = last?.control.nextSeq ?? segmentFirstSeq(this.segment)
      if (this.startedAtOf !== this.segment || this.committedEnd === 0) {
        this.segmentStartedAt = this.committedEnd > 0 ? firstCommitTime(this.path()) : undefined
        this.startedAtOf = this.segment
      }
      if (stat.size > this.committedEnd) ftruncateSync(this.fd!, this.committedEnd)
      return
    }
  }

  private newestSegment(): string {
    const segments = listSegments(this.dir)
    return segments.length > 0 ? segments[segments.length - 1] : segmentName(0)
  }

  private openSegment(name: string): void {
    this.close()
    try {
      this.fd = openSync(join(this.dir, name), 'a')
    } catch (error) {
      throw new ExternalServiceError('file system', `cannot open ${join(this.dir, name)}: ${(error as Error).message}`, {cause: error})
    }
    this.segment = name
    // Forces syncWithStream to read the segment's end from disk.
    this.committedEnd = -1
    this.nextSeq = segmentFirstSeq(name)
  }

  /** Seals the full segment (naming its successor), starts the next one, and applies retention. */
  private rotate(): void {
    const next = segmentName(this.nextSeq)
    this.committedEnd += this.writeAll(Buffer.from(formatSealedLine(this.nextSeq, Date.now(), next)))
    this.openSegment(next)
    this.committedEnd = 0
    this.segmentStartedAt = undefined
    this.startedAtOf = next
    trimSegments(this.dir, this.config.retentionHours * 3_600_000)
  }

  private writeAll(buffer: Buffer): number {
    let done = 0
    try {
      while (done < buffer.length) done += writeSync(this.fd!, buffer, done, buffer.length - done)
      if (this.options.fsync) fsyncSync(this.fd!)
    } catch (error) {
      // Leave no partial batch behind: readers would wait on it until the next writer cut it off.
      try {
        ftruncateSync(this.fd!, Math.max(0, this.committedEnd))
      } catch {
        // The original error says more.
      }
      throw new ExternalServiceError('file system', `writing to local stream '${this.config.name}' failed: ${(error as Error).message}`, {cause: error})
    }
    return done
  }

  private path(): string {
    return join(this.dir, this.segment)
  }
}

/** The wall time of a segment's first commit line, read from its head. */
function firstCommitTime(path: string): number | undefined {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(256 * 1024)
    for (let pos = 0; ; ) {
      const n = readFully(fd, buf, pos)
      if (n === 0) return undefined
      const text = buf.toString('latin1', 0, n)
      const at = text.startsWith(COMMIT_PREFIX) ? 0 : text.indexOf('\n' + COMMIT_PREFIX) + 1
      if (at > 0 || text.startsWith(COMMIT_PREFIX)) {
        const end = text.indexOf('\n', at)
        if (end > 0) {
          const control = parseControlLine(text.slice(at, end))
          return control?.wallMs
        }
      }
      // Keep a line's worth of overlap so a commit line across the boundary is found.
      pos += Math.max(1, n - 4096)
      if (n < buf.length) return undefined
    }
  } finally {
    closeSync(fd)
  }
}

const TAB = 9
const NEWLINE = 10
const MAX_SCRATCH_BYTES = 64 << 20

/**
 * Node's encoders without the `write(string, offset, encoding)` argument handling, which costs
 * as much as the copy for short strings. They are on every Buffer (Buffer.prototype) since
 * Node 0.x, though not in its typings.
 */
type FastBuffer = Buffer & {
  latin1Write(text: string, offset: number): number
  utf8Write(text: string, offset: number): number
}

/**
 * Writes `SEQ TAB TIME TAB SHARD TAB`. The epoch-ms time is split into two small integers,
 * which avoids the slow double-to-string path that showed in profiles at a million records a
 * second.
 */
function writeNumbers(buf: FastBuffer, off: number, seq: number, ms: number, shard: number): number {
  if (ms >= 1e7 && ms <= Number.MAX_SAFE_INTEGER && Math.floor(ms) === ms) {
    const high = Math.floor(ms / 1e7)
    let low = ms - high * 1e7
    off += buf.latin1Write(seq + '\t' + high, off)
    for (let p = off + 6; p >= off; p--) {
      const q = (low / 10) | 0
      buf[p] = 48 + low - q * 10
      low = q
    }
    off += 7
  } else {
    off += buf.latin1Write(seq + '\t' + ms, off)
  }
  buf[off++] = TAB
  if (shard < 10) {
    buf[off++] = 48 + shard
  } else {
    off += buf.latin1Write(String(shard), off)
  }
  buf[off++] = TAB
  return off
}

/**
 * Deletes segments whose last write is older than the retention (real time: record clocks may
 * be simulated days in the past). The newest segment always stays. Returns the names removed.
 */
export function trimSegments(dir: string, retentionMs: number, now = Date.now()): string[] {
  const segments = listSegments(dir)
  const removed: string[] = []
  for (const name of segments.slice(0, -1)) {
    const path = join(dir, name)
    try {
      if (statSync(path).mtimeMs < now - retentionMs) {
        unlinkSync(path)
        removed.push(name)
      } else {
        break
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return removed
}
