import {Flags} from '@oclif/core'
import {ENGINE_NAMES, type EngineName} from '../reports/engine.js'

/** `--engine` and the Athena settings, shared by `query` and `report`. */
export const engineFlags = {
  engine: Flags.string({
    description: 'Where the SQL runs: local (DuckDB on the workspace catalog) or athena (on a Glue database).',
    options: [...ENGINE_NAMES],
    default: 'local',
  }),
  database: Flags.string({description: 'Athena: the Glue database holding the tables (e.g. the crawler\'s database).', helpGroup: 'ATHENA'}),
  workgroup: Flags.string({description: 'Athena: the workgroup to run in (default: primary).', helpGroup: 'ATHENA'}),
  'output-location': Flags.string({description: 'Athena: s3:// location for query results, unless the workgroup sets one.', helpGroup: 'ATHENA'}),
}

export interface EngineFlagValues {
  engine?: string
  database?: string
  workgroup?: string
  'output-location'?: string
}

export function engineSettings(flags: EngineFlagValues): {engine: EngineName; athena: {database?: string; workgroup?: string; outputLocation?: string}} {
  return {
    engine: (flags.engine ?? 'local') as EngineName,
    athena: {database: flags.database, workgroup: flags.workgroup, outputLocation: flags['output-location']},
  }
}
