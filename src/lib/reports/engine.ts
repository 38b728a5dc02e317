/**
 * The one interface `query` and `report` run SQL through: DuckDB on the local catalog, or Athena
 * on a Glue database. Parameters are positional `?` placeholders on both engines and are always
 * bound by the engine (DuckDB prepared statements, Athena ExecutionParameters), never spliced.
 */
export type EngineName = 'local' | 'athena'

export const ENGINE_NAMES: readonly EngineName[] = ['local', 'athena']

export interface ResultColumn {
  name: string
  /** The engine's type name (DuckDB: BIGINT, VARCHAR…; Athena: bigint, varchar…). */
  type: string
}

export type QueryParam = string | number

export interface QueryStats {
  engine: EngineName
  /** Wall time of the query as the engine reports it (Athena) or as measured around it (DuckDB). */
  elapsedMs: number
  /** Athena only: the data the query scanned, which is what it costs. */
  bytesScanned?: number
  /** Athena only: the QueryExecutionId, to find the query in the console. */
  queryId?: string
}

export interface QueryResult {
  columns: ResultColumn[]
  /** Values typed from the engine's metadata: numbers, booleans, strings, null; nested values as JSON. */
  rows: unknown[][]
  stats: QueryStats
}

export interface QueryEngine {
  readonly name: EngineName
  /** The tables of the engine's catalog (local catalog or Glue database). */
  tables(): Promise<string[]>
  /** Columns of one table, partition columns included; undefined when the table is unknown. */
  columnsOf(table: string): Promise<ResultColumn[] | undefined>
  run(sql: string, params?: readonly QueryParam[]): Promise<QueryResult>
  close(): Promise<void>
}

/** `--json` shape of `query` (and of each report): rows as objects keyed by column name. */
export interface QueryResultJson {
  columns: ResultColumn[]
  rows: Array<Record<string, unknown>>
  stats: QueryStats
}

export function toResultJson(result: QueryResult): QueryResultJson {
  return {
    columns: result.columns,
    rows: result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null]))),
    stats: result.stats,
  }
}
