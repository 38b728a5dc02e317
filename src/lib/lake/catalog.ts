import {stat} from 'node:fs/promises'
import type {Clock} from '../core/clock.js'
import {ExternalServiceError, NotFoundError} from '../core/errors.js'
import type {DuckColumn, DuckDb} from './duckdb.js'

/**
 * The local catalog: a DuckDB file in the workspace (`catalog.duckdb`) that a person can open with
 * `duckdb`. Each crawled table is a view over its lake files with an explicit column list (the
 * schema the crawl found, as a Glue table would hold it), so queries see files delivered after
 * the crawl without another crawl, and new columns appear when the next crawl records them.
 * What the crawl recorded lives in the `_clickstream.tables` table.
 */
export const META_SCHEMA = '_clickstream'
export const META_TABLE = `${META_SCHEMA}.tables`

export interface CatalogTable {
  name: string
  /** The table's lake folder. */
  location: string
  /** Data columns then partition_0..3, as queries see them. */
  columns: DuckColumn[]
  formats: string[]
  crawledAt: string
}

export interface OpenCatalogOptions {
  readOnly?: boolean
  clock: Clock
  /** How long to wait for another process (a crawl) to release the catalog. Default 5 s. */
  lockWaitMs?: number
}

/** Opens the catalog, waiting briefly while another process holds it. */
export async function openCatalog(path: string, options: OpenCatalogOptions): Promise<DuckDb> {
  if (options.readOnly && !(await exists(path))) {
    throw new NotFoundError(`there is no catalog yet (${path}).`, {
      suggestions: ['Deliver data to the lake (e.g. `clickstream replay access_log --to lake:web --transform json`), then run `clickstream crawl`.'],
    })
  }
  const {openDuckDb} = await import('./duckdb.js')
  const deadline = options.clock.now() + (options.lockWaitMs ?? 5_000)
  let wait = 50
  while (true) {
    try {
      return await openDuckDb(path, {readOnly: options.readOnly})
    } catch (error) {
      const busy = error instanceof ExternalServiceError && /in use by another process/.test(error.message)
      if (!busy || options.clock.now() >= deadline) throw error
      await options.clock.sleep(wait)
      wait = Math.min(wait * 2, 500)
    }
  }
}

export async function ensureMetaTable(db: DuckDb): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${META_SCHEMA}`)
  await db.run(
    `CREATE TABLE IF NOT EXISTS ${META_TABLE} (name VARCHAR PRIMARY KEY, location VARCHAR NOT NULL, columns VARCHAR NOT NULL, formats VARCHAR NOT NULL, crawled_at VARCHAR NOT NULL)`,
  )
}

/** The tables the last crawl recorded, by name. */
export async function catalogTables(db: DuckDb): Promise<CatalogTable[]> {
  const known = await db.query(`SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'tables'`, [META_SCHEMA])
  if (Number(known.rows[0][0]) === 0) return []
  const result = await db.query(`SELECT name, location, columns, formats, crawled_at FROM ${META_TABLE} ORDER BY name`)
  return result.rows.map(([name, location, columns, formats, crawledAt]) => ({
    name: name as string,
    location: location as string,
    columns: JSON.parse(columns as string) as DuckColumn[],
    formats: JSON.parse(formats as string) as string[],
    crawledAt: crawledAt as string,
  }))
}

/** A double-quoted SQL identifier (DuckDB and Athena/Trino alike). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
