import {readdir, readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {LakeSink} from '../../../src/lib/lake/delivery.js'
import {hourPrefix} from '../../../src/lib/lake/layout.js'
import {lakeSettingsFromEnvironment} from '../../../src/lib/targets/lake.js'
import {useTempDir} from '../../helpers/temp-dir.js'

const T0 = Date.UTC(2015, 4, 17, 10, 5, 3)
const HOUR = 3_600_000

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else out.push(relative(root, path))
    }
  }
  await walk(root)
  return out.sort()
}

const doc = (n: number) => JSON.stringify({n, host: `10.0.0.${n}`})

describe('lake delivery', () => {
  const tempDir = useTempDir()

  it('files each record under the UTC hour of its own clock, not the time of delivery', async () => {
    const lake = await tempDir()
    const clock = new ManualClock(Date.UTC(2030, 0, 1))
    const sink = new LakeSink({lake, table: 'web', clock, writerId: 'w1'})
    await sink.write([
      {data: doc(1), time: T0},
      {data: doc(2), time: T0 + HOUR},
      {data: doc(3), time: T0 + 20 * HOUR},
    ])
    const report = await sink.close()
    expect(report).toMatchObject({target: 'lake:web', delivered: 3, failed: 0})
    const files = await listFiles(lake)
    expect(files.map((f) => f.split('/').slice(0, 5).join('/'))).toEqual(['web/2015/05/17/10', 'web/2015/05/17/11', 'web/2015/05/18/06'])
    expect(files[0]).toMatch(/^web\/2015\/05\/17\/10\/web-2030-01-01-00-00-00-w1-\d{6}\.json$/)
    expect(await readFile(join(lake, files[0]), 'utf8')).toBe(doc(1) + '\n')
  })

  it('keeps records in the buffer until the size threshold is reached', async () => {
    const lake = await tempDir()
    const clock = new ManualClock(T0)
    const sink = new LakeSink({lake, table: 't', clock, bufferBytes: 100, bufferIntervalMs: 60_000})
    await sink.write([{data: doc(1), time: T0}])
    expect(await listFiles(lake)).toEqual([])
    await sink.write(Array.from({length: 5}, (_, i) => ({data: doc(i + 2), time: T0})))
    const files = await listFiles(lake)
    expect(files).toHaveLength(1)
    expect((await readFile(join(lake, files[0]), 'utf8')).trim().split('\n')).toHaveLength(6)
    await sink.close()
  })

  it('flushes once the oldest buffered record has waited the buffer interval', async () => {
    const lake = await tempDir()
    const clock = new ManualClock(T0)
    const sink = new LakeSink({lake, table: 't', clock, bufferBytes: 1 << 30, bufferIntervalMs: 60_000})
    await sink.write([{data: doc(1), time: T0}])
    clock.advance(59_999)
    await sink.write([{data: doc(2), time: T0}])
    expect(await listFiles(lake)).toEqual([])
    clock.advance(1)
    await sink.write([{data: doc(3), time: T0}])
    expect(await listFiles(lake)).toHaveLength(1)
    await sink.close()
  })

  it('delivers what is still buffered when closed', async () => {
    const lake = await tempDir()
    const sink = new LakeSink({lake, table: 't', clock: new ManualClock(T0)})
    await sink.write([{data: doc(1), time: T0}])
    expect(await listFiles(lake)).toEqual([])
    expect(await sink.close()).toMatchObject({delivered: 1, bytes: doc(1).length + 1})
    expect(await listFiles(lake)).toHaveLength(1)
  })

  it('lets several writers deliver to one table at once without overwriting each other', async () => {
    const lake = await tempDir()
    const clock = new ManualClock(T0)
    const sinks = Array.from({length: 4}, () => new LakeSink({lake, table: 'web', clock, bufferBytes: 200}))
    await Promise.all(sinks.map((sink, w) => sink.write(Array.from({length: 50}, (_, i) => ({data: doc(w * 1000 + i), time: T0})))))
    await Promise.all(sinks.map((s) => s.close()))
    const files = await listFiles(lake)
    expect(new Set(files).size).toBe(files.length)
    let lines: string[] = []
    for (const f of files) lines = lines.concat((await readFile(join(lake, f), 'utf8')).trim().split('\n'))
    expect(lines).toHaveLength(200)
    expect(new Set(lines).size).toBe(200)
  })

  it('sets records that cannot be rows aside under the errors prefix, counted as failed', async () => {
    const lake = await tempDir()
    const sink = new LakeSink({lake, table: 'web', clock: new ManualClock(T0), writerId: 'w'})
    await sink.write([
      {data: doc(1), time: T0},
      {data: 'GET / HTTP/1.1', time: T0},
      {data: '[1,2]', time: T0},
    ])
    const report = await sink.close()
    expect(report).toMatchObject({delivered: 1, failed: 2, deadLetter: join(lake, '_errors', 'web')})
    const files = await listFiles(lake)
    expect(files.filter((f) => f.startsWith('_errors/web/2015/05/17/10/'))).toHaveLength(1)
    const errorFile = files.find((f) => f.startsWith('_errors/'))!
    const errors = (await readFile(join(lake, errorFile), 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
    expect(errors.map((e) => e.errorCode)).toEqual(['InvalidRecord', 'InvalidRecord'])
    expect(Buffer.from(errors[0].rawData, 'base64').toString()).toBe('GET / HTTP/1.1')
    expect(errors[1].errorMessage).toMatch(/JSON object; got an array/)
  })

  it('rewrites a pretty-printed document onto one line', async () => {
    const lake = await tempDir()
    const sink = new LakeSink({lake, table: 't', clock: new ManualClock(T0)})
    await sink.write([{data: JSON.stringify({a: 1, b: 'x'}, null, 2), time: T0}])
    await sink.close()
    const [file] = await listFiles(lake)
    expect(await readFile(join(lake, file), 'utf8')).toBe('{"a":1,"b":"x"}\n')
  })

  it('writes gzip files that zcat reads when asked for json.gz', async () => {
    const lake = await tempDir()
    const sink = new LakeSink({lake, table: 't', clock: new ManualClock(T0), format: 'json.gz'})
    await sink.write([{data: doc(1), time: T0}])
    await sink.close()
    const [file] = await listFiles(lake)
    expect(file).toMatch(/\.json\.gz$/)
    expect(gunzipSync(await readFile(join(lake, file))).toString()).toBe(doc(1) + '\n')
  })

  it('writes Parquet that DuckDB reads back', async () => {
    const lake = await tempDir()
    const sink = new LakeSink({lake, table: 't', clock: new ManualClock(T0), format: 'parquet'})
    await sink.write([{data: doc(1), time: T0}, {data: doc(2), time: T0}])
    await sink.close()
    const [file] = await listFiles(lake)
    expect(file).toMatch(/^t\/2015\/05\/17\/10\/.*\.parquet$/)
    const {openDuckDb} = await import('../../../src/lib/lake/duckdb.js')
    const db = await openDuckDb(':memory:')
    const result = await db.query(`SELECT n, host FROM read_parquet('${join(lake, file)}') ORDER BY n`)
    db.close()
    expect(result.rows).toEqual([[1, '10.0.0.1'], [2, '10.0.0.2']])
  })

  it('takes the buffering hints from the environment, and names a bad one', () => {
    expect(lakeSettingsFromEnvironment({CLICKSTREAM_LAKE_FORMAT: 'parquet', CLICKSTREAM_LAKE_BUFFER_SIZE: '5MiB', CLICKSTREAM_LAKE_BUFFER_INTERVAL: '300s'})).toEqual({
      format: 'parquet',
      bufferBytes: 5 * 1024 * 1024,
      bufferIntervalMs: 300_000,
    })
    expect(() => lakeSettingsFromEnvironment({CLICKSTREAM_LAKE_FORMAT: 'csv'})).toThrow(/CLICKSTREAM_LAKE_FORMAT='csv'/)
  })

  it('names hour prefixes in UTC', () => {
    expect(hourPrefix(Date.UTC(2021, 1, 27, 1, 24, 14))).toBe('2021/02/27/01')
  })
})
