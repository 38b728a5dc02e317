import {randomBytes} from 'node:crypto'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {gzip} from 'node:zlib'
import type {Clock} from '../core/clock.js'
import {ExternalServiceError, UsageError} from '../core/errors.js'
import type {DeliveryReport, OutRecord, Sink} from '../targets/types.js'
import {ERRORS_FOLDER, errorsFolder, hourPrefix, type LakeFormat, stampOf, tableFolder} from './layout.js'

const gzipAsync = promisify(gzip)
const HOUR_MS = 3_600_000

/** Firehose's S3 buffering defaults ("BufferingHints"): 5 MiB or 300 s, whichever comes first. */
export const FIREHOSE_BUFFER_SIZE_BYTES = 5 * 1024 * 1024
export const FIREHOSE_BUFFER_INTERVAL_MS = 300_000

/**
 * Local defaults are lower so a workshop sees its data within a minute: 1 MiB or 60 s, the
 * values seed 000 picks in its Firehose wizard ("Buffer size of 1 MB and Buffer interval of 60").
 */
export const LOCAL_BUFFER_SIZE_BYTES = 1024 * 1024
export const LOCAL_BUFFER_INTERVAL_MS = 60_000

export interface LakeDeliveryOptions {
  /** The workspace's lake folder. */
  lake: string
  table: string
  /** `json` (newline-delimited, the default), `json.gz`, or `parquet`. */
  format?: LakeFormat
  /** Flush once this many bytes of records are buffered. */
  bufferBytes?: number
  /** Flush once the oldest buffered record has waited this long (checked on write and by a timer). */
  bufferIntervalMs?: number
  clock: Clock
  /** Part of every file name, so several writers can deliver to one table at once. Default: pid + random. */
  writerId?: string
}

interface Pending {
  lines: string[]
  /** Characters of the lines, newlines included: the buffer's size as far as flushing goes. */
  bytes: number
}

interface FailedRecord {
  record: OutRecord
  errorCode: string
  errorMessage: string
}

/**
 * Delivers records to `lake/TABLE/YYYY/MM/DD/HH/` the way Firehose delivers to S3: records are
 * buffered, and each flush writes one file per hour prefix (the hour of each record's own
 * clock, UTC). Files appear atomically (written under a temporary name, then renamed), so a
 * crawl or query running at the same time never reads half a file.
 *
 * A record that is not a JSON object cannot become a row, so it is set aside under
 * `lake/_errors/TABLE/YYYY/MM/DD/HH/` with Firehose's error-record fields, and counted as failed.
 */
export class LakeSink implements Sink {
  readonly target: string
  private readonly format: LakeFormat
  private readonly bufferBytes: number
  private readonly bufferIntervalMs: number
  private readonly writerId: string
  private pending = new Map<string, Pending>()
  private pendingFailures: FailedRecord[] = []
  private pendingBytes = 0
  private lastHour = Number.NaN
  private lastPart: Pending | undefined
  private oldestPendingAt: number | undefined
  private sequence = 0
  private delivered = 0
  private failed = 0
  private bytes = 0
  private readonly written: string[] = []
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()
  private timerError: unknown
  private closed = false
  private duck: Promise<import('./duckdb.js').DuckDb> | undefined

  constructor(private readonly options: LakeDeliveryOptions) {
    if (options.table === ERRORS_FOLDER) {
      throw new UsageError(`'${ERRORS_FOLDER}' is where the lake keeps refused records; choose another table name.`)
    }
    this.target = `lake:${options.table}`
    this.format = options.format ?? 'json'
    this.bufferBytes = options.bufferBytes ?? LOCAL_BUFFER_SIZE_BYTES
    this.bufferIntervalMs = options.bufferIntervalMs ?? LOCAL_BUFFER_INTERVAL_MS
    this.writerId = options.writerId ?? `${process.pid}-${randomBytes(4).toString('hex')}`
  }

  /** Files this writer has delivered so far (data and error files), absolute paths. */
  get files(): readonly string[] {
    return this.written
  }

  async write(batch: readonly OutRecord[]): Promise<void> {
    this.rethrowTimerError()
    if (this.closed) throw new ExternalServiceError('lake', `${this.target} is closed.`)
    for (const record of batch) this.buffer(record)
    if (this.isDue()) await this.flush()
  }

  async flush(): Promise<void> {
    this.rethrowTimerError()
    const run = this.chain.then(() => this.flushNow())
    this.chain = run.catch(() => {})
    await run
  }

  async close(): Promise<DeliveryReport> {
    if (!this.closed) {
      this.closed = true
      try {
        await this.flush()
      } finally {
        if (this.timer) clearTimeout(this.timer)
        if (this.duck) (await this.duck).close()
      }
    }
    this.rethrowTimerError()
    const report: DeliveryReport = {target: this.target, delivered: this.delivered, bytes: this.bytes, retried: 0, failed: this.failed}
    if (this.failed > 0) report.deadLetter = errorsFolder(this.options.lake, this.options.table)
    return report
  }

  private buffer(record: OutRecord): void {
    const line = jsonObjectLine(record.data)
    if (typeof line !== 'string') {
      this.pendingFailures.push({record, errorCode: 'InvalidRecord', errorMessage: line.error})
    } else {
      // Records mostly come in time order: the hour's part is usually the last one used.
      const hour = record.time - (((record.time % HOUR_MS) + HOUR_MS) % HOUR_MS)
      let part = hour === this.lastHour ? this.lastPart : undefined
      if (!part) {
        const prefix = hourPrefix(record.time)
        part = this.pending.get(prefix)
        if (!part) this.pending.set(prefix, (part = {lines: [], bytes: 0}))
        this.lastHour = hour
        this.lastPart = part
      }
      // Characters, not bytes: close enough to decide when to flush; files count exact bytes.
      part.lines.push(line)
      part.bytes += line.length + 1
      this.pendingBytes += line.length + 1
    }
    if (this.oldestPendingAt === undefined) {
      this.oldestPendingAt = this.options.clock.now()
      this.startTimer()
    }
  }

  private isDue(): boolean {
    if (this.oldestPendingAt === undefined) return false
    return this.pendingBytes >= this.bufferBytes || this.options.clock.now() - this.oldestPendingAt >= this.bufferIntervalMs
  }

  /** Flushes on time even when no more records come (a quiet application output). */
  private startTimer(): void {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush().catch((error: unknown) => (this.timerError = error))
    }, this.bufferIntervalMs)
    this.timer.unref()
  }

  private async flushNow(): Promise<void> {
    const parts = this.pending
    const failures = this.pendingFailures
    this.pending = new Map()
    this.lastHour = Number.NaN
    this.lastPart = undefined
    this.pendingFailures = []
    this.pendingBytes = 0
    this.oldestPendingAt = undefined
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    const now = this.options.clock.now()
    for (const [prefix, part] of [...parts].sort(([a], [b]) => a.localeCompare(b))) {
      try {
        this.bytes += await this.writeDataFile(prefix, part, now)
        this.delivered += part.lines.length
      } catch (error) {
        if (this.format !== 'parquet' || !(error instanceof ExternalServiceError)) throw error
        // As Firehose does when format conversion fails: the records go to the error prefix.
        const message = error.message
        for (const line of part.lines) {
          failures.push({record: {data: line, time: timeOfPrefix(prefix)}, errorCode: 'DataFormatConversion.Failed', errorMessage: message})
        }
      }
    }
    if (failures.length > 0) await this.writeErrors(failures, now)
  }

  private nextName(now: number, extension: string): string {
    this.sequence += 1
    return `${this.options.table}-${stampOf(now)}-${this.writerId}-${String(this.sequence).padStart(6, '0')}${extension}`
  }

  /** Writes one file of the part's lines; returns the bytes of JSON it holds. */
  private async writeDataFile(prefix: string, part: Pending, now: number): Promise<number> {
    const folder = join(tableFolder(this.options.lake, this.options.table), prefix)
    const text = part.lines.join('\n') + '\n'
    const extension = this.format === 'parquet' ? '.parquet' : this.format === 'json.gz' ? '.json.gz' : '.json'
    const name = this.nextName(now, extension)
    const temporary = join(folder, `.${name}.tmp`)
    try {
      await mkdir(folder, {recursive: true})
      if (this.format === 'parquet') {
        const source = join(folder, `.${name}.json.tmp`)
        await writeFile(source, text)
        try {
          await this.convertToParquet(source, temporary)
        } finally {
          await rm(source, {force: true})
        }
      } else {
        await writeFile(temporary, this.format === 'json.gz' ? await gzipAsync(text) : text)
      }
      await rename(temporary, join(folder, name))
    } catch (error) {
      await rm(temporary, {force: true}).catch(() => {})
      if (error instanceof ExternalServiceError) throw error
      throw new ExternalServiceError('file system', `delivering to ${this.target} failed: ${(error as Error).message}`, {cause: error})
    }
    this.written.push(join(folder, name))
    return Buffer.byteLength(text)
  }

  private async convertToParquet(source: string, destination: string): Promise<void> {
    this.duck ??= import('./duckdb.js').then((m) => m.openDuckDb(':memory:'))
    const db = await this.duck
    await db.run(
      `COPY (SELECT * FROM read_json(${sqlString(source)}, format = 'newline_delimited', sample_size = -1)) TO ${sqlString(destination)} (FORMAT parquet)`,
    )
  }

  private async writeErrors(failures: FailedRecord[], now: number): Promise<void> {
    const byPrefix = new Map<string, string[]>()
    for (const f of failures) {
      const prefix = hourPrefix(f.record.time)
      const lines = byPrefix.get(prefix) ?? []
      lines.push(
        JSON.stringify({
          attemptsMade: 1,
          arrivalTimestamp: f.record.time,
          errorCode: f.errorCode,
          errorMessage: f.errorMessage,
          attemptEndingTimestamp: now,
          rawData: Buffer.from(f.record.data).toString('base64'),
        }),
      )
      byPrefix.set(prefix, lines)
    }
    for (const [prefix, lines] of byPrefix) {
      const folder = join(errorsFolder(this.options.lake, this.options.table), prefix)
      const name = this.nextName(now, '.json')
      const temporary = join(folder, `.${name}.tmp`)
      try {
        await mkdir(folder, {recursive: true})
        await writeFile(temporary, lines.join('\n') + '\n')
        await rename(temporary, join(folder, name))
      } catch (error) {
        throw new ExternalServiceError('file system', `setting refused records aside for ${this.target} failed: ${(error as Error).message}`, {cause: error})
      }
      this.written.push(join(folder, name))
      this.failed += lines.length
    }
  }

  private rethrowTimerError(): void {
    if (this.timerError !== undefined) {
      const error = this.timerError
      this.timerError = undefined
      throw error
    }
  }
}

/** The record as one NDJSON line, or why it cannot be a row. */
function jsonObjectLine(data: string): string | {error: string} {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch (error) {
    return {error: `not JSON: ${(error as Error).message}`}
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {error: `a lake row is a JSON object; got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`}
  }
  // Pretty-printed JSON would span lines; one record is one line.
  return data.includes('\n') || data.includes('\r') ? JSON.stringify(value) : data.trim()
}

function timeOfPrefix(prefix: string): number {
  const [y, m, d, h] = prefix.split('/').map(Number)
  return Date.UTC(y, m - 1, d, h)
}

/** A SQL string literal for paths this module built itself. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}
