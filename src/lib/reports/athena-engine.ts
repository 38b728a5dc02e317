import type {AthenaApi} from '../aws/athena.js'
import type {AwsSettings} from '../aws/settings.js'
import type {Clock} from '../core/clock.js'
import type {QueryEngine, QueryParam, QueryResult} from './engine.js'

export interface AthenaEngineOptions {
  aws: AwsSettings
  /** The Glue database the tables live in (the crawler's database). */
  database: string
  workgroup?: string
  outputLocation?: string
  clock: Clock
  signal?: AbortSignal
  /** Tests pass a prepared API; by default the real SDK client is built. */
  api?: AthenaApi
}

/** Athena over a Glue database: the AWS home of the same queries. */
export async function openAthenaEngine(options: AthenaEngineOptions): Promise<QueryEngine> {
  const api = options.api ?? (await (await import('../aws/athena.js')).createAthenaApi(options.aws))
  let tables: Promise<string[]> | undefined
  return {
    name: 'athena',
    tables() {
      return (tables ??= api.listTables(options.database))
    },
    columnsOf(table) {
      return api.tableColumns(options.database, table)
    },
    async run(sql: string, params: readonly QueryParam[] = []): Promise<QueryResult> {
      const out = await api.query(sql, params, {
        database: options.database,
        workgroup: options.workgroup,
        outputLocation: options.outputLocation,
        clock: options.clock,
        signal: options.signal,
      })
      return {columns: out.columns, rows: out.rows, stats: {engine: 'athena', elapsedMs: out.elapsedMs, bytesScanned: out.bytesScanned, queryId: out.queryId}}
    },
    async close() {},
  }
}
