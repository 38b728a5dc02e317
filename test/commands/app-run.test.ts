import {copyFile, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {runCli as runCliIn} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'

const TEMPLATES = fileURLToPath(new URL('../../templates/sql/', import.meta.url))
const runCli = (args: string[], cwd: string) => runCliIn(args, {cwd, env: {CLICKSTREAM_HOME: join(cwd, '.clickstream')}})
const ndjson = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))

// Seed 004's lab: user1 clicks at :00 and :04, pauses 16 s (a new session), user2 twice 28 s apart.
const LAB_INPUT = [
  {user_id: 'user1', event_timestamp: 1700000000000, event_name: 'checkout', event_type: 'click', device_type: 'desktop'},
  {user_id: 'user2', event_timestamp: 1700000002000, event_name: 'search', event_type: 'click', device_type: 'mobile'},
  {user_id: 'user1', event_timestamp: 1700000004000, event_name: 'detail', event_type: 'click', device_type: 'desktop'},
  {user_id: 'user1', event_timestamp: 1700000020000, event_name: 'navigate', event_type: 'click', device_type: 'desktop'},
  {user_id: 'user2', event_timestamp: 1700000030000, event_name: 'search', event_type: 'click', device_type: 'mobile'},
]
  .map((r) => JSON.stringify(r))
  .join('\n')

const LAB_SESSIONS = [
  {ROWTIME: '2023-11-14 22:13:20.000', user_id: 'user1', session_id: 'user1_desktop_22:13:20', session_time: '22:13:20', latest_time: '22:13:20'},
  {ROWTIME: '2023-11-14 22:13:22.000', user_id: 'user2', session_id: 'user2_mobile_22:13:22', session_time: '22:13:22', latest_time: '22:13:22'},
  {ROWTIME: '2023-11-14 22:13:40.000', user_id: 'user1', session_id: 'user1_desktop_22:13:40', session_time: '22:13:40', latest_time: '22:13:40'},
  {ROWTIME: '2023-11-14 22:13:50.000', user_id: 'user2', session_id: 'user2_mobile_22:13:50', session_time: '22:13:50', latest_time: '22:13:50'},
]

describe('clickstream app run', () => {
  const tempDir = useTempDir()

  it('sessionizes seed 004 clicks with ROWTIME from the event time, one row per new session', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'clicks.ndjson'), LAB_INPUT + '\n')
    const result = await runCli(['app', 'run', join(TEMPLATES, 'sessionize-lab.sql'), '--from', 'file:clicks.ndjson', '--rowtime', 'event_timestamp', '--with-rowtime'], dir)
    expect(result.stderr).toContain('5 records in (5 rows into SOURCE_SQL_STREAM_001), 0 sent to error_stream')
    expect(result.code).toBe(0)
    expect(ndjson(result.stdout)).toEqual(LAB_SESSIONS)
  })

  it('leaves ROWTIME out unless asked, and writes routed streams to their targets', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'clicks.ndjson'), LAB_INPUT + '\n{"user_id":"user3","event_timestamp":"soon"}\n')
    const result = await runCli(
      [
        'app', 'run', join(TEMPLATES, 'sessionize-lab.sql'), '--from', 'file:clicks.ndjson', '--rowtime', 'event_timestamp',
        '--output', 'DESTINATION_SQL_STREAM=file:sessions.ndjson', '--output', 'error_stream=file:errors.ndjson', '--json',
      ],
      dir,
    )
    expect(result.code).toBe(0)
    // No rows on stdout, so the JSON summary is there.
    expect(JSON.parse(result.stdout)).toMatchObject({
      recordsIn: 6,
      rowsIn: 5,
      errors: 1,
      ended: true,
      schema: {origin: 'file'},
      outputs: [
        {stream: 'DESTINATION_SQL_STREAM', target: 'file:sessions.ndjson', rows: 4},
        {stream: 'error_stream', target: 'file:errors.ndjson', rows: 1},
      ],
    })
    expect(ndjson(await readFile(join(dir, 'sessions.ndjson'), 'utf8'))).toEqual(LAB_SESSIONS.map(({ROWTIME: _, ...rest}) => rest))
    const [error] = ndjson(await readFile(join(dir, 'errors.ndjson'), 'utf8'))
    expect(error).toMatchObject({ERROR_LEVEL: 'ERROR', ERROR_NAME: 'Input_Coercion_Error', DATA_ROWTIME: '2023-11-14 22:13:50.000'})
    expect(error.MESSAGE).toContain('ROWTIME field $.event_timestamp: cannot read "soon" as a time')
    expect(Buffer.from(error.DATA_ROW, 'hex').toString()).toBe('{"user_id":"user3","event_timestamp":"soon"}')
  })

  it('counts rows a pump cannot evaluate with the records set aside, and goes on', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'clicks.ndjson'), LAB_INPUT + '\n')
    await writeFile(
      join(dir, 'app.sql'),
      'CREATE STREAM "OUT" (U VARCHAR(8), R INTEGER);\n' +
        'CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "user_id", 10 / ("event_timestamp" - 1700000000000) FROM "SOURCE_SQL_STREAM_001";\n',
    )
    const result = await runCli(['app', 'run', 'app.sql', '--schema', join(TEMPLATES, 'sessionize-lab.schema.json'), '--from', 'file:clicks.ndjson', '--json'], dir)
    expect(result.code).toBe(0)
    expect(ndjson(result.stdout)).toHaveLength(4)
    expect(JSON.parse(result.stderr)).toMatchObject({recordsIn: 5, errors: 1, firstErrors: ['P: division by zero']})
  })

  it('discovers the input schema from the first records when none is given', async () => {
    const dir = await tempDir()
    await copyFile(join(TEMPLATES, 'sessionize-lab.sql'), join(dir, 'app.sql'))
    await writeFile(join(dir, 'clicks.ndjson'), LAB_INPUT + '\n')
    const result = await runCli(['app', 'run', 'app.sql', '--from', 'file:clicks.ndjson', '--rowtime', 'event_timestamp', '--with-rowtime', '--json'], dir)
    expect(result.code).toBe(0)
    expect(ndjson(result.stdout)).toEqual(LAB_SESSIONS)
    const summary = JSON.parse(result.stderr)
    expect(summary.schema).toEqual({
      origin: 'discovered',
      columns: [
        {name: 'user_id', type: 'VARCHAR(8)', mapping: '$.user_id'},
        {name: 'event_timestamp', type: 'BIGINT', mapping: '$.event_timestamp'},
        {name: 'event_name', type: 'VARCHAR(8)', mapping: '$.event_name'},
        {name: 'event_type', type: 'VARCHAR(8)', mapping: '$.event_type'},
        {name: 'device_type', type: 'VARCHAR(8)', mapping: '$.device_type'},
      ],
    })
  })

  it('closes the stagger windows of seed 001 at the end of a finite input', async () => {
    const dir = await tempDir()
    const input = [
      {user_id: 213, device_id: 'mobile', client_event: 'beer_cart', client_timestamp: '2019-01-10T21:34:05.123456'},
      {user_id: 64, device_id: 'tablet', client_event: 'beer_product_detail', client_timestamp: '2019-01-10T21:34:06.000001'},
      {user_id: 213, device_id: 'mobile', client_event: 'beer_checkout', client_timestamp: '2019-01-10T21:34:35.500000'},
    ]
    await writeFile(join(dir, 'beverage.ndjson'), input.map((r) => JSON.stringify(r)).join('\n'))
    const result = await runCli(['app', 'run', join(TEMPLATES, 'stagger-sessions.sql'), '--from', 'file:beverage.ndjson', '--rowtime', 'client_timestamp', '--with-rowtime'], dir)
    expect(result.code).toBe(0)
    expect(ndjson(result.stdout)).toEqual([
      {
        ROWTIME: '2019-01-10 21:35:05.123', SESSION_ID: '213_MOB1547156040', USER_ID: 213, DEVICE_ID: 'mobile', TIMEAGG: '2019-01-10 21:34:00.000', EVENTS: 2,
        BEGINNAVIGATION: 'beer_cart', ENDNAVIGATION: 'beer_checkout', BEGINSESSION: '34:05.123', ENDSESSION: '34:35.500', DURATION_SEC: 30,
      },
      {
        ROWTIME: '2019-01-10 21:35:06.000', SESSION_ID: '64_TAB1547156040', USER_ID: 64, DEVICE_ID: 'tablet', TIMEAGG: '2019-01-10 21:34:00.000', EVENTS: 1,
        BEGINNAVIGATION: 'beer_product_detail', ENDNAVIGATION: 'beer_product_detail', BEGINSESSION: '34:06.000', ENDSESSION: '34:06.000', DURATION_SEC: 0,
      },
    ])
  })

  it.each([
    ['a syntax error, with its place', 'CREATE STREAM "X" (a INTEGER;\n', 3, /app\.sql:1:\d+/],
    ['an unknown column, listing the known ones', 'CREATE STREAM "X" ("u" VARCHAR(8));\nCREATE PUMP "P" AS INSERT INTO "X" SELECT STREAM "nope" FROM "SOURCE_SQL_STREAM_001";\n', 3, /nope/],
  ])('reports %s', async (_what, sql, code, message) => {
    const dir = await tempDir()
    await writeFile(join(dir, 'app.sql'), sql)
    await writeFile(join(dir, 'clicks.ndjson'), LAB_INPUT)
    const result = await runCli(['app', 'run', 'app.sql', '--from', 'file:clicks.ndjson'], dir)
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it.each([
    [['--output', 'NOPE=-'], 2, "no stream 'NOPE'"],
    [['--output', 'DESTINATION_SQL_STREAM'], 2, 'expected STREAM=TARGET'],
    [['--schema', 'missing.json'], 4, 'input schema not found: missing.json'],
  ])('rejects %j', async (extra, code, message) => {
    const dir = await tempDir()
    await writeFile(join(dir, 'clicks.ndjson'), LAB_INPUT)
    const result = await runCli(['app', 'run', join(TEMPLATES, 'sessionize-lab.sql'), '--from', 'file:clicks.ndjson', ...extra], dir)
    expect(result.code).toBe(code)
    expect(result.stderr).toContain(message)
  })
})

describe('clickstream app explain', () => {
  it('prints the streams and the plan of a template, with its schema found beside it', async () => {
    const result = await runCliIn(['app', 'explain', join(TEMPLATES, 'sessionize-lab.sql'), '--json'])
    expect(result.code).toBe(0)
    const explained = JSON.parse(result.stdout)
    expect(explained.streams.map((s: {name: string; role: string}) => [s.name, s.role])).toEqual([
      ['SOURCE_SQL_STREAM_001', 'source'],
      ['INTERMEDIATE_SQL_STREAM', 'intermediate'],
      ['DESTINATION_SQL_STREAM', 'terminal'],
    ])
    expect(explained.plan).toContain('STREAM_PUMP1')
    expect(explained.plan).toContain('STREAM_PUMP2')
  })
})
