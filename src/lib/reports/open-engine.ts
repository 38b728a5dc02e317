import type {AwsSettings} from '../aws/settings.js'
import type {Clock} from '../core/clock.js'
import {UsageError} from '../core/errors.js'
import type {Workspace} from '../local/workspace.js'
import type {EngineName, QueryEngine} from './engine.js'

/** Which engine to run on, with what it needs. Commands build this from their flags. */
export interface EngineOptions {
  engine: EngineName
  workspace: Workspace
  clock: Clock
  aws: AwsSettings
  athena?: {database?: string; workgroup?: string; outputLocation?: string}
  signal?: AbortSignal
}

/** Opens DuckDB on the local catalog, or Athena; each is imported only when chosen. */
export async function openEngine(options: EngineOptions): Promise<QueryEngine> {
  if (options.engine === 'athena') {
    const database = options.athena?.database
    if (!database) {
      throw new UsageError('--engine athena needs --database: the Glue database your crawler writes to.', {
        suggestions: ['clickstream query "SELECT count(*) FROM web" --engine athena --database clickstreamlogs --output-location s3://my-bucket/athena/'],
      })
    }
    if (options.athena?.outputLocation && !/^s3:\/\/[^/]+/.test(options.athena.outputLocation)) {
      throw new UsageError(`--output-location '${options.athena.outputLocation}': Athena writes results to an S3 location such as s3://my-bucket/athena-results/.`)
    }
    const {openAthenaEngine} = await import('./athena-engine.js')
    return openAthenaEngine({aws: options.aws, database, workgroup: options.athena?.workgroup, outputLocation: options.athena?.outputLocation, clock: options.clock, signal: options.signal})
  }
  const {openLocalEngine} = await import('./duckdb-engine.js')
  return openLocalEngine({workspace: options.workspace, clock: options.clock})
}
