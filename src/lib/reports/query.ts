import {UsageError} from '../core/errors.js'
import {toResultJson, type QueryResultJson} from './engine.js'
import {openEngine, type EngineOptions} from './open-engine.js'

export interface QueryOptions extends EngineOptions {
  sql: string
}

export type QueryServiceResult = QueryResultJson

/** `clickstream query "SQL"`: one statement on the chosen engine, all rows, typed. */
export async function runQuery(options: QueryOptions): Promise<QueryServiceResult> {
  if (options.sql.trim() === '') throw new UsageError('the SQL text is empty.', {suggestions: ['clickstream query "SELECT count(*) AS n FROM web"']})
  const engine = await openEngine(options)
  try {
    return toResultJson(await engine.run(options.sql))
  } finally {
    await engine.close()
  }
}
