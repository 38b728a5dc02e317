import {stat} from 'node:fs/promises'
import {formatTarget, openSink, openSource} from '../targets/index.js'
import type {TargetSpec} from '../targets/spec.js'
import type {DeliveryReport, InRecord, Sink, TargetContext} from '../targets/types.js'
import {formatSqlType} from '../sql/types.js'
import {DISCOVERY_SAMPLE_SIZE} from '../sql/input/discover.js'
import {createRecordMapper} from '../sql/input/mapper.js'
import {sourceStreamOf} from '../sql/input/schema.js'
import {compileSql} from './compile.js'
import {adjacentSchemaFile, discoverSchema, loadSchemaFile, peekRecords, readTextFile, type ResolvedSchema, type SchemaOrigin} from './input.js'
import type {MappedBatch} from './mapped-batch.js'
import {MAP_IN_THREAD_MIN_BYTES, mapFileInThread, type FileThread} from './mapped-file-input.js'
import {resolveOutputStream, routableStreams, rowFormatter, terminalStreams, type OutputSpec} from './output.js'
import {runApplication, type OutputRoute} from './runner.js'

export interface AppRunOptions {
  sqlFile: string
  from: TargetSpec
  /** `--schema FILE`; without it, `APP.schema.json` beside the SQL, else discovery. */
  schemaFile?: string
  rowtimeField?: string
  outputs: OutputSpec[]
  withRowtime: boolean
  /** Keep reading at the end of a local or Kinesis stream (default); files and stdin always end. */
  follow: boolean
  ctx: TargetContext
  signal?: AbortSignal
  heartbeatMs?: number
  /** Reading and mapping a big `file:` input on a second thread (tests force it or rule it out). */
  inputThread?: InputThreadOptions
}

export interface InputThreadOptions {
  /** Files at least this big are read on the thread. Default MAP_IN_THREAD_MIN_BYTES. */
  minBytes?: number
  /** The thread's script (tests, which run the TypeScript sources, give the compiled one). */
  workerUrl?: URL
  /** Records per batch the thread hands over. */
  batchRecords?: number
}

export interface AppRunResult {
  application: string
  input: string
  sourceStream: string
  schema: {origin: SchemaOrigin; file?: string; columns: Array<{name: string; type: string; mapping?: string}>}
  rowtime: string
  recordsIn: number
  rowsIn: number
  errors: number
  firstErrors: string[]
  outputs: Array<{stream: string; target: string; rows: number}>
  /** true: the input ended and every window was closed; false: stopped by a signal. */
  ended: boolean
  /**
   * Where the input was read and mapped: here, or on a second thread (a big file), which passes
   * on only the source columns some query reads; the others are still mapped, so a record whose
   * value there cannot be coerced is set aside as before.
   */
  reading: {secondThread: boolean; columnsNotPassedOn: string[]}
  elapsedMs: number
}

/** A finite input is read to its end; streams are followed unless told otherwise. */
export function isFiniteInput(spec: TargetSpec, follow: boolean): boolean {
  return spec.kind === 'file' || spec.kind === 'stdio' || !follow
}

/**
 * A file big enough is read and mapped on a second thread while the application runs on this
 * one: the two halves of the work take about as long, and the machine has a core to spare. Other
 * inputs (stdin, streams, small files) gain nothing from it and are read here.
 */
export async function readsInThread(spec: TargetSpec, minBytes = MAP_IN_THREAD_MIN_BYTES): Promise<boolean> {
  if (spec.kind !== 'file') return false
  const size = await stat(spec.path).then(
    (s) => s.size,
    () => 0,
  )
  return size >= minBytes
}

/** The first records' texts, for schema discovery; the reader is closed after them. */
async function sampleRecords(batches: AsyncIterable<InRecord[]>, count = DISCOVERY_SAMPLE_SIZE): Promise<string[]> {
  const samples: string[] = []
  for await (const batch of batches) {
    for (const r of batch) if (samples.length < count) samples.push(r.data)
    if (samples.length >= count) break
  }
  return samples
}

/**
 * `clickstream app run`: compiles the application, maps the input to its source stream, runs it
 * in this process and routes the streams to their targets. A finite input runs to its end and
 * closes every window; a followed stream runs until the signal aborts.
 */
export async function runApplicationFile(options: AppRunOptions): Promise<AppRunResult> {
  const {ctx} = options
  const started = ctx.clock.now()
  const sql = await readTextFile(options.sqlFile, 'application SQL')
  const finite = isFiniteInput(options.from, options.follow)
  const schemaFile = options.schemaFile ?? adjacentSchemaFile(options.sqlFile)
  let schema: ResolvedSchema | undefined = schemaFile === undefined ? undefined : await loadSchemaFile(schemaFile)

  const source = await openSource(options.from, ctx, {follow: !finite, signal: options.signal, from: 'trim-horizon'})
  const inThread = await readsInThread(options.from, options.inputThread?.minBytes)
  const sinks: Sink[] = []
  let thread: FileThread | undefined
  try {
    let batches: AsyncIterable<InRecord[] | MappedBatch> | undefined
    if (!schema) {
      if (inThread) {
        schema = discoverSchema(await sampleRecords(source.batches()), formatTarget(options.from))
      } else {
        const peeked = await peekRecords(source.batches())
        schema = discoverSchema(peeked.samples, formatTarget(options.from))
        batches = peeked.batches
      }
    }
    const {mapping} = schema
    // Built here even when a thread maps the records: a bad --rowtime path fails before any work.
    const mapper = createRecordMapper(mapping, {rowtimeField: options.rowtimeField})
    // The thread sends only the columns the application reads; it starts before the SQL is compiled.
    let columnsRead: (read: readonly boolean[] | undefined) => void = () => undefined
    if (inThread && options.from.kind === 'file') {
      batches = thread = mapFileInThread({
        path: options.from.path,
        schema: schema.json,
        rowtimeField: options.rowtimeField,
        columnsRead: new Promise((resolve) => (columnsRead = resolve)),
        clock: ctx.clock,
        signal: options.signal,
        workerUrl: options.inputThread?.workerUrl,
        batchRecords: options.inputThread?.batchRecords,
      })
    }
    const app = await compileSql(sql, {sources: [sourceStreamOf(mapping)], file: options.sqlFile})
    columnsRead(app.streams.find((s) => s.name === mapping.streamName)?.columnsRead)
    const streams = routableStreams(app.streams)
    const specs: OutputSpec[] =
      options.outputs.length > 0 ? options.outputs : terminalStreams(app.streams).map((s) => ({stream: s.name, target: {kind: 'stdio'} as TargetSpec}))
    const routes: OutputRoute[] = []
    for (const spec of specs) {
      const stream = resolveOutputStream(spec.stream, streams)
      const sink = await openSink(spec.target, ctx)
      sinks.push(sink)
      routes.push({stream: stream.name, columns: stream.columns, sink, format: rowFormatter(spec.format, stream.columns, options.withRowtime)})
    }
    const report = await runApplication({
      app,
      sourceStream: mapping.streamName,
      mapper,
      batches: batches ?? source.batches(),
      routes,
      withRowtime: options.withRowtime,
      clock: ctx.clock,
      signal: options.signal,
      finite,
      heartbeatMs: options.heartbeatMs,
      // `app run ... | head`: once every output's reader is gone, there is no one to run for.
      shouldStop: () => routes.every((r) => (r.sink as {closedByReader?: boolean}).closedByReader === true),
    })
    const reports: DeliveryReport[] = []
    for (const sink of sinks.splice(0)) reports.push(await sink.close())
    const c = report.counters
    return {
      application: options.sqlFile,
      input: formatTarget(options.from),
      sourceStream: mapping.streamName,
      schema: {
        origin: schema.origin,
        file: schema.file,
        columns: mapping.columns.map((col) => ({name: col.name, type: formatSqlType(col.type), ...(col.path ? {mapping: col.path.text} : {})})),
      },
      rowtime: options.rowtimeField === undefined ? 'arrival time' : `field ${options.rowtimeField}`,
      recordsIn: c.recordsIn,
      rowsIn: c.rowsIn,
      errors: c.errors,
      firstErrors: c.firstErrors,
      outputs: routes.map((r, i) => ({stream: r.stream, target: reports[i]?.target ?? r.sink.target, rows: c.rowsOut[r.stream] ?? 0})),
      ended: report.ended,
      reading: {secondThread: thread !== undefined, columnsNotPassedOn: mapping.columns.filter((_, i) => thread?.columnsLeftOut[i]).map((c) => c.name)},
      elapsedMs: ctx.clock.now() - started,
    }
  } finally {
    await thread?.close()
    for (const sink of sinks) await sink.close().catch(() => undefined)
    await source.close()
  }
}
