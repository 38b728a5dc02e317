import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/run-cli.js'

/**
 * A stand-in for Athena and Glue that speaks their JSON 1.1 protocol on loopback, so these tests
 * run the real CLI, the real SDK clients and --endpoint-url end to end (no npm emulator exists
 * for either service). It answers just the calls clickstream makes and records the requests.
 */
interface Call {
  target: string
  body: Record<string, unknown>
}

const calls: Call[] = []
let server: Server
let endpoint: string
let root: string

function answer(target: string, body: Record<string, unknown>, count: number): unknown {
  const seconds = (iso: string) => Date.parse(iso) / 1000
  switch (target) {
    case 'AmazonAthena.StartQueryExecution':
      return {QueryExecutionId: `q-${calls.length}`}
    case 'AmazonAthena.GetQueryExecution':
      return count % 2 === 1
        ? {QueryExecution: {QueryExecutionId: body.QueryExecutionId, Status: {State: 'RUNNING'}}}
        : {QueryExecution: {QueryExecutionId: body.QueryExecutionId, StatementType: 'DML', Status: {State: 'SUCCEEDED'}, Statistics: {DataScannedInBytes: 1_572_864, TotalExecutionTimeInMillis: 1234}}}
    case 'AmazonAthena.GetQueryResults': {
      const meta = {ColumnInfo: [{Name: 'day', Label: 'day', Type: 'varchar'}, {Name: 'requests', Label: 'requests', Type: 'bigint'}]}
      const row = (a: string, b: string) => ({Data: [{VarCharValue: a}, {VarCharValue: b}]})
      if (body.NextToken === undefined) return {ResultSet: {ResultSetMetadata: meta, Rows: [row('day', 'requests'), row('2015-05-17', '1632')]}, NextToken: 'p2'}
      return {ResultSet: {ResultSetMetadata: meta, Rows: [row('2015-05-18', '2893')]}}
    }
    case 'AmazonAthena.ListTableMetadata':
      return {TableMetadataList: [{Name: 'json'}]}
    case 'AmazonAthena.GetTableMetadata':
      return {
        TableMetadata: {
          Name: 'json',
          Columns: ['host', '@timestamp', 'request', 'response', 'bytes', 'user-agent'].map((Name) => ({Name, Type: 'string'})),
          PartitionKeys: ['partition_0', 'partition_1', 'partition_2', 'partition_3'].map((Name) => ({Name, Type: 'string'})),
        },
      }
    case 'AWSGlue.StartCrawler':
      return {}
    case 'AWSGlue.GetCrawler':
      return {
        Crawler: {
          Name: body.Name,
          DatabaseName: 'clickstreamlogs',
          State: count === 1 ? 'RUNNING' : 'READY',
          LastCrawl: {Status: 'SUCCEEDED', StartTime: seconds(new Date(Date.now() - 5_000).toISOString())},
        },
      }
    case 'AWSGlue.GetCrawlerMetrics':
      return {CrawlerMetricsList: [{CrawlerName: 'realtimecrawler', TablesCreated: 1, TablesUpdated: 0, TablesDeleted: 0, LastRuntimeSeconds: 61}]}
    case 'AWSGlue.GetTables':
      return {
        TableList: [
          {
            Name: 'json',
            DatabaseName: 'clickstreamlogs',
            CreateTime: Date.now() / 1000,
            Parameters: {classification: 'json'},
            StorageDescriptor: {Location: 's3://realtimeworkshop-me/JSON/', Columns: [{Name: 'host', Type: 'string'}]},
            PartitionKeys: [{Name: 'partition_0', Type: 'string'}],
          },
        ],
      }
    default:
      return undefined
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'clickstream-aws-'))
  server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8').on('data', (d: string) => (text += d))
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '')
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {}
      calls.push({target, body})
      const out = answer(target, body, calls.filter((c) => c.target === target).length)
      res.writeHead(out === undefined ? 400 : 200, {'content-type': 'application/x-amz-json-1.1'})
      res.end(JSON.stringify(out ?? {__type: 'UnknownOperationException', message: target}))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(root, {recursive: true, force: true})
})

const env = {AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'ap-southeast-2', AWS_EC2_METADATA_DISABLED: 'true'}
const athena = () => ['--engine', 'athena', '--database', 'clickstreamlogs', '--output-location', 's3://realtimeworkshop-me/athena/', '--endpoint-url', endpoint]

describe('Athena and Glue over their AWS protocol', () => {
  it('query --engine athena reads every page, drops the header and reports the data scanned', async () => {
    calls.length = 0
    const {code, stdout, stderr} = await runCli(['query', 'SELECT day, requests FROM daily', ...athena()], {cwd: root, env})
    expect(code).toBe(0)
    expect(stdout).toMatch(/│ 2015-05-17 │\s+1,632 │/)
    expect(stdout).toMatch(/│ 2015-05-18 │\s+2,893 │/)
    expect(stdout).not.toMatch(/│ day\s+│ requests │[\s\S]*│ day /)
    expect(stderr).toMatch(/2 rows in 1\.2s, 1\.5 MiB scanned, query q-1 \(Athena\)/)
    expect(calls.filter((c) => c.target === 'AmazonAthena.GetQueryResults').map((c) => c.body.NextToken)).toEqual([undefined, 'p2'])
  })

  it('report daily --date sends the day as ExecutionParameters', async () => {
    calls.length = 0
    const {code, stdout} = await runCli(['report', 'daily', '--table', 'json', '--date', '2015-05-17', '--json', ...athena()], {cwd: root, env})
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({report: 'daily', table: 'json', variant: 'web-log', stats: {engine: 'athena', bytesScanned: 1_572_864}})
    const start = calls.find((c) => c.target === 'AmazonAthena.StartQueryExecution')!.body
    expect(start.ExecutionParameters).toEqual(["'2015-05-17'", "'2015-05-17'"])
    expect(start.QueryString).not.toContain('2015-05-17')
    expect(start).toMatchObject({QueryExecutionContext: {Database: 'clickstreamlogs'}, ResultConfiguration: {OutputLocation: 's3://realtimeworkshop-me/athena/'}})
  })

  it('crawl --crawler starts the crawler, waits until READY and lists the tables', async () => {
    calls.length = 0
    const {code, stdout} = await runCli(['crawl', '--crawler', 'realtimecrawler', '--endpoint-url', endpoint, '--json'], {cwd: root, env})
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({engine: 'glue', crawler: 'realtimecrawler', database: 'clickstreamlogs', started: true, lastCrawl: {status: 'SUCCEEDED'}, metrics: {tablesCreated: 1}})
    expect(result.tables).toMatchObject([{name: 'json', action: 'created', location: 's3://realtimeworkshop-me/JSON/', classification: 'json'}])
    expect(calls.map((c) => c.target)).toEqual(['AWSGlue.StartCrawler', 'AWSGlue.GetCrawler', 'AWSGlue.GetCrawler', 'AWSGlue.GetCrawlerMetrics', 'AWSGlue.GetTables'])
  })
})
