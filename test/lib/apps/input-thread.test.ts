import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import type {MappedBatch} from '../../../src/lib/apps/mapped-batch.js'
import {mapFileInThread} from '../../../src/lib/apps/mapped-file-input.js'
import {readsInThread, runApplicationFile, type AppRunOptions, type AppRunResult, type InputThreadOptions} from '../../../src/lib/apps/run.js'
import {runApplication} from '../../../src/lib/apps/runner.js'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {InputError, InternalError, NotFoundError} from '../../../src/lib/core/errors.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import type {RuntimeOptions} from '../../../src/lib/sql/api.js'
import {ERROR_STREAM, ERROR_STREAM_COLUMNS} from '../../../src/lib/sql/input/error-stream.js'
import {createRecordMapper} from '../../../src/lib/sql/input/mapper.js'
import {parseInputSchema} from '../../../src/lib/sql/input/schema.js'
import type {Row} from '../../../src/lib/sql/types.js'
import {openSource} from '../../../src/lib/targets/index.js'
import type {InRecord, OutRecord, Sink} from '../../../src/lib/targets/types.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {windowCountApp} from './fake-app.js'
import {compiledWorker, CSV_APP, CSV_SCHEMA, csvInput, JSON_APP, JSON_SCHEMA, jsonInput, T0} from './input-thread-helpers.js'

const tempDir = useTempDir('clickstream-input-thread-')

interface Run {
  result: Omit<AppRunResult, 'elapsedMs' | 'reading'>
  reading: AppRunResult['reading']
  files: Record<string, string>
}

/** Runs `app run` in this process, every stream to a file under `name`/, with a fixed clock; returns the summary and the files. */
async function runApp(dir: string, name: string, input: string, streams: string[], extra: Partial<AppRunOptions> & {inputThread: InputThreadOptions}): Promise<Run> {
  const outputs = streams.map((stream) => ({stream, target: {kind: 'file' as const, path: join(dir, name, `${stream}.ndjson`), gzip: false}, format: 'JSON' as const}))
  const {elapsedMs: _, reading, ...result} = await runApplicationFile({
    sqlFile: join(dir, 'app.sql'),
    schemaFile: existsSync(join(dir, 'app.schema.json')) ? join(dir, 'app.schema.json') : undefined,
    from: {kind: 'file', path: input, gzip: input.endsWith('.gz')},
    outputs,
    withRowtime: true,
    follow: false,
    ctx: {workspace: resolveWorkspace({workspace: join(dir, '.clickstream')}), aws: {}, clock: new ManualClock(T0 + 3_600_000)},
    ...extra,
  })
  const files: Record<string, string> = {}
  for (const o of outputs) files[o.stream] = await readFile(o.target.path, 'utf8')
  // The two runs write to different folders; everything else must match.
  return {result: {...result, outputs: result.outputs.map((o) => ({...o, target: o.target.replace(join(dir, name), 'OUTPUTS')}))}, reading, files}
}

async function writeApp(dir: string, sql: string, schema: unknown): Promise<void> {
  await writeFile(join(dir, 'app.sql'), sql)
  if (schema !== undefined) await writeFile(join(dir, 'app.schema.json'), JSON.stringify(schema))
}

const DISCOVERED_APP = `
CREATE STREAM "OUT" (user_id VARCHAR(64), page VARCHAR(64));
CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "user_id", "page" FROM "SOURCE_SQL_STREAM_001";
`

/** Reads only some columns; a division by zero sends a row to error_stream, which shows the whole row. */
const PARTIAL_APP = `
CREATE STREAM "OUT" (page VARCHAR(64), ratio INTEGER);
CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "page", 100 / ("event_timestamp" - ${T0}) FROM "SOURCE_SQL_STREAM_001";
`

const ON_A_THREAD = (): InputThreadOptions => ({minBytes: 0, workerUrl: compiledWorker(), batchRecords: 7})
const ON_THIS_THREAD: InputThreadOptions = {minBytes: Infinity}

describe('app run reading a file on a second thread', () => {
  it.each([
    {given: 'JSON, an application that reads some columns', sql: PARTIAL_APP, schema: JSON_SCHEMA, text: jsonInput(1500), file: 'clicks.ndjson', rowtimeField: 'event_timestamp', streams: ['OUT', 'error_stream'], unread: ['user_id', 'price', 'clicked', 'sku']},
    {given: 'JSON, ROWTIME from a field', sql: JSON_APP, schema: JSON_SCHEMA, text: jsonInput(1500), file: 'clicks.ndjson', rowtimeField: 'event_timestamp', streams: ['OUT', 'COUNTS', 'error_stream']},
    {given: 'JSON, ROWTIME the arrival time', sql: JSON_APP, schema: JSON_SCHEMA, text: jsonInput(400), file: 'clicks.ndjson', rowtimeField: undefined, streams: ['OUT', 'error_stream']},
    {given: 'gzip JSON', sql: JSON_APP, schema: JSON_SCHEMA, text: jsonInput(600), file: 'clicks.ndjson.gz', rowtimeField: 'event_timestamp', streams: ['OUT', 'error_stream']},
    {given: 'JSON, a schema discovered from the first records', sql: DISCOVERED_APP, schema: undefined, text: jsonInput(500), file: 'clicks.ndjson', rowtimeField: 'event_timestamp', streams: ['OUT', 'error_stream'], unread: ['event_timestamp', 'price', 'clicked', 'items']},
    {given: 'CSV with CRLF and empty lines', sql: CSV_APP, schema: CSV_SCHEMA, text: csvInput(500), file: 'clicks.csv', rowtimeField: 'event_timestamp', streams: ['OUT', 'error_stream'], unread: ['event_timestamp']},
  ])('gives what reading it here gives: $given', async ({sql, schema, text, file, rowtimeField, streams, unread = []}) => {
    // Given an input with bad lines of every kind, read in batches of 7 records on the thread
    const dir = await tempDir()
    await writeApp(dir, sql, schema)
    const input = join(dir, file)
    await writeFile(input, file.endsWith('.gz') ? gzipSync(text) : text)

    // When the same application runs over it both ways
    const here = await runApp(dir, 'here', input, streams, {rowtimeField, inputThread: ON_THIS_THREAD})
    const there = await runApp(dir, 'there', input, streams, {rowtimeField, inputThread: ON_A_THREAD()})

    // Then the outputs, error_stream and every count are the same, byte for byte
    expect(here.result.errors).toBeGreaterThan(5)
    expect(here.result.rowsIn).toBeGreaterThan(100)
    expect(there.result).toEqual(here.result)
    for (const stream of streams) expect(there.files[stream], stream).toBe(here.files[stream])
    expect(here.reading).toEqual({secondThread: false, columnsNotPassedOn: []})
    expect(there.reading).toEqual({secondThread: true, columnsNotPassedOn: unread})
  })

  it('shows the whole row in error_stream when a pump refuses a row whose unread columns were not passed on', async () => {
    const dir = await tempDir()
    await writeApp(dir, PARTIAL_APP, JSON_SCHEMA)
    const input = join(dir, 'clicks.ndjson')
    const lines = [
      {user_id: 'a', event_timestamp: T0 - 1, page: '/a', price: 1.5, clicked: true, items: [{sku: 's1'}, {sku: 's2'}]},
      {user_id: 'b', event_timestamp: T0, page: '/b', price: 2.5, clicked: false, items: [{sku: 's3'}, {sku: 's4'}]},
    ]
    await writeFile(input, lines.map((l) => JSON.stringify(l)).join('\n'))
    const {reading, files} = await runApp(dir, 'there', input, ['error_stream'], {rowtimeField: 'event_timestamp', inputThread: ON_A_THREAD()})
    expect(reading.columnsNotPassedOn).toEqual(['user_id', 'price', 'clicked', 'sku'])
    const rows = files.error_stream.trim().split('\n').map((l) => JSON.parse(l))
    // Each of record 2's rows (one per item) fails, each shown whole: the sku tells them apart.
    expect(rows.map((r) => [r.ERROR_NAME, Buffer.from(r.DATA_ROW, 'hex').toString()])).toEqual([
      ['SQL_Runtime_Error', `["b",${T0},"/b",2.5,false,"s3"]`],
      ['SQL_Runtime_Error', `["b",${T0},"/b",2.5,false,"s4"]`],
    ])
  })

  it('names the lines it set aside by position, as the file source does', async () => {
    const dir = await tempDir()
    await writeApp(dir, JSON_APP, JSON_SCHEMA)
    const input = join(dir, 'clicks.ndjson')
    await writeFile(input, ['{"user_id":"a","event_timestamp":1}', '', '{"user_id":"b","event_timestamp":"soon"}\r', '{"user_id":"c","event_timestamp":3}\r'].join('\n'))
    const {result, files} = await runApp(dir, 'there', input, ['error_stream'], {rowtimeField: 'event_timestamp', inputThread: ON_A_THREAD()})
    expect(result).toMatchObject({recordsIn: 4, rowsIn: 2, errors: 2})
    expect(result.firstErrors).toEqual([`${input}:2: not valid JSON: Unexpected end of JSON input`, expect.stringMatching(`^${input}:3: ROWTIME field \\$.event_timestamp: cannot read "soon"`)])
    const rows = files.error_stream.trim().split('\n').map((l) => JSON.parse(l))
    expect(rows.map((r) => Buffer.from(r.DATA_ROW, 'hex').toString())).toEqual(['', '{"user_id":"b","event_timestamp":"soon"}'])
  })

  it('says a damaged gzip file or a directory is bad input, as the file source does', async () => {
    const dir = await tempDir()
    await writeApp(dir, JSON_APP, JSON_SCHEMA)
    await writeFile(join(dir, 'damaged.ndjson.gz'), Buffer.concat([gzipSync(jsonInput(200)), Buffer.from('trailing garbage')]))
    await mkdir(join(dir, 'folder.ndjson'))
    for (const [file, message] of [
      ['damaged.ndjson.gz', `${join(dir, 'damaged.ndjson.gz')} is not valid gzip: incorrect header check`],
      ['folder.ndjson', `${join(dir, 'folder.ndjson')} is a directory, not a file`],
    ]) {
      for (const inputThread of [ON_THIS_THREAD, ON_A_THREAD()]) {
        const error = await runApp(dir, 'out', join(dir, file), ['OUT'], {rowtimeField: 'event_timestamp', inputThread}).catch((e: unknown) => e)
        expect(error, `${file}, minBytes ${inputThread.minBytes}`).toBeInstanceOf(InputError)
        expect((error as Error).message).toBe(message)
      }
    }
  })

  it('reports an application that does not compile, and stops the thread waiting for its columns', async () => {
    const dir = await tempDir()
    await writeApp(dir, 'CREATE STREAM "OUT" (a INTEGER);\nCREATE PUMP "P" AS INSERT INTO "OUT" SELEC STREAM 1 FROM "SOURCE_SQL_STREAM_001";', JSON_SCHEMA)
    const input = join(dir, 'clicks.ndjson')
    await writeFile(input, jsonInput(50))
    const error = await runApp(dir, 'out', input, ['OUT'], {rowtimeField: 'event_timestamp', inputThread: ON_A_THREAD()}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).location).toMatchObject({line: 2})
  })

  it('keeps a file smaller than the threshold on this thread', async () => {
    const dir = await tempDir()
    await writeApp(dir, JSON_APP, JSON_SCHEMA)
    const input = join(dir, 'clicks.ndjson')
    await writeFile(input, jsonInput(50))
    const size = Buffer.byteLength(jsonInput(50))
    // A thread started from this script could not run: only a run that stays here succeeds.
    const missing = new URL('./no-such-worker.js', import.meta.url)
    const small = await runApp(dir, 'small', input, ['OUT'], {rowtimeField: 'event_timestamp', inputThread: {minBytes: size + 1, workerUrl: missing}})
    expect(small.result.recordsIn).toBe(50)
    await expect(runApp(dir, 'big', input, ['OUT'], {rowtimeField: 'event_timestamp', inputThread: {minBytes: size, workerUrl: missing}})).rejects.toThrow(InternalError)

    expect(await readsInThread({kind: 'file', path: input, gzip: false}, size)).toBe(true)
    expect(await readsInThread({kind: 'file', path: input, gzip: false}, size + 1)).toBe(false)
    expect(await readsInThread({kind: 'stdio'}, 0)).toBe(false)
    expect(await readsInThread({kind: 'local', name: 'clicks'}, 0)).toBe(false)
  })
})

describe('mapFileInThread', () => {
  const options = (path: string) => ({path, schema: JSON_SCHEMA, rowtimeField: 'event_timestamp', clock: new ManualClock(0), workerUrl: compiledWorker(), batchRecords: 16})

  it('says a file that is gone is not found, as the file source does', async () => {
    const dir = await tempDir()
    const path = join(dir, 'gone.ndjson')
    const thread = mapFileInThread(options(path))
    await expect(thread.next()).rejects.toThrow(new NotFoundError(`no such file: ${path}`))
  })

  it('stops the thread when the signal aborts, and hands out nothing more', async () => {
    const dir = await tempDir()
    const path = join(dir, 'clicks.ndjson')
    await writeFile(path, jsonInput(3000))
    const controller = new AbortController()
    const thread = mapFileInThread({...options(path), signal: controller.signal, maxInFlight: 1})
    const first = await thread.next()
    expect(first.done).toBe(false)
    controller.abort()
    expect(await thread.exited).toBe(1)
    expect(await thread.next()).toEqual({done: true, value: undefined})
  })

  it('stops the thread when the columns it waits for will not come (the application did not compile)', async () => {
    const dir = await tempDir()
    const path = join(dir, 'clicks.ndjson')
    await writeFile(path, jsonInput(100))
    const thread = mapFileInThread({...options(path), columnsRead: Promise.reject(new InputError('does not compile'))})
    // (It exits, rather than wait for ever; its code depends on how far it had started.)
    expect(await thread.exited).toBeTypeOf('number')
    expect(await thread.next()).toEqual({done: true, value: undefined})
  })

  it('keeps at most maxInFlight batches ahead of the reader', async () => {
    const dir = await tempDir()
    const path = join(dir, 'clicks.ndjson')
    await writeFile(path, jsonInput(3000))
    const thread = mapFileInThread({...options(path), maxInFlight: 2})
    const first = await thread.next()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(thread.queued).toBe(2)
    let records = first.done ? 0 : first.value.records
    for await (const batch of thread) records += batch.records
    expect(records).toBe(3000)
  })
})

describe('runApplication over batches mapped on a thread', () => {
  /** windowCountApp, whose SQL refuses rows of user "refused" (as a row that cannot be evaluated would be). */
  const refusingApp = () => {
    const app = windowCountApp()
    return {
      ...app,
      createRuntime(options: RuntimeOptions) {
        const runtime = app.createRuntime(options)
        return {
          ...runtime,
          push(stream: string, row: Row, rowtime: number) {
            if (row[0] === 'refused') throw new InputError('cannot evaluate this row')
            runtime.push(stream, row, rowtime)
          },
        }
      },
    }
  }
  const schema = {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'user_id', SqlType: 'VARCHAR(16)', Mapping: '$.user_id'}]}
  const lines = Array.from({length: 200}, (_, i) =>
    i % 9 === 4 ? `{"user_id":"refused","note":"größe ✓ ${i}"}${i % 2 ? '\r' : ''}` : i % 31 === 0 ? 'oops' : `{"user_id":"u${i % 7}"}`,
  )

  it.each(['clicks.ndjson', 'clicks.ndjson.gz'])('sets aside a row the SQL refuses with its record text and position, as the file source does (%s)', async (file) => {
    const dir = await tempDir()
    const path = join(dir, file)
    await writeFile(path, file.endsWith('.gz') ? gzipSync(lines.join('\n')) : lines.join('\n'))
    const mapping = parseInputSchema(schema)
    const ctx = {workspace: resolveWorkspace({workspace: join(dir, '.clickstream')}), aws: {}, clock: new ManualClock(T0)}
    const run = async (batches: AsyncIterable<InRecord[] | MappedBatch>) => {
      const sink = new MemorySink()
      const report = await runApplication({
        app: refusingApp(),
        sourceStream: mapping.streamName,
        mapper: createRecordMapper(mapping),
        batches,
        routes: [{stream: ERROR_STREAM, columns: ERROR_STREAM_COLUMNS, sink}],
        withRowtime: true,
        clock: ctx.clock,
        finite: true,
      })
      return {counters: report.counters, errors: sink.records}
    }
    const here = await run((await openSource({kind: 'file', path, gzip: file.endsWith('.gz')}, ctx)).batches())
    const there = await run(mapFileInThread({path, schema, clock: ctx.clock, workerUrl: compiledWorker(), batchRecords: 5}))
    expect(here.counters.errors).toBe(lines.filter((l) => l === 'oops' || l.includes('refused')).length)
    expect(here.counters.firstErrors).toContain(`${path}:5: cannot evaluate this row`)
    expect(here.errors.map((r) => Buffer.from(JSON.parse(r.data).DATA_ROW, 'hex').toString())).toContain('{"user_id":"refused","note":"größe ✓ 13"}')
    expect(there).toEqual(here)
  })
})

class MemorySink implements Sink {
  readonly target = 'memory'
  readonly records: OutRecord[] = []
  async write(batch: readonly OutRecord[]) {
    this.records.push(...batch)
  }
  async flush() {}
  async close() {
    return {target: this.target, delivered: this.records.length, bytes: 0, retried: 0, failed: 0}
  }
}
