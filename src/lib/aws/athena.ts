import type {Clock} from '../core/clock.js'
import {ExternalServiceError, InputError, InterruptedError, NotFoundError} from '../core/errors.js'
import {clientConfig} from './clients.js'
import type {AwsSettings} from './settings.js'

/** GetQueryResults returns at most this many rows per page. */
export const ATHENA_MAX_RESULTS_PER_PAGE = 1000
/** Polling GetQueryExecution: start fast, back off, never slower than the cap (no SDK waiter exists). */
export const ATHENA_POLL_INITIAL_MS = 250
export const ATHENA_POLL_FACTOR = 1.5
export const ATHENA_POLL_MAX_MS = 5_000
/** Give up waiting for a query after this long (Athena's default DML timeout is 30 minutes). */
export const ATHENA_QUERY_TIMEOUT_MS = 30 * 60_000

export interface AthenaQueryOptions {
  database: string
  /** Default `AwsDataCatalog`. */
  catalog?: string
  /** Default `primary`. */
  workgroup?: string
  /** s3://bucket/prefix/ for results, unless the workgroup sets one. */
  outputLocation?: string
  clock: Clock
  timeoutMs?: number
  signal?: AbortSignal
}

export interface AthenaColumn {
  name: string
  type: string
}

export interface AthenaQueryResult {
  queryId: string
  columns: AthenaColumn[]
  rows: unknown[][]
  bytesScanned: number
  elapsedMs: number
}

/** The Athena calls clickstream makes, and nothing more. */
export interface AthenaApi {
  /** Runs one statement with `?` parameters bound as ExecutionParameters; all result pages, typed. */
  query(sql: string, params: readonly (string | number)[], options: AthenaQueryOptions): Promise<AthenaQueryResult>
  listTables(database: string, catalog?: string): Promise<string[]>
  /** Columns then partition keys; undefined when the table does not exist. */
  tableColumns(database: string, table: string, catalog?: string): Promise<AthenaColumn[] | undefined>
}

export async function createAthenaApi(settings: AwsSettings): Promise<AthenaApi> {
  const sdk = await import('@aws-sdk/client-athena')
  const client = new sdk.AthenaClient((await clientConfig(settings)) as NonNullable<ConstructorParameters<typeof sdk.AthenaClient>[0]>)

  return {
    async query(sql, params, options) {
      let queryId: string
      try {
        const started = await client.send(
          new sdk.StartQueryExecutionCommand({
            QueryString: sql,
            QueryExecutionContext: {Database: options.database, Catalog: options.catalog ?? 'AwsDataCatalog'},
            WorkGroup: options.workgroup ?? 'primary',
            ...(options.outputLocation ? {ResultConfiguration: {OutputLocation: options.outputLocation}} : {}),
            ...(params.length > 0 ? {ExecutionParameters: params.map(executionParameter)} : {}),
          }),
        )
        queryId = started.QueryExecutionId ?? ''
      } catch (error) {
        throw athenaError(error, 'starting the query')
      }

      const execution = await waitForQuery(client, sdk, queryId, options)
      const columns: AthenaColumn[] = []
      const rows: unknown[][] = []
      let token: string | undefined
      let first = true
      do {
        let page: import('@aws-sdk/client-athena').GetQueryResultsCommandOutput
        try {
          page = await client.send(new sdk.GetQueryResultsCommand({QueryExecutionId: queryId, MaxResults: ATHENA_MAX_RESULTS_PER_PAGE, NextToken: token}))
        } catch (error) {
          throw athenaError(error, 'reading the results')
        }
        if (first) {
          for (const info of page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []) columns.push({name: info.Label ?? info.Name ?? '', type: info.Type ?? 'varchar'})
        }
        let pageRows = page.ResultSet?.Rows ?? []
        // The first row of a SELECT's first page repeats the column names. Without a statement
        // type, a first row equal to the column names is taken for that header.
        if (first && pageRows.length > 0 && (execution.statementType === 'DML' || (execution.statementType === undefined && isHeader(pageRows[0], columns)))) {
          pageRows = pageRows.slice(1)
        }
        for (const row of pageRows) rows.push(columns.map((c, i) => typedValue(row.Data?.[i]?.VarCharValue, c.type)))
        first = false
        token = page.NextToken
      } while (token)
      return {queryId, columns, rows, bytesScanned: execution.bytesScanned, elapsedMs: execution.elapsedMs}
    },

    async listTables(database, catalog = 'AwsDataCatalog') {
      const names: string[] = []
      let token: string | undefined
      try {
        do {
          const page = await client.send(new sdk.ListTableMetadataCommand({CatalogName: catalog, DatabaseName: database, NextToken: token}))
          for (const t of page.TableMetadataList ?? []) if (t.Name) names.push(t.Name)
          token = page.NextToken
        } while (token)
      } catch (error) {
        throw athenaError(error, `listing the tables of ${database}`)
      }
      return names.sort()
    },

    async tableColumns(database, table, catalog = 'AwsDataCatalog') {
      try {
        const out = await client.send(new sdk.GetTableMetadataCommand({CatalogName: catalog, DatabaseName: database, TableName: table}))
        const meta = out.TableMetadata
        return [...(meta?.Columns ?? []), ...(meta?.PartitionKeys ?? [])].map((c) => ({name: c.Name ?? '', type: c.Type ?? 'string'}))
      } catch (error) {
        if ((error as {name?: string}).name === 'MetadataException' || /not found/i.test((error as Error).message)) return undefined
        throw athenaError(error, `reading the columns of ${table}`)
      }
    },
  }
}

interface Execution {
  statementType?: string
  bytesScanned: number
  elapsedMs: number
}

async function waitForQuery(
  client: import('@aws-sdk/client-athena').AthenaClient,
  sdk: typeof import('@aws-sdk/client-athena'),
  queryId: string,
  options: AthenaQueryOptions,
): Promise<Execution> {
  const deadline = options.clock.now() + (options.timeoutMs ?? ATHENA_QUERY_TIMEOUT_MS)
  let wait = ATHENA_POLL_INITIAL_MS
  while (true) {
    let out: import('@aws-sdk/client-athena').GetQueryExecutionCommandOutput
    try {
      out = await client.send(new sdk.GetQueryExecutionCommand({QueryExecutionId: queryId}))
    } catch (error) {
      throw athenaError(error, 'waiting for the query')
    }
    const execution = out.QueryExecution
    const state = execution?.Status?.State
    const stats = execution?.Statistics
    if (state === 'SUCCEEDED') {
      return {statementType: execution?.StatementType, bytesScanned: stats?.DataScannedInBytes ?? 0, elapsedMs: stats?.TotalExecutionTimeInMillis ?? stats?.EngineExecutionTimeInMillis ?? 0}
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? state
      // ErrorCategory 2 is a user error: the SQL, a missing table or column.
      if (state === 'FAILED' && execution?.Status?.AthenaError?.ErrorCategory === 2) {
        throw new InputError(`Athena query ${queryId} failed: ${reason}`)
      }
      throw new ExternalServiceError('Athena', `query ${queryId} ${state === 'FAILED' ? 'failed' : 'was cancelled'}: ${reason}`)
    }
    if (options.signal?.aborted || options.clock.now() >= deadline) {
      // A query left running keeps costing money: stop it before giving up on it.
      await client.send(new sdk.StopQueryExecutionCommand({QueryExecutionId: queryId})).catch(() => {})
      if (options.signal?.aborted) throw new InterruptedError(`interrupted; Athena query ${queryId} was stopped.`)
      throw new ExternalServiceError('Athena', `query ${queryId} did not finish in time and was stopped.`)
    }
    await options.clock.sleep(wait, options.signal)
    wait = Math.min(wait * ATHENA_POLL_FACTOR, ATHENA_POLL_MAX_MS)
  }
}

function isHeader(row: {Data?: Array<{VarCharValue?: string}>}, columns: AthenaColumn[]): boolean {
  return columns.length > 0 && columns.every((c, i) => row.Data?.[i]?.VarCharValue === c.name)
}

/**
 * ExecutionParameters are SQL literals: numbers as they are, strings single-quoted with quotes
 * doubled. Athena substitutes them as values, never as SQL text.
 */
export function executionParameter(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`
}

/** Athena returns every cell as text; the column type says what it is. A missing value is NULL. */
export function typedValue(text: string | undefined, type: string): unknown {
  if (text === undefined) return null
  const t = type.toLowerCase()
  if (/^(tinyint|smallint|integer|int|bigint)$/.test(t)) {
    const n = Number(text)
    return Number.isSafeInteger(n) ? n : text
  }
  if (/^(double|float|real|decimal)/.test(t)) {
    const n = Number(text)
    return Number.isNaN(n) && text !== 'NaN' ? text : n
  }
  if (t === 'boolean') return text === 'true'
  return text
}

function athenaError(error: unknown, doing: string): Error {
  const name = (error as {name?: string}).name ?? ''
  const message = (error as Error).message ?? String(error)
  if (name === 'InvalidRequestException') {
    const suggestions = /output location/i.test(message) ? ['Name where Athena writes results: --output-location s3://my-bucket/athena-results/ (or use a workgroup that sets one).'] : []
    return new InputError(`Athena refused the query: ${message}`, {cause: error, suggestions})
  }
  if (name === 'ResourceNotFoundException' || name === 'MetadataException') return new NotFoundError(`Athena: ${message}`, {cause: error})
  return new ExternalServiceError('Athena', `${doing} failed: ${message}`, {cause: error})
}
