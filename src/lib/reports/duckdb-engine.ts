import type {Clock} from '../core/clock.js'
import {catalogTables, openCatalog} from '../lake/catalog.js'
import type {Workspace} from '../local/workspace.js'
import type {QueryEngine, QueryParam, QueryResult, ResultColumn} from './engine.js'

export interface LocalEngineOptions {
  workspace: Workspace
  clock: Clock
}

/**
 * DuckDB over the workspace catalog, opened read-only: queries read the lake, they never change
 * the catalog (that is `crawl`'s job), and several can run while data is being delivered.
 */
export async function openLocalEngine(options: LocalEngineOptions): Promise<QueryEngine> {
  const db = await openCatalog(options.workspace.catalog, {readOnly: true, clock: options.clock})
  let known: Map<string, ResultColumn[]> | undefined
  const load = async () => (known ??= new Map((await catalogTables(db)).map((t) => [t.name, t.columns])))
  return {
    name: 'local',
    async tables() {
      return [...(await load()).keys()]
    },
    async columnsOf(table) {
      return (await load()).get(table)
    },
    async run(sql: string, params: readonly QueryParam[] = []): Promise<QueryResult> {
      const started = performance.now()
      const result = await db.query(sql, [...params])
      return {columns: result.columns, rows: result.rows, stats: {engine: 'local', elapsedMs: Math.round(performance.now() - started)}}
    },
    async close() {
      db.close()
    },
  }
}
