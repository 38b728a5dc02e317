import {readdir} from 'node:fs/promises'
import {join} from 'node:path'
import type {Clock} from '../core/clock.js'
import type {Workspace} from '../local/workspace.js'
import {sqlString} from './delivery.js'
import type {DuckColumn, DuckDb} from './duckdb.js'
import {catalogTables, ensureMetaTable, META_TABLE, openCatalog, quoteIdentifier, type CatalogTable} from './catalog.js'
import {ERRORS_FOLDER, formatOfFile, PARTITION_COLUMNS, type LakeFormat} from './layout.js'

export type CrawlAction = 'created' | 'updated' | 'unchanged' | 'deleted'

export interface CrawledTable {
  name: string
  action: CrawlAction
  location: string
  /** Data columns, then partition_0..3 (VARCHAR, as Glue adds them). */
  columns: DuckColumn[]
  /** What changed since the last crawl: `+col TYPE`, `-col`, `col: OLD → NEW`, `location`. */
  changes: string[]
  files: number
  /** Distinct YYYY/MM/DD/HH prefixes holding files. */
  partitions: number
  rows: number
}

export interface LocalCrawlResult {
  engine: 'local'
  catalog: string
  lake: string
  tables: CrawledTable[]
  /** Folders in the lake that are not tables (bad names, no data files), with the reason. */
  skipped: Array<{name: string; reason: string}>
  summary: Record<CrawlAction, number>
}

export interface LocalCrawlOptions {
  workspace: Workspace
  clock: Clock
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/
const PARTITION_PATTERN = '/([0-9]{4})/([0-9]{2})/([0-9]{2})/([0-9]{2})/[^/]+$'
const FILE_COLUMN = '__clickstream_file'

interface TableFiles {
  name: string
  location: string
  byFormat: Map<LakeFormat, number>
  partitions: Set<string>
  files: number
}

/**
 * `clickstream crawl` on the workspace: every folder of the lake with data files becomes a table
 * of the catalog, its columns inferred by DuckDB from all its files (union by name, as a Glue
 * crawler merges compatible schemas), plus the partition columns Glue adds for YYYY/MM/DD/HH.
 */
export async function crawlLocal(options: LocalCrawlOptions): Promise<LocalCrawlResult> {
  const {workspace} = options
  const skipped: LocalCrawlResult['skipped'] = []
  const found: TableFiles[] = []
  for (const entry of await readdir(workspace.lake, {withFileTypes: true}).catch(() => [])) {
    if (!entry.isDirectory() || entry.name === ERRORS_FOLDER || entry.name.startsWith('.')) continue
    if (!TABLE_NAME.test(entry.name)) {
      skipped.push({name: entry.name, reason: 'not a table name (letters, digits and _, starting with a letter or _)'})
      continue
    }
    const files = await scanTable(join(workspace.lake, entry.name), entry.name)
    if (files.files === 0) skipped.push({name: entry.name, reason: 'no data files (.json, .json.gz, .parquet) yet'})
    else found.push(files)
  }

  const db = await openCatalog(workspace.catalog, {clock: options.clock})
  try {
    await ensureMetaTable(db)
    const before = new Map((await catalogTables(db)).map((t) => [t.name, t]))
    const tables: CrawledTable[] = []
    for (const files of found) {
      let dataColumns: DuckColumn[]
      try {
        dataColumns = await inferColumns(db, files)
      } catch (error) {
        // One unreadable file (hand-edited, cut short) should not stop the other tables.
        skipped.push({name: files.name, reason: `its files cannot be read: ${(error as Error).message.split('\n')[0]}`})
        before.delete(files.name)
        continue
      }
      const columns = [...dataColumns.filter((c) => !PARTITION_COLUMNS.includes(c.name as never)), ...PARTITION_COLUMNS.map((name) => ({name, type: 'VARCHAR'}))]
      const formats = [...files.byFormat.keys()].sort()
      const previous = before.get(files.name)
      const changes = previous ? describeChanges(previous, files.location, columns) : []
      const action: CrawlAction = !previous ? 'created' : changes.length > 0 ? 'updated' : 'unchanged'
      if (action !== 'unchanged' || !(await viewExists(db, files.name))) {
        await db.run(`CREATE OR REPLACE VIEW ${quoteIdentifier(files.name)} AS ${viewSql(files, dataColumns)}`)
        await db.run(`INSERT OR REPLACE INTO ${META_TABLE} VALUES (?, ?, ?, ?, ?)`, [
          files.name,
          files.location,
          JSON.stringify(columns),
          JSON.stringify(formats),
          new Date(options.clock.now()).toISOString(),
        ])
      }
      const count = await db.query(`SELECT count(*) FROM ${quoteIdentifier(files.name)}`)
      tables.push({name: files.name, action, location: files.location, columns, changes, files: files.files, partitions: files.partitions.size, rows: Number(count.rows[0][0])})
      before.delete(files.name)
    }
    for (const gone of before.values()) {
      await db.run(`DROP VIEW IF EXISTS ${quoteIdentifier(gone.name)}`)
      await db.run(`DELETE FROM ${META_TABLE} WHERE name = ?`, [gone.name])
      tables.push({name: gone.name, action: 'deleted', location: gone.location, columns: gone.columns, changes: [], files: 0, partitions: 0, rows: 0})
    }
    tables.sort((a, b) => a.name.localeCompare(b.name))
    const summary: Record<CrawlAction, number> = {created: 0, updated: 0, unchanged: 0, deleted: 0}
    for (const t of tables) summary[t.action] += 1
    return {engine: 'local', catalog: workspace.catalog, lake: workspace.lake, tables, skipped, summary}
  } finally {
    db.close()
  }
}

async function scanTable(location: string, name: string): Promise<TableFiles> {
  const result: TableFiles = {name, location, byFormat: new Map(), partitions: new Set(), files: 0}
  const entries = await readdir(location, {recursive: true, withFileTypes: true})
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue
    const format = formatOfFile(entry.name)
    if (!format) continue
    result.files += 1
    result.byFormat.set(format, (result.byFormat.get(format) ?? 0) + 1)
    const parent = (entry.parentPath ?? (entry as unknown as {path: string}).path).slice(location.length + 1)
    if (/^\d{4}\/\d{2}\/\d{2}\/\d{2}$/.test(parent)) result.partitions.add(parent)
  }
  return result
}

/** The table function(s) reading every data file of the table, with the given JSON columns. */
function readSql(files: TableFiles, jsonColumns?: DuckColumn[]): string {
  const parts: string[] = []
  const json = (['json', 'json.gz'] as const).filter((f) => files.byFormat.has(f)).map((f) => sqlString(join(files.location, '**', `*.${f}`)))
  if (json.length > 0) {
    const columns = jsonColumns ? `, columns = {${jsonColumns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ')}}` : ', sample_size = -1'
    parts.push(`SELECT * FROM read_json([${json.join(', ')}], format = 'newline_delimited', union_by_name = true, hive_partitioning = false, filename = '${FILE_COLUMN}'${columns})`)
  }
  if (files.byFormat.has('parquet')) {
    parts.push(`SELECT * FROM read_parquet([${sqlString(join(files.location, '**', '*.parquet'))}], union_by_name = true, hive_partitioning = false, filename = '${FILE_COLUMN}')`)
  }
  return parts.join(' UNION ALL BY NAME ')
}

async function inferColumns(db: DuckDb, files: TableFiles): Promise<DuckColumn[]> {
  const described = await db.query(`DESCRIBE ${readSql(files)}`)
  return described.rows.map(([name, type]) => ({name: name as string, type: type as string})).filter((c) => c.name !== FILE_COLUMN)
}

function viewSql(files: TableFiles, dataColumns: DuckColumn[]): string {
  const partitions = PARTITION_COLUMNS.map((name, i) => `NULLIF(regexp_extract(${FILE_COLUMN}, '${PARTITION_PATTERN}', ${i + 1}), '') AS ${name}`)
  // A data field named like a partition column gives way to the partition, as in Glue.
  const excluded = [FILE_COLUMN, ...dataColumns.filter((c) => PARTITION_COLUMNS.includes(c.name as never)).map((c) => c.name)]
  return `SELECT * EXCLUDE (${excluded.map(quoteIdentifier).join(', ')}), ${partitions.join(', ')} FROM (${readSql(files, dataColumns)})`
}

function describeChanges(previous: CatalogTable, location: string, columns: DuckColumn[]): string[] {
  const changes: string[] = []
  if (previous.location !== location) changes.push(`location: ${previous.location} → ${location}`)
  const old = new Map(previous.columns.map((c) => [c.name, c.type]))
  for (const c of columns) {
    const type = old.get(c.name)
    if (type === undefined) changes.push(`+${c.name} ${c.type}`)
    else if (type !== c.type) changes.push(`${c.name}: ${type} → ${c.type}`)
    old.delete(c.name)
  }
  for (const name of old.keys()) changes.push(`-${name}`)
  return changes
}

async function viewExists(db: DuckDb, name: string): Promise<boolean> {
  const result = await db.query(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?`, [name])
  return Number(result.rows[0][0]) > 0
}
