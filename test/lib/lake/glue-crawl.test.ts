import {CrawlerRunningException, GetCrawlerCommand, GetCrawlerMetricsCommand, GetTablesCommand, GlueClient, StartCrawlerCommand, EntityNotFoundException} from '@aws-sdk/client-glue'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {ExternalServiceError, NotFoundError} from '../../../src/lib/core/errors.js'
import {crawlGlue} from '../../../src/lib/lake/glue-crawl.js'

const glue = mockClient(GlueClient)
const T0 = Date.UTC(2021, 1, 26, 5, 35)
const aws = {region: 'us-east-1'}

const crawler = (State: 'READY' | 'RUNNING' | 'STOPPING', lastCrawl?: Record<string, unknown>) => ({
  Crawler: {Name: 'sessionization', State, DatabaseName: 'sessions_db', LastCrawl: lastCrawl},
})
const partitionKeys = ['partition_0', 'partition_1', 'partition_2', 'partition_3'].map((Name) => ({Name, Type: 'string'}))

beforeEach(() => {
  glue.reset()
  glue.on(GetCrawlerMetricsCommand).resolves({CrawlerMetricsList: [{CrawlerName: 'sessionization', TablesCreated: 1, TablesUpdated: 1, TablesDeleted: 0, LastRuntimeSeconds: 72}]})
  glue.on(GetTablesCommand).resolves({
    TableList: [{Name: 'aggregated', CreateTime: new Date(T0 - 86_400_000), UpdateTime: new Date(T0 + 50_000), Parameters: {classification: 'json'}, StorageDescriptor: {Location: 's3://b/aggregated/', Columns: [{Name: 'session_id', Type: 'string'}]}, PartitionKeys: partitionKeys}],
    NextToken: 'more',
  })
  glue.on(GetTablesCommand, {NextToken: 'more'}).resolves({
    TableList: [{Name: 'rawdata', CreateTime: new Date(T0 + 60_000), Parameters: {classification: 'json'}, StorageDescriptor: {Location: 's3://b/rawdata/', Columns: [{Name: 'user_id', Type: 'int'}]}, PartitionKeys: partitionKeys}],
  })
})

describe('crawl --crawler (Glue)', () => {
  it('starts the crawler, waits through RUNNING and STOPPING until READY, then lists created and updated tables', async () => {
    glue.on(StartCrawlerCommand).resolves({})
    glue
      .on(GetCrawlerCommand)
      .resolvesOnce(crawler('RUNNING'))
      .resolvesOnce(crawler('RUNNING'))
      .resolvesOnce(crawler('STOPPING'))
      .resolves(crawler('READY', {Status: 'SUCCEEDED', StartTime: new Date(T0 + 2_000)}))
    const states: string[] = []
    const result = await crawlGlue({crawler: 'sessionization', aws, clock: new ManualClock(T0, true), pollMs: 5_000, onState: (s) => states.push(s)})
    expect(states).toEqual(['RUNNING', 'RUNNING', 'STOPPING', 'READY'])
    expect(result).toMatchObject({
      engine: 'glue',
      crawler: 'sessionization',
      database: 'sessions_db',
      started: true,
      lastCrawl: {status: 'SUCCEEDED'},
      metrics: {tablesCreated: 1, tablesUpdated: 1, tablesDeleted: 0, lastRuntimeSeconds: 72},
      elapsedMs: 15_000,
    })
    expect(result.tables.map((t) => [t.name, t.action, t.location, t.partitionKeys.length])).toEqual([
      ['aggregated', 'updated', 's3://b/aggregated/', 4],
      ['rawdata', 'created', 's3://b/rawdata/', 4],
    ])
    expect(glue.commandCalls(GetTablesCommand).map((c) => c.args[0].input)).toEqual([{DatabaseName: 'sessions_db', NextToken: undefined}, {DatabaseName: 'sessions_db', NextToken: 'more'}])
  })

  it('joins a crawl that is already running instead of failing', async () => {
    glue.on(StartCrawlerCommand).rejects(new CrawlerRunningException({message: 'Crawler with name sessionization has already started', $metadata: {}}))
    glue.on(GetCrawlerCommand).resolvesOnce(crawler('RUNNING')).resolves(crawler('READY', {Status: 'SUCCEEDED', StartTime: new Date(T0 - 30_000)}))
    const result = await crawlGlue({crawler: 'sessionization', aws, clock: new ManualClock(T0, true)})
    expect(result.started).toBe(false)
    expect(glue.commandCalls(GetCrawlerCommand)).toHaveLength(2)
  })

  it('does not mistake the previous crawl for ours when the crawler still shows READY', async () => {
    glue.on(StartCrawlerCommand).resolves({})
    glue
      .on(GetCrawlerCommand)
      .resolvesOnce(crawler('READY', {Status: 'SUCCEEDED', StartTime: new Date(T0 - 3_600_000)}))
      .resolvesOnce(crawler('RUNNING'))
      .resolves(crawler('READY', {Status: 'SUCCEEDED', StartTime: new Date(T0 + 1_000)}))
    await crawlGlue({crawler: 'sessionization', aws, clock: new ManualClock(T0, true)})
    expect(glue.commandCalls(GetCrawlerCommand)).toHaveLength(3)
  })

  it('fails with the last crawl\'s message and its CloudWatch log stream', async () => {
    glue.on(StartCrawlerCommand).resolves({})
    glue
      .on(GetCrawlerCommand)
      .resolvesOnce(crawler('RUNNING'))
      .resolves(crawler('READY', {Status: 'FAILED', ErrorMessage: 'Insufficient Lake Formation permission(s)', LogGroup: '/aws-glue/crawlers', LogStream: 'sessionization', StartTime: new Date(T0)}))
    const attempt = crawlGlue({crawler: 'sessionization', aws, clock: new ManualClock(T0, true)})
    await expect(attempt).rejects.toThrow(ExternalServiceError)
    glue.on(GetCrawlerCommand).resolves(crawler('READY', {Status: 'FAILED', ErrorMessage: 'Insufficient Lake Formation permission(s)', LogGroup: '/aws-glue/crawlers', LogStream: 'sessionization', StartTime: new Date(T0)}))
    await expect(crawlGlue({crawler: 'sessionization', aws, clock: new ManualClock(T0, true)})).rejects.toThrow(
      'crawler sessionization: last crawl FAILED: Insufficient Lake Formation permission(s). Logs: CloudWatch /aws-glue/crawlers / sessionization.',
    )
  })

  it('names an unknown crawler as not found', async () => {
    glue.on(StartCrawlerCommand).rejects(new EntityNotFoundException({message: 'Crawler entry with name nope does not exist', $metadata: {}}))
    await expect(crawlGlue({crawler: 'nope', aws, clock: new ManualClock(T0, true)})).rejects.toThrow(NotFoundError)
  })

  it('stops waiting when interrupted, saying the crawl goes on in AWS', async () => {
    glue.on(StartCrawlerCommand).resolves({})
    glue.on(GetCrawlerCommand).resolves(crawler('RUNNING'))
    const controller = new AbortController()
    const clock = new ManualClock(T0)
    const attempt = crawlGlue({crawler: 'sessionization', aws, clock, signal: controller.signal})
    while (clock.pendingSleeps === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort()
    await expect(attempt).rejects.toThrow('stopped waiting for crawler sessionization; it keeps running in AWS.')
  })

  it('stops waiting at the timeout and says the crawl goes on in AWS', async () => {
    glue.on(StartCrawlerCommand).resolves({})
    glue.on(GetCrawlerCommand).resolves(crawler('RUNNING'))
    await expect(crawlGlue({crawler: 'sessionization', aws, clock: new ManualClock(T0, true), timeoutMs: 60_000})).rejects.toThrow(
      'crawler sessionization is still RUNNING after 1m00s; it keeps running in AWS.',
    )
  })
})
