import {Args, Flags} from '@oclif/core'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../lib/cli/base-command.js'
import {engineFlags, engineSettings, printResult, stopSignals} from '../lib/cli/engine-flags.js'
import {runQuery, type QueryServiceResult} from '../lib/reports/query.js'

export type QueryResult = QueryServiceResult

export default class Query extends BaseCommand {
  static override args = {
    sql: Args.string({description: 'One SQL statement. Tables are the ones `clickstream crawl` found (or the Glue database\'s, with --engine athena).', required: true}),
  }

  static override description = `Runs SQL on the local catalog with DuckDB (read-only), or on Athena with --engine athena.

Locally the tables are views over the lake files, so data delivered after the last crawl is included; partition_0..3 hold the YYYY, MM, DD and HH of each file's folder, as a Glue crawler names them. On Athena the query runs in --workgroup with results in --output-location; every result page is read and the data scanned is reported.

--json prints {"columns": [{"name", "type"}], "rows": [{column: value}], "stats": {...}}; --format csv prints CSV with a header row.`

  static override examples = [
    '<%= config.bin %> query "SELECT count(*) AS n FROM web"',
    '<%= config.bin %> query "SELECT response, count(*) AS requests FROM web GROUP BY response ORDER BY requests DESC" --format csv',
    '<%= config.bin %> query "SELECT * FROM web LIMIT 5" --json',
    '<%= config.bin %> query "SELECT count(*) FROM json" --engine athena --database clickstreamlogs --output-location s3://realtimeworkshop-me/athena/',
  ]

  static override flags = {
    ...engineFlags,
    format: Flags.string({description: 'Output: a table for people, or CSV for other tools (--json for JSON).', options: ['table', 'csv'], default: 'table'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Run SQL on the lake (DuckDB) or on Athena.'

  async run(): Promise<QueryResult> {
    const {args, flags} = await this.parse(Query)
    const result = await this.interruptible(
      (signal) =>
        runQuery({
          sql: args.sql,
          ...engineSettings(flags),
          workspace: this.workspace(flags.workspace),
          clock: this.clock,
          aws: awsSettings(flags),
          signal,
        }),
      stopSignals(flags),
    )
    if (!this.jsonEnabled()) printResult(result, {format: flags.format})
    return result
  }
}
