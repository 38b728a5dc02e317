import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  ListTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {createAthenaApi} from '../../../src/lib/aws/athena.js'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {InputError, NotFoundError, UsageError} from '../../../src/lib/core/errors.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {runQuery} from '../../../src/lib/reports/query.js'
import {runReport} from '../../../src/lib/reports/run.js'

const athena = mockClient(AthenaClient)
const aws = {region: 'ap-southeast-2'}
const workspace = resolveWorkspace({workspace: '/nonexistent/clickstream-test'})

const row = (...values: Array<string | undefined>) => ({Data: values.map((v) => (v === undefined ? {} : {VarCharValue: v}))})
const columnInfo = [
  {Name: 'day', Label: 'day', Type: 'varchar'},
  {Name: 'requests', Label: 'requests', Type: 'bigint'},
  {Name: 'share', Label: 'share', Type: 'double'},
  {Name: 'ok', Label: 'ok', Type: 'boolean'},
]

function succeedWith(pages: Array<{rows: ReturnType<typeof row>[]; next?: string}>): void {
  athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: 'q-1'})
  athena
    .on(GetQueryExecutionCommand)
    .resolvesOnce({QueryExecution: {Status: {State: 'QUEUED'}}})
    .resolvesOnce({QueryExecution: {Status: {State: 'RUNNING'}}})
    .resolves({
      QueryExecution: {StatementType: 'DML', Status: {State: 'SUCCEEDED'}, Statistics: {DataScannedInBytes: 2_048, TotalExecutionTimeInMillis: 850}},
    })
  pages.forEach((page, i) => {
    const output = {ResultSet: {ResultSetMetadata: {ColumnInfo: columnInfo}, Rows: page.rows}, NextToken: page.next}
    if (i === 0) athena.on(GetQueryResultsCommand).resolves(output)
    else athena.on(GetQueryResultsCommand, {NextToken: pages[i - 1].next}).resolves(output)
  })
}

beforeEach(() => athena.reset())
afterEach(() => athena.reset())

describe('Athena queries', () => {
  it('waits through QUEUED and RUNNING, reads every result page, drops the header row and types the values', async () => {
    succeedWith([
      {rows: [row('day', 'requests', 'share', 'ok'), row('2015-05-17', '1632', '16.32', 'true')], next: 'page-2'},
      {rows: [row('2015-05-18', '2893', '28.93', 'false'), row('2015-05-19', undefined, undefined, undefined)], next: 'page-3'},
      {rows: [row('2015-05-20', '2579', '25.79', 'true')]},
    ])
    const result = await runQuery({sql: 'SELECT * FROM daily', engine: 'athena', athena: {database: 'clickstreamlogs', outputLocation: 's3://bucket/athena/'}, workspace, clock: new ManualClock(0, true), aws})
    expect(result.rows).toEqual([
      {day: '2015-05-17', requests: 1632, share: 16.32, ok: true},
      {day: '2015-05-18', requests: 2893, share: 28.93, ok: false},
      {day: '2015-05-19', requests: null, share: null, ok: null},
      {day: '2015-05-20', requests: 2579, share: 25.79, ok: true},
    ])
    expect(result.columns).toEqual(columnInfo.map((c) => ({name: c.Name, type: c.Type})))
    expect(result.stats).toEqual({engine: 'athena', elapsedMs: 850, bytesScanned: 2_048, queryId: 'q-1'})
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3)
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2', 'page-3'])
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).toEqual({
      QueryString: 'SELECT * FROM daily',
      QueryExecutionContext: {Database: 'clickstreamlogs', Catalog: 'AwsDataCatalog'},
      WorkGroup: 'primary',
      ResultConfiguration: {OutputLocation: 's3://bucket/athena/'},
    })
  })

  it('backs off between polls up to the cap', async () => {
    athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: 'q-2'})
    const running = {QueryExecution: {Status: {State: 'RUNNING' as const}}}
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running)
      .resolves({QueryExecution: {StatementType: 'DML', Status: {State: 'SUCCEEDED'}, Statistics: {}}})
    athena.on(GetQueryResultsCommand).resolves({ResultSet: {ResultSetMetadata: {ColumnInfo: []}, Rows: []}})
    const clock = new ManualClock(0, true)
    const api = await createAthenaApi(aws)
    await api.query('SELECT 1', [], {database: 'd', clock})
    // 250, 375, 562.5, 843.75, 1265.6, 1898.4, 2847.7, 4271.5, 5000 (capped)
    expect(clock.now()).toBeCloseTo(250 + 375 + 562.5 + 843.75 + 1265.625 + 1898.4375 + 2847.65625 + 4271.484375 + 5000, 3)
  })

  it('turns a failed query into an input error carrying Athena\'s message', async () => {
    athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: 'q-3'})
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {Status: {State: 'FAILED', AthenaError: {ErrorCategory: 2, ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved"}}},
    })
    const attempt = runQuery({sql: 'SELECT nope FROM web', engine: 'athena', athena: {database: 'd'}, workspace, clock: new ManualClock(0, true), aws})
    await expect(attempt).rejects.toThrow(InputError)
    await expect(runQuery({sql: 'SELECT nope FROM web', engine: 'athena', athena: {database: 'd'}, workspace, clock: new ManualClock(0, true), aws})).rejects.toThrow(
      "Athena query q-3 failed: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    )
  })

  it('asks for --database and an s3:// output location before calling AWS', async () => {
    await expect(runQuery({sql: 'SELECT 1', engine: 'athena', workspace, clock: new ManualClock(0), aws})).rejects.toThrow(UsageError)
    await expect(runQuery({sql: 'SELECT 1', engine: 'athena', athena: {database: 'd', outputLocation: '/tmp/x'}, workspace, clock: new ManualClock(0), aws})).rejects.toThrow(/S3 location/)
    expect(athena.calls()).toHaveLength(0)
  })
})

describe('reports on Athena', () => {
  const webColumns = ['host', 'ident', 'authuser', '@timestamp', 'request', 'response', 'bytes', 'referer', 'user-agent'].map((Name) => ({Name, Type: 'string'}))

  beforeEach(() => {
    athena.on(ListTableMetadataCommand).resolves({TableMetadataList: [{Name: 'json', TableType: 'EXTERNAL_TABLE'}, {Name: 'sessions', TableType: 'EXTERNAL_TABLE'}]})
    athena.on(GetTableMetadataCommand, {TableName: 'json'}).resolves({
      TableMetadata: {Name: 'json', Columns: webColumns, PartitionKeys: ['partition_0', 'partition_1', 'partition_2', 'partition_3'].map((Name) => ({Name, Type: 'string'}))},
    })
  })

  it('report daily --date sends the day as ExecutionParameters, never in the SQL text', async () => {
    succeedWith([{rows: [row('day', 'requests', 'share', 'ok'), row('2015-05-17', '1632', '1', 'true')]}])
    const result = await runReport({name: 'daily', table: 'json', date: '2015-05-17', engine: 'athena', athena: {database: 'clickstreamlogs'}, workspace, clock: new ManualClock(0, true), aws})
    expect(result).toMatchObject({report: 'daily', table: 'json', variant: 'web-log', from: '2015-05-17', until: '2015-05-17'})
    const input = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input
    expect(input.ExecutionParameters).toEqual(["'2015-05-17'", "'2015-05-17'"])
    expect(input.QueryString).toContain('FROM "json"')
    expect(input.QueryString).not.toContain('2015')
    expect(input.QueryExecutionContext).toEqual({Database: 'clickstreamlogs', Catalog: 'AwsDataCatalog'})
  })

  it('refuses a table the Glue database does not have, listing the ones it has, without running a query', async () => {
    await expect(runReport({name: 'daily', table: 'web', engine: 'athena', athena: {database: 'clickstreamlogs'}, workspace, clock: new ManualClock(0, true), aws})).rejects.toThrow(NotFoundError)
    await expect(runReport({name: 'daily', table: 'web', engine: 'athena', athena: {database: 'clickstreamlogs'}, workspace, clock: new ManualClock(0, true), aws})).rejects.toThrow(
      "there is no table 'web'. Tables: json, sessions.",
    )
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })
})

describe('interrupting an Athena query', () => {
  it('stops the query in Athena before giving up on it', async () => {
    athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: 'q-9'})
    athena.on(GetQueryExecutionCommand).resolves({QueryExecution: {Status: {State: 'RUNNING'}}})
    athena.on(StopQueryExecutionCommand).resolves({})
    const controller = new AbortController()
    const clock = new ManualClock(0)
    const attempt = runQuery({sql: 'SELECT 1', engine: 'athena', athena: {database: 'd'}, workspace, clock, aws, signal: controller.signal})
    while (clock.pendingSleeps === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort()
    await expect(attempt).rejects.toThrow('interrupted; Athena query q-9 was stopped.')
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{QueryExecutionId: 'q-9'}])
  })
})

describe('the header row', () => {
  it.each([
    ['DML', [['1']]],
    ['DDL', [['n'], ['1']]],
    [undefined, [['1']]],
  ])('for statement type %s, rows are %j', async (statementType, expected) => {
    athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: 'q-h'})
    athena.on(GetQueryExecutionCommand).resolves({QueryExecution: {StatementType: statementType as 'DML' | 'DDL' | undefined, Status: {State: 'SUCCEEDED'}, Statistics: {}}})
    athena.on(GetQueryResultsCommand).resolves({ResultSet: {ResultSetMetadata: {ColumnInfo: [{Name: 'n', Label: 'n', Type: 'varchar'}]}, Rows: [row('n'), row('1')]}})
    const api = await createAthenaApi(aws)
    expect((await api.query('SELECT 1', [], {database: 'd', clock: new ManualClock(0, true)})).rows).toEqual(expected)
  })
})
