import {resolve} from 'node:path'
import {formatAccessLogDocument, parseAccessLine, type AccessLogEntry} from '../access-log/index.js'
import {UsageError} from '../core/errors.js'
import type {Speed} from '../core/units.js'
import {formatTarget, openSink, type OutRecord, type Sink, type TargetContext, type TargetSpec} from '../targets/index.js'
import {loadCheckpoint, newCheckpoint, parseCheckpoint, saveCheckpoint, type FileProgress, type ReplayCheckpoint} from './checkpoint.js'
import type {ChunkWork} from './chunk-work.js'
import type {ParsePool} from './parse-pool.js'
import {keyReader} from './partition-key.js'
import {expandInputs, type ReplayInput} from './inputs.js'
import {makePacer, type Pacer} from './pacer.js'
import {identify, readFileChunks, readGzipChunks, readStreamChunks, sameFile, type FileIdentity, type LineChunk} from './reader.js'
import {RejectsFile, type RejectedLine} from './rejects.js'

export type ReplayTransform = 'raw' | 'json'

/** Document fields a partition key can come from (`random` lets the target choose). */
export const PARTITION_KEY_FIELDS = ['host', 'ident', 'authuser', 'request', 'response', 'referer', 'user-agent', 'username', 'verb', 'random'] as const

export interface ReplayOptions {
  /** Files, patterns, or `-` for standard input. */
  files: readonly string[]
  /** Folder relative paths and patterns start from. */
  cwd: string
  to: TargetSpec
  transform: ReplayTransform
  speed: Speed
  follow: boolean
  /** Where a file without a checkpoint starts: its first line, or (with follow) its current end. */
  from: 'start' | 'end'
  /** `--checkpoint FILE`: resume where the last run with this file stopped. */
  checkpoint?: string
  /** `--errors FILE`: every rejected line, with its place and reason. */
  errors?: string
  /** A document field whose value routes records on sharded targets, or `random`. */
  partitionKey: string
  /** File for records a target refused after every retry. */
  deadLetter?: string
  /** Batch size in lines: how much is sent (and checkpointed) at once. */
  batchLines?: number
  /** How often `--follow` looks for new lines. */
  pollMs?: number
  /**
   * Parsing threads for a full-speed replay into a file or stdout (0, the default: parse on the
   * main thread). Each thread takes whole read chunks (256 KiB); `batchLines` does not apply.
   */
  workers?: number
  signal?: AbortSignal
  onProgress?: (progress: ReplayProgress) => void
}

export interface ReplayProgress {
  /** Bytes read of the files of known size (plain files). */
  bytesRead: number
  /** Total size of the plain files; undefined when reading standard input or gzip. */
  bytesTotal: number | undefined
  read: number
  rejected: number
}

export interface ReplayFileSummary {
  file: string
  /** Lines read in this run. */
  read: number
  rejected: number
  /** The line this run started after (0: from the start). */
  startedAfterLine: number
  /** How this file was started: from the start, resumed from the checkpoint, or at its end. */
  start: 'beginning' | 'checkpoint' | 'end'
}

export interface ReplayResult {
  target: string
  transform: ReplayTransform
  files: ReplayFileSummary[]
  /** Lines read (records parsed or rejected). read = delivered + failed + rejected. */
  read: number
  delivered: number
  /** Re-sends of records a service refused once and later accepted. */
  retried: number
  /** Lines that are not access-log requests, set aside with a reason. */
  rejected: number
  /** Records the target refused after every retry (in the dead-letter file, if any). */
  failed: number
  /** Bytes read from the inputs, and bytes the target accepted. */
  bytesRead: number
  bytesDelivered: number
  elapsedMs: number
  recordsPerSecond: number
  /** The log time of the earliest and latest record replayed (ISO-8601 UTC). */
  firstRecordTime?: string
  lastRecordTime?: string
  checkpoint?: string
  errorsFile?: string
  deadLetter?: string
  /** The first rejected lines (all of them are in the errors file). */
  rejectedExamples: RejectedLine[]
  /** True when the run was stopped (Ctrl-C) before the inputs ended. */
  interrupted: boolean
}

const MAX_EXAMPLES = 5
const DEFAULT_BATCH_LINES = 1000

/**
 * Replays access-log files into a target, as the Kinesis Agent ships them, but as a one-shot
 * run that ends with an honest count: every line read is delivered, failed (refused by the
 * target after retries) or rejected (not a request, set aside with its reason).
 *
 * With a checkpoint, each batch goes to the target with a mark (file identity, byte offset,
 * line): sinks that store marks with their records (local streams) resume exactly once; for the
 * others the checkpoint file is rewritten after each batch is delivered, so a crash repeats at
 * most the batch in flight.
 */
export async function replay(given: ReplayOptions, ctx: TargetContext): Promise<ReplayResult> {
  validate(given)
  // Files the user names are relative to the folder they named the inputs from.
  const options: ReplayOptions = {
    ...given,
    checkpoint: given.checkpoint && resolve(given.cwd, given.checkpoint),
    errors: given.errors && resolve(given.cwd, given.errors),
    deadLetter: given.deadLetter && resolve(given.cwd, given.deadLetter),
  }
  const inputs = await expandInputs(options.files, options.cwd)
  if (options.follow && inputs.length > 1) {
    throw new UsageError(`--follow follows one file; ${inputs.length} were named.`, {suggestions: ['Run one replay per file to follow, or drop --follow to replay them all once.']})
  }
  if (options.follow && inputs.some((i) => i.kind === 'file' && i.gzip)) {
    throw new UsageError('--follow cannot follow a .gz file: a compressed file is complete once written.', {suggestions: ['Drop --follow to replay it once.']})
  }
  if (options.checkpoint && inputs.some((i) => i.kind === 'stdin')) {
    throw new UsageError('--checkpoint cannot resume standard input (-): it cannot be read again.', {suggestions: ['Replay the file itself, or drop --checkpoint.']})
  }

  let state: ReplayCheckpoint | undefined
  let resuming = false
  if (options.checkpoint) {
    state = (await loadCheckpoint(options.checkpoint)) ?? newCheckpoint()
    resuming = state.files.length > 0
    // Written before any record goes out, so a crash at any later point resumes as this producer.
    await saveCheckpoint(options.checkpoint, state)
  }

  const sink = await openSink(options.to, ctx, {producerId: state?.producer, append: resuming, deadLetter: options.deadLetter})
  const clock = ctx.clock
  const started = clock.now()
  const rejectsFile = options.errors ? await RejectsFile.open(options.errors, resuming) : undefined
  // Threads pay off where the main thread only has to move bytes: a file or stdout, at full speed.
  const threads = (options.workers ?? 0) > 0 && options.speed === 'max' && !options.follow && sink.writeLines !== undefined
  const pool = threads ? new (await import('./parse-pool.js')).ParsePool(options.workers ?? 0) : undefined
  const run = new ReplayRun(options, ctx, sink, state, rejectsFile, inputs, pool)
  try {
    if (state && sink.lastMark) {
      // The target's own mark is the truth: it was stored atomically with the records.
      const stored = await sink.lastMark()
      const mark = stored === undefined ? undefined : parseCheckpoint(stored)
      if (mark && mark.producer === state.producer) state.files = mark.files
    }
    await run.all()
  } catch (error) {
    await pool?.close()
    // The first failure is the one to report; closing may fail the same way.
    await sink.close().catch(() => undefined)
    await rejectsFile?.close().catch(() => undefined)
    throw error
  }
  await pool?.close()
  const report = await sink.close()
  await rejectsFile?.close()
  if (options.checkpoint && state) await saveCheckpoint(options.checkpoint, state)

  const elapsedMs = Math.max(0, clock.now() - started)
  return {
    target: formatTarget(options.to),
    transform: options.transform,
    files: run.summaries,
    read: run.read,
    delivered: report.delivered,
    retried: report.retried,
    rejected: run.rejected,
    failed: report.failed,
    bytesRead: run.bytesRead,
    bytesDelivered: report.bytes,
    elapsedMs,
    recordsPerSecond: elapsedMs > 0 ? Math.round((report.delivered * 1000) / elapsedMs) : 0,
    firstRecordTime: run.firstTime === Infinity ? undefined : new Date(run.firstTime).toISOString(),
    lastRecordTime: run.lastTime === -Infinity ? undefined : new Date(run.lastTime).toISOString(),
    checkpoint: given.checkpoint,
    errorsFile: given.errors,
    deadLetter: report.deadLetter,
    rejectedExamples: run.examples,
    interrupted: run.interrupted,
  }
}

function validate(options: ReplayOptions): void {
  if (!(PARTITION_KEY_FIELDS as readonly string[]).includes(options.partitionKey)) {
    throw new UsageError(`--partition-key '${options.partitionKey}' is not a field of the document.`, {suggestions: [`Use one of: ${PARTITION_KEY_FIELDS.join(', ')}.`]})
  }
  if (options.from === 'end' && !options.follow) {
    throw new UsageError('--from end only makes sense with --follow (it skips what the file holds now).', {suggestions: ['Add --follow, or drop --from end.']})
  }
  if (options.batchLines !== undefined && !(options.batchLines >= 1)) throw new UsageError('the batch size must be at least 1 line.')
}

/** The state of one replay run: counts, the batch being built, and where each file stands. */
class ReplayRun {
  read = 0
  rejected = 0
  bytesRead = 0
  firstTime = Infinity
  lastTime = -Infinity
  interrupted = false
  readonly summaries: ReplayFileSummary[] = []
  readonly examples: RejectedLine[] = []
  private readonly pacer: Pacer | undefined
  private readonly keyField: string
  private readonly keyOf: ((entry: AccessLogEntry) => string | undefined) | undefined
  private readonly json: boolean
  private readonly batchLines: number
  private readonly bytesTotal: number | undefined
  private batch: OutRecord[] = []
  private stopped = false

  constructor(
    private readonly options: ReplayOptions,
    private readonly ctx: TargetContext,
    private readonly sink: Sink,
    private readonly state: ReplayCheckpoint | undefined,
    private readonly rejects: RejectsFile | undefined,
    private readonly inputs: ReplayInput[],
    private readonly pool?: ParsePool,
  ) {
    this.pacer = makePacer(options.speed, ctx.clock)
    // Files, stdout and the lake have no shards: no key to compute.
    this.keyField = options.to.kind === 'local' || options.to.kind === 'kinesis' ? options.partitionKey : 'random'
    this.keyOf = keyReader(this.keyField)
    this.json = options.transform === 'json'
    this.batchLines = options.batchLines ?? DEFAULT_BATCH_LINES
    this.bytesTotal = inputs.every((i) => i.kind === 'file' && !i.gzip) ? inputs.reduce((n, i) => n + (i.kind === 'file' ? i.size : 0), 0) : undefined
  }

  async all(): Promise<void> {
    for (const input of this.inputs) {
      if (this.shouldStop()) break
      await this.one(input)
    }
    this.interrupted = this.options.signal?.aborted ?? false
  }

  private shouldStop(): boolean {
    if (this.options.signal?.aborted) return true
    // A reader that went away (`replay … | head`) ends the run quietly.
    return this.stopped || Boolean((this.sink as {closedByReader?: boolean}).closedByReader)
  }

  private async one(input: ReplayInput): Promise<void> {
    if (input.kind === 'stdin') {
      const summary = this.summary('-', 0, 'beginning')
      await this.consume(readStreamChunks(this.ctx.stdin ?? process.stdin, undefined), summary, undefined)
      return
    }
    const file = await identify(input.path)
    const progress = await this.startingPoint(file, input)
    const summary = this.summary(input.path, progress.line, progress.start)
    const entry: FileProgress = {file, offset: progress.offset, line: progress.line}
    if (this.state) {
      this.state.files = this.state.files.filter((f) => f.file.path !== input.path)
      this.state.files.push(entry)
    }
    const from = {offset: progress.offset, line: progress.line}
    const chunks = input.gzip
      ? readGzipChunks(file, from)
      : readFileChunks(file, from, this.options.follow ? {clock: this.ctx.clock, signal: this.options.signal, pollMs: this.options.pollMs ?? 250, warn: this.ctx.warn} : undefined)
    await this.consume(chunks, summary, entry)
  }

  /** Where a file starts: after its checkpointed line, at its end (`--from end`), or at its start. */
  private async startingPoint(file: FileIdentity, input: ReplayInput & {kind: 'file'}): Promise<{offset: number; line: number; start: ReplayFileSummary['start']}> {
    const saved = this.state?.files.find((f) => f.file.path === file.path)
    if (saved) {
      if (await sameFile(saved.file)) return {offset: saved.offset, line: saved.line, start: 'checkpoint'}
      this.ctx.warn?.(`${file.path} is not the file the checkpoint saw (rotated or replaced); replaying it from its start.`)
    }
    if (this.options.from === 'end' && !input.gzip) return {offset: input.size, line: await countLines(file), start: 'end'}
    return {offset: 0, line: 0, start: 'beginning'}
  }

  private summary(file: string, startedAfterLine: number, start: ReplayFileSummary['start']): ReplayFileSummary {
    const summary: ReplayFileSummary = {file, read: 0, rejected: 0, startedAfterLine, start}
    this.summaries.push(summary)
    return summary
  }

  private async consume(chunks: AsyncGenerator<LineChunk>, summary: ReplayFileSummary, progress: FileProgress | undefined): Promise<void> {
    if (this.pool) return this.consumeInThreads(this.pool, chunks, summary, progress)
    const signal = this.options.signal
    for await (const chunk of chunks) {
      const text = chunk.text
      let lineNo = chunk.firstLine
      let s = 0
      let sinceBatch = 0
      while (s < text.length) {
        const nl = text.indexOf('\n', s)
        const next = nl === -1 ? text.length : nl + 1
        let e = nl === -1 ? text.length : nl
        if (e > s && text.charCodeAt(e - 1) === 13) e--
        this.read++
        summary.read++
        const parsed = parseAccessLine(text, s, e)
        if (parsed.ok) {
          const entry = parsed.entry
          if (this.pacer) {
            const wait = this.pacer.delay(entry.time)
            if (wait > 0) {
              await this.send(chunk, s, lineNo - 1, progress)
              sinceBatch = 0
              await this.pacer.sleep(wait, signal)
              if (signal?.aborted) {
                // The line was read but not sent: the next run starts with it.
                this.read--
                summary.read--
                break
              }
            }
          }
          const time = entry.time
          if (time < this.firstTime) this.firstTime = time
          if (time > this.lastTime) this.lastTime = time
          this.batch.push({data: this.json ? formatAccessLogDocument(entry) : text.slice(s, e), time, partitionKey: this.keyOf?.(entry)})
        } else {
          this.reject({file: summary.file, line: lineNo, column: parsed.column, reason: parsed.reason, text: text.slice(s, e)})
          summary.rejected++
        }
        s = next
        lineNo++
        if (++sinceBatch >= this.batchLines && s < text.length) {
          await this.send(chunk, s, lineNo - 1, progress)
          sinceBatch = 0
          if (this.shouldStop()) break
        }
      }
      await this.send(chunk, s >= text.length ? 'all' : s, lineNo - 1, progress)
      if (this.shouldStop()) {
        this.stopped = true
        // Ends the reader (closing its file) without reading further.
        await chunks.return(undefined)
        break
      }
    }
  }

  /**
   * Full speed with parsing threads: chunks are parsed ahead while earlier ones are written, in
   * file order, each as one batch (and one checkpoint).
   */
  private async consumeInThreads(pool: ParsePool, chunks: AsyncGenerator<LineChunk>, summary: ReplayFileSummary, progress: FileProgress | undefined): Promise<void> {
    const inFlight: Array<{chunk: LineChunk; work: Promise<ChunkWork>}> = []
    const deliver = async ({chunk, work: pending}: {chunk: LineChunk; work: Promise<ChunkWork>}) => {
      const work = await pending
      if (work.firstTime < this.firstTime) this.firstTime = work.firstTime
      if (work.lastTime > this.lastTime) this.lastTime = work.lastTime
      for (const r of work.rejects) this.reject({file: summary.file, line: chunk.firstLine + r.index, column: r.column, reason: r.reason, text: r.text})
      summary.rejected += work.rejects.length
      this.read += work.lines
      summary.read += work.lines
      await this.send(chunk, 'all', chunk.firstLine + work.lines - 1, progress, work)
    }
    for await (const chunk of chunks) {
      inFlight.push({chunk, work: pool.run(chunk.bytes, this.json)})
      if (inFlight.length >= pool.size * 4) await deliver(inFlight.shift()!)
      if (this.shouldStop()) break
    }
    while (inFlight.length > 0 && !this.shouldStop()) await deliver(inFlight.shift()!)
    // Parsed but not written (stopped early): settled, so no thread's answer is left dangling.
    await Promise.allSettled(inFlight.map((i) => i.work))
    if (this.shouldStop()) {
      this.stopped = true
      await chunks.return(undefined)
    }
  }

  private reject(line: RejectedLine): void {
    this.rejected++
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(line)
    this.rejects?.add(line)
  }

  /**
   * Sends the batch (or the records a parsing thread encoded), covering the chunk up to character
   * `upTo` (line `lastLine`), and records the position.
   */
  private async send(chunk: LineChunk, upTo: number | 'all', lastLine: number, progress: FileProgress | undefined, encoded?: ChunkWork): Promise<void> {
    const offset = upTo === 'all' ? chunk.endOffset : chunk.offsetOf(upTo)
    const advanced = progress !== undefined && (offset !== progress.offset || lastLine !== progress.line)
    if (progress) {
      // Following can move on to a new file (rotation, truncation): the position is in that one.
      if (chunk.file) progress.file = chunk.file
      progress.offset = offset
      progress.line = lastLine
    }
    const batch = this.batch
    this.batch = []
    const mark = this.state && advanced ? JSON.stringify(this.state) : undefined
    if (this.state && this.rejects) await this.rejects.flush()
    if (encoded) {
      if (encoded.records > 0) await this.sink.writeLines!(encoded.out, encoded.records)
    } else if (batch.length > 0 || mark !== undefined) await this.sink.write(batch, mark)
    if (this.state && advanced && this.options.checkpoint) {
      await this.sink.flush()
      await saveCheckpoint(this.options.checkpoint, this.state)
    }
    this.reportProgress(chunk, offset)
  }

  private lastProgressOffset = new Map<string, number>()

  private reportProgress(chunk: LineChunk, offset: number): void {
    const key = chunk.file?.path ?? '-'
    const before = this.lastProgressOffset.get(key) ?? chunk.startOffset
    if (offset > before) this.bytesRead += offset - before
    this.lastProgressOffset.set(key, offset)
    this.options.onProgress?.({bytesRead: this.bytesRead, bytesTotal: this.bytesTotal, read: this.read, rejected: this.rejected})
  }
}

async function countLines(file: FileIdentity): Promise<number> {
  let lines = 0
  for await (const chunk of readFileChunks(file, {offset: 0, line: 0})) {
    lines = chunk.firstLine - 1 + chunk.lineCount
  }
  return lines
}
