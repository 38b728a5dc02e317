import {ExternalServiceError, InputError} from '../core/errors.js'

/**
 * A narrow door to DuckDB: run statements with bound parameters and read typed rows. This module
 * is only ever imported dynamically, so commands that never touch the lake never load DuckDB.
 */
export interface DuckColumn {
  name: string
  /** DuckDB's type name, e.g. BIGINT, VARCHAR, TIMESTAMP, STRUCT(...). */
  type: string
}

export interface DuckRows {
  columns: DuckColumn[]
  /** One array per row, values as JSON: integers and decimals as numbers when they fit. */
  rows: unknown[][]
}

export type DuckParam = string | number | boolean | null

export interface DuckDb {
  run(sql: string, params?: DuckParam[]): Promise<void>
  query(sql: string, params?: DuckParam[]): Promise<DuckRows>
  close(): void
}

export interface OpenDuckDbOptions {
  readOnly?: boolean
}

export async function openDuckDb(path: string, options: OpenDuckDbOptions = {}): Promise<DuckDb> {
  const {DuckDBInstance} = await import('@duckdb/node-api')
  let instance: Awaited<ReturnType<typeof DuckDBInstance.create>>
  try {
    instance = await DuckDBInstance.create(path, options.readOnly ? {access_mode: 'READ_ONLY'} : {})
  } catch (error) {
    throw duckError(error, path)
  }
  const connection = await instance.connect()
  return {
    async run(sql, params = []) {
      try {
        await connection.run(sql, params)
      } catch (error) {
        throw duckError(error, path)
      }
    },
    async query(sql, params = []) {
      try {
        const result = await connection.run(sql, params)
        const names = result.columnNames()
        const types = result.columnTypes().map((t) => t.toString())
        const rows = (await result.getRowsJson()) as unknown[][]
        const numeric = types.map(isExactNumber)
        for (const row of rows) {
          for (let i = 0; i < row.length; i++) if (numeric[i] && typeof row[i] === 'string') row[i] = toNumber(row[i] as string)
        }
        return {columns: names.map((name, i) => ({name, type: types[i]})), rows}
      } catch (error) {
        throw duckError(error, path)
      }
    },
    close() {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

function isExactNumber(type: string): boolean {
  return /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/.test(type)
}

/** Big integers stay exact: a number when it is safe, its decimal text otherwise. */
function toNumber(text: string): number | string {
  const n = Number(text)
  if (Number.isFinite(n) && (!/^-?\d+$/.test(text) || Number.isSafeInteger(n))) return n
  return text
}

/**
 * DuckDB's own message, without a stack. Errors in the SQL (parser, binder, catalog, conversion)
 * are the user's input; the rest (I/O, locks) are the engine's.
 */
export function duckError(error: unknown, path: string): Error {
  if (error instanceof InputError || error instanceof ExternalServiceError) return error
  const message = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, '')
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    return new ExternalServiceError('DuckDB', `the catalog ${path} is in use by another process: ${firstLine(message)}`, {
      cause: error,
      suggestions: ['Wait for the running `clickstream crawl` to finish, then run the command again.'],
    })
  }
  if (/^(Parser|Binder|Catalog|Conversion|Invalid Input|Not implemented|Syntax|Constraint) Error/i.test(message)) {
    return new InputError(message.trim(), {cause: error})
  }
  return new ExternalServiceError('DuckDB', message.trim(), {cause: error})
}

function firstLine(text: string): string {
  return text.split('\n')[0]
}
