import {ExternalServiceError, NotFoundError} from '../core/errors.js'
import {clientConfig} from './clients.js'
import type {AwsSettings} from './settings.js'

/**
 * Crawls take a minute or more; polling GetCrawler every few seconds is plenty (no SDK waiter
 * exists). The first polls come sooner, so a short crawl is not kept waiting.
 */
export const GLUE_CRAWLER_POLL_INITIAL_MS = 1_000
export const GLUE_CRAWLER_POLL_MS = 5_000
export const GLUE_CRAWLER_TIMEOUT_MS = 60 * 60_000

export type CrawlerState = 'READY' | 'RUNNING' | 'STOPPING'

export interface CrawlerInfo {
  name: string
  state: CrawlerState
  database?: string
  lastCrawl?: {
    status: string
    errorMessage?: string
    logGroup?: string
    logStream?: string
    /** Epoch ms, by AWS's clock. */
    startTime?: number
  }
}

export interface CrawlerMetrics {
  tablesCreated: number
  tablesUpdated: number
  tablesDeleted: number
  lastRuntimeSeconds?: number
}

export interface GlueTableInfo {
  name: string
  location?: string
  classification?: string
  columns: Array<{name: string; type: string}>
  partitionKeys: Array<{name: string; type: string}>
  createTime?: number
  updateTime?: number
}

/** The Glue calls `crawl --crawler` makes, and nothing more. */
export interface GlueApi {
  /** Starts the crawler; `false` when it was running already (then we wait for that run). */
  startCrawler(name: string): Promise<boolean>
  getCrawler(name: string): Promise<CrawlerInfo>
  getCrawlerMetrics(name: string): Promise<CrawlerMetrics>
  getTables(database: string): Promise<GlueTableInfo[]>
}

export async function createGlueApi(settings: AwsSettings): Promise<GlueApi> {
  const sdk = await import('@aws-sdk/client-glue')
  const client = new sdk.GlueClient((await clientConfig(settings)) as NonNullable<ConstructorParameters<typeof sdk.GlueClient>[0]>)
  return {
    async startCrawler(name) {
      try {
        await client.send(new sdk.StartCrawlerCommand({Name: name}))
        return true
      } catch (error) {
        if ((error as {name?: string}).name === 'CrawlerRunningException') return false
        throw glueError(error, `starting crawler ${name}`)
      }
    },
    async getCrawler(name) {
      try {
        const out = await client.send(new sdk.GetCrawlerCommand({Name: name}))
        const c = out.Crawler
        const last = c?.LastCrawl
        return {
          name,
          state: (c?.State ?? 'READY') as CrawlerState,
          database: c?.DatabaseName,
          lastCrawl: last
            ? {status: last.Status ?? 'UNKNOWN', errorMessage: last.ErrorMessage, logGroup: last.LogGroup, logStream: last.LogStream, startTime: last.StartTime?.getTime()}
            : undefined,
        }
      } catch (error) {
        throw glueError(error, `reading crawler ${name}`)
      }
    },
    async getCrawlerMetrics(name) {
      try {
        const out = await client.send(new sdk.GetCrawlerMetricsCommand({CrawlerNameList: [name]}))
        const m = out.CrawlerMetricsList?.[0]
        return {tablesCreated: m?.TablesCreated ?? 0, tablesUpdated: m?.TablesUpdated ?? 0, tablesDeleted: m?.TablesDeleted ?? 0, lastRuntimeSeconds: m?.LastRuntimeSeconds}
      } catch (error) {
        throw glueError(error, `reading the metrics of crawler ${name}`)
      }
    },
    async getTables(database) {
      const tables: GlueTableInfo[] = []
      let token: string | undefined
      try {
        do {
          const page = await client.send(new sdk.GetTablesCommand({DatabaseName: database, NextToken: token}))
          for (const t of page.TableList ?? []) {
            tables.push({
              name: t.Name ?? '',
              location: t.StorageDescriptor?.Location,
              classification: t.Parameters?.classification,
              columns: (t.StorageDescriptor?.Columns ?? []).map((c) => ({name: c.Name ?? '', type: c.Type ?? ''})),
              partitionKeys: (t.PartitionKeys ?? []).map((c) => ({name: c.Name ?? '', type: c.Type ?? ''})),
              createTime: t.CreateTime?.getTime(),
              updateTime: t.UpdateTime?.getTime(),
            })
          }
          token = page.NextToken
        } while (token)
      } catch (error) {
        throw glueError(error, `listing the tables of database ${database}`)
      }
      return tables.sort((a, b) => a.name.localeCompare(b.name))
    },
  }
}

function glueError(error: unknown, doing: string): Error {
  const name = (error as {name?: string}).name ?? ''
  const message = (error as Error).message ?? String(error)
  if (name === 'EntityNotFoundException') {
    return new NotFoundError(`${doing}: ${message}`, {cause: error, suggestions: ['List your crawlers with `aws glue list-crawlers`.']})
  }
  return new ExternalServiceError('Glue', `${doing} failed: ${message}`, {cause: error})
}
