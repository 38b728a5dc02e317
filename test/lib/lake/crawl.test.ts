import {mkdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {crawlLocal} from '../../../src/lib/lake/crawl.js'
import {openLocalEngine} from '../../../src/lib/reports/duckdb-engine.js'
import type {Workspace} from '../../../src/lib/local/workspace.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {deliver, fixtureDocuments, fixtureWorkspace} from './fixture-lake.js'

const clock = new ManualClock(Date.UTC(2026, 10, 23, 12))

async function count(workspace: Workspace, sql: string): Promise<unknown[][]> {
  const engine = await openLocalEngine({workspace, clock})
  try {
    return (await engine.run(sql)).rows
  } finally {
    await engine.close()
  }
}

describe('crawl (local)', () => {
  const tempDir = useTempDir()

  it('creates one table per lake folder, with inferred columns and Glue partition columns', async () => {
    const workspace = await fixtureWorkspace(await tempDir())
    const result = await crawlLocal({workspace, clock})
    expect(result.summary).toEqual({created: 3, updated: 0, unchanged: 0, deleted: 0})
    const web = result.tables.find((t) => t.name === 'web')!
    expect(web).toMatchObject({action: 'created', rows: 400})
    expect(web.columns.slice(0, 7)).toEqual([
      {name: 'host', type: 'VARCHAR'},
      {name: 'ident', type: 'VARCHAR'},
      {name: 'authuser', type: 'VARCHAR'},
      {name: '@timestamp', type: 'TIMESTAMP'},
      {name: 'request', type: 'VARCHAR'},
      {name: 'response', type: 'BIGINT'},
      {name: 'bytes', type: 'BIGINT'},
    ])
    expect(web.columns.slice(-4)).toEqual(['partition_0', 'partition_1', 'partition_2', 'partition_3'].map((name) => ({name, type: 'VARCHAR'})))
    expect(result.tables.map((t) => [t.name, t.rows])).toEqual([
      ['events', 346],
      ['sessions', 120],
      ['web', 400],
    ])
  })

  it('fills partition_0..3 with the YYYY, MM, DD and HH of each record\'s hour (UTC)', async () => {
    const workspace = await fixtureWorkspace(await tempDir(), ['web'])
    await crawlLocal({workspace, clock})
    const rows = await count(workspace, 'SELECT partition_0, partition_1, partition_2, partition_3, count(*) AS n FROM web GROUP BY ALL ORDER BY ALL')
    const expected = new Map<string, number>()
    for (const d of fixtureDocuments('web')) {
      const hour = String(d['@timestamp_utc']).slice(0, 13)
      expected.set(hour, (expected.get(hour) ?? 0) + 1)
    }
    expect(rows).toEqual([...expected].sort().map(([hour, n]) => [hour.slice(0, 4), hour.slice(5, 7), hour.slice(8, 10), hour.slice(11, 13), n]))
    expect(rows.length).toBeGreaterThan(50)
  })

  it('reports tables unchanged when nothing changed, and queries see files delivered after the crawl', async () => {
    const workspace = await fixtureWorkspace(await tempDir(), ['web'])
    await crawlLocal({workspace, clock})
    const docs = fixtureDocuments('web').slice(0, 10)
    await deliver(workspace, 'web', docs)
    expect(await count(workspace, 'SELECT count(*) FROM web')).toEqual([[410]])
    const again = await crawlLocal({workspace, clock})
    expect(again.tables).toMatchObject([{name: 'web', action: 'unchanged', rows: 410, changes: []}])
  })

  it('reports a table updated, with the change, when its files bring a new column', async () => {
    const workspace = await fixtureWorkspace(await tempDir(), ['web'])
    await crawlLocal({workspace, clock})
    await deliver(workspace, 'web', [{...fixtureDocuments('web')[0], country: 'NZ'}])
    const again = await crawlLocal({workspace, clock})
    expect(again.tables[0]).toMatchObject({name: 'web', action: 'updated', changes: ['+country VARCHAR']})
    expect(await count(workspace, 'SELECT count(country), count(*) FROM web')).toEqual([[1, 401]])
  })

  it('drops tables whose folder is gone, and skips what is not a table', async () => {
    const root = await tempDir()
    const workspace = await fixtureWorkspace(root, ['web', 'sessions'])
    await crawlLocal({workspace, clock})
    await rm(join(workspace.lake, 'sessions'), {recursive: true})
    await mkdir(join(workspace.lake, 'bad-name'), {recursive: true})
    await mkdir(join(workspace.lake, 'empty'), {recursive: true})
    await mkdir(join(workspace.lake, '_errors', 'web'), {recursive: true})
    await writeFile(join(workspace.lake, '_errors', 'web', 'x.json'), '{"errorCode":"InvalidRecord"}\n')
    const result = await crawlLocal({workspace, clock})
    expect(result.tables.map((t) => [t.name, t.action])).toEqual([
      ['sessions', 'deleted'],
      ['web', 'unchanged'],
    ])
    expect(result.skipped.map((s) => s.name).sort()).toEqual(['bad-name', 'empty'])
  })

  it('crawls Parquet and JSON files of one table together', async () => {
    const workspace = await fixtureWorkspace(await tempDir(), ['events'])
    const {LakeSink} = await import('../../../src/lib/lake/delivery.js')
    const sink = new LakeSink({lake: workspace.lake, table: 'events', clock, format: 'parquet'})
    await sink.write([{data: JSON.stringify({user_id: 1, device_id: 'tablet', client_event: 'beer_cart', client_timestamp: '2021-03-01T10:00:00.000000'}), time: Date.UTC(2021, 2, 1, 10)}])
    await sink.close()
    const result = await crawlLocal({workspace, clock})
    expect(result.tables[0]).toMatchObject({name: 'events', rows: 347})
    expect(await count(workspace, `SELECT partition_0, partition_1, partition_2, partition_3 FROM events WHERE user_id = 1 AND client_event = 'beer_cart'`)).toEqual([['2021', '03', '01', '10']])
  })

  it('skips a table whose files cannot be read, naming the problem, and crawls the others', async () => {
    const workspace = await fixtureWorkspace(await tempDir(), ['web', 'sessions'])
    await mkdir(join(workspace.lake, 'sessions', '2021', '02', '26', '17'), {recursive: true})
    await writeFile(join(workspace.lake, 'sessions', '2021', '02', '26', '17', 'hand-edited.json'), '{"session_id": "a",\n')
    const result = await crawlLocal({workspace, clock})
    expect(result.tables.map((t) => [t.name, t.action])).toEqual([['web', 'created']])
    expect(result.skipped).toEqual([{name: 'sessions', reason: expect.stringMatching(/^its files cannot be read: .*JSON/)}])
  })

  it('finds no tables in an empty lake', async () => {
    const workspace = await fixtureWorkspace(await tempDir(), [])
    const result = await crawlLocal({workspace, clock})
    expect(result).toMatchObject({tables: [], summary: {created: 0, updated: 0, unchanged: 0, deleted: 0}})
  })
})
