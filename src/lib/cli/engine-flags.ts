import {Flags} from '@oclif/core'
import {ENGINE_NAMES, type EngineName, type QueryResultJson} from '../reports/engine.js'
import {renderResultOutput, type RenderOptions} from '../reports/render.js'
import {isInteractive} from './render.js'

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

/** Ctrl-C stops a running Athena query (StopQueryExecution) instead of leaving it to run up a bill. */
export function stopSignals(flags: EngineFlagValues): NodeJS.Signals[] {
  return flags.engine === 'athena' ? ['SIGINT'] : []
}

/** Prints a result for people: CSV, or the table (after its title) on stdout and its stats on stderr. */
export function printResult(result: QueryResultJson, options: Omit<RenderOptions, 'interactive'> & {format: string; title?: string}): void {
  const printed = renderResultOutput(result, {...options, interactive: isInteractive()})
  process.stdout.write(printed.out)
  if (printed.err) process.stderr.write(printed.err)
}
