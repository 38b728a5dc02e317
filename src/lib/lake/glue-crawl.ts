import {GLUE_CRAWLER_POLL_INITIAL_MS, GLUE_CRAWLER_POLL_MS, GLUE_CRAWLER_TIMEOUT_MS, type CrawlerState, type GlueApi} from '../aws/glue.js'
import type {AwsSettings} from '../aws/settings.js'
import type {Clock} from '../core/clock.js'
import {ExternalServiceError, InterruptedError} from '../core/errors.js'
import {formatDuration} from '../core/units.js'

export interface GlueCrawledTable {
  name: string
  action: 'created' | 'updated' | 'unchanged'
  location?: string
  classification?: string
  columns: Array<{name: string; type: string}>
  partitionKeys: Array<{name: string; type: string}>
}

export interface GlueCrawlResult {
  engine: 'glue'
  crawler: string
  database?: string
  /** False when the crawler was already running and we waited for that run instead. */
  started: boolean
  lastCrawl: {status: string; errorMessage?: string; logGroup?: string; logStream?: string}
  metrics: {tablesCreated: number; tablesUpdated: number; tablesDeleted: number; lastRuntimeSeconds?: number}
  tables: GlueCrawledTable[]
  elapsedMs: number
}

export interface GlueCrawlOptions {
  crawler: string
  aws: AwsSettings
  clock: Clock
  /** Called on every poll, for a spinner. */
  onState?: (state: CrawlerState, elapsedMs: number) => void
  /** A fixed polling interval; by default 1 s growing to 5 s. */
  pollMs?: number
  timeoutMs?: number
  signal?: AbortSignal
  api?: GlueApi
}

/** How far AWS's clock may be ahead of ours when we match a crawl to our start. */
const CLOCK_SKEW_MS = 60_000

/**
 * `crawl --crawler NAME`: starts the Glue crawler (or joins its running crawl), waits through
 * RUNNING and STOPPING until it is READY again, then reports what the crawl changed.
 */
export async function crawlGlue(options: GlueCrawlOptions): Promise<GlueCrawlResult> {
  const api = options.api ?? (await (await import('../aws/glue.js')).createGlueApi(options.aws))
  const startedAt = options.clock.now()
  const started = await api.startCrawler(options.crawler)
  const deadline = startedAt + (options.timeoutMs ?? GLUE_CRAWLER_TIMEOUT_MS)
  let sawRun = !started
  let wait = options.pollMs ?? GLUE_CRAWLER_POLL_INITIAL_MS
  while (true) {
    const info = await api.getCrawler(options.crawler)
    options.onState?.(info.state, options.clock.now() - startedAt)
    if (info.state !== 'READY') sawRun = true
    const lastStart = info.lastCrawl?.startTime
    const ours = sawRun || (lastStart !== undefined && lastStart >= startedAt - CLOCK_SKEW_MS)
    if (info.state === 'READY' && ours) {
      const last = info.lastCrawl ?? {status: 'UNKNOWN'}
      if (last.status === 'FAILED' || last.status === 'CANCELLED') {
        const logs = last.logGroup ? ` Logs: CloudWatch ${last.logGroup}${last.logStream ? ` / ${last.logStream}` : ''}.` : ''
        throw new ExternalServiceError('Glue', `crawler ${options.crawler}: last crawl ${last.status}${last.errorMessage ? `: ${last.errorMessage}` : ''}.${logs}`)
      }
      const metrics = await api.getCrawlerMetrics(options.crawler)
      const since = lastStart ?? startedAt
      const tables = info.database ? await api.getTables(info.database) : []
      return {
        engine: 'glue',
        crawler: options.crawler,
        database: info.database,
        started,
        lastCrawl: {status: last.status, errorMessage: last.errorMessage, logGroup: last.logGroup, logStream: last.logStream},
        metrics,
        tables: tables.map((t) => ({
          name: t.name,
          action: t.createTime !== undefined && t.createTime >= since ? 'created' : t.updateTime !== undefined && t.updateTime >= since ? 'updated' : 'unchanged',
          location: t.location,
          classification: t.classification,
          columns: t.columns,
          partitionKeys: t.partitionKeys,
        })),
        elapsedMs: options.clock.now() - startedAt,
      }
    }
    if (options.signal?.aborted) throw new InterruptedError(`stopped waiting for crawler ${options.crawler}; it keeps running in AWS.`)
    if (options.clock.now() >= deadline) {
      throw new ExternalServiceError('Glue', `crawler ${options.crawler} is still ${info.state} after ${formatDuration(deadline - startedAt)}; it keeps running in AWS.`)
    }
    await options.clock.sleep(wait, options.signal)
    if (options.pollMs === undefined) wait = Math.min(wait * 1.5, GLUE_CRAWLER_POLL_MS)
  }
}
