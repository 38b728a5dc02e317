import {Args, Flags} from '@oclif/core'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {engineFlags, engineSettings, printResult, stopSignals} from '../../lib/cli/engine-flags.js'
import type {ReportResult as ReportServiceResult} from '../../lib/reports/run.js'

export type ReportResult = ReportServiceResult

export default class Report extends BaseCommand {
  static override args = {
    name: Args.string({description: 'The report: daily, durations, status-codes, top-pages, navigation, devices or funnel (see `report list`).', required: true}),
  }

  static override description = `Runs a named report from templates/reports/ on the local catalog (DuckDB) or on Athena. The report picks its SQL by the table's columns: web-log tables (seed 000's documents), session tables (seed 001's aggregated sessions), or raw event tables (seed 001's clicks, grouped into sessions by user, device and minute as its application does; seed 004's lab events, by its 10-second gap).

--date, --from and --until are whole days (YYYY-MM-DD, today or yesterday, inclusive), bound as query parameters. --table must be a table of the catalog; without it the report runs on the one table it fits.

--json prints {"report", "table", "variant", "from", "until", "columns", "rows", "stats"}.`

  static override examples = [
    '<%= config.bin %> report daily --table web',
    '<%= config.bin %> report daily --table web --date 2015-05-18 --json',
    '<%= config.bin %> report durations --table sessions --from 2021-02-26 --until 2021-02-27',
    '<%= config.bin %> report status-codes --table web --format csv',
    '<%= config.bin %> report daily --table json --engine athena --database clickstreamlogs --output-location s3://realtimeworkshop-me/athena/',
  ]

  static override flags = {
    table: Flags.string({description: 'The table to report on (default: the one table the report fits).'}),
    date: Flags.string({description: 'One day: YYYY-MM-DD, today or yesterday (UTC).', exclusive: ['from', 'until']}),
    from: Flags.string({description: 'First day included (YYYY-MM-DD).'}),
    until: Flags.string({description: 'Last day included (YYYY-MM-DD).'}),
    ...engineFlags,
    format: Flags.string({description: 'Output: a table (with bars on a terminal), or CSV (--json for JSON).', options: ['table', 'csv'], default: 'table'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Run a named report (daily, durations, status-codes, top-pages, navigation, devices, funnel).'

  async run(): Promise<ReportResult> {
    const {args, flags} = await this.parse(Report)
    const {runReport} = await import('../../lib/reports/run.js')
    const result = await this.interruptible(
      (signal) =>
        runReport({
          name: args.name,
          table: flags.table,
          date: flags.date,
          from: flags.from,
          until: flags.until,
          ...engineSettings(flags),
          workspace: this.workspace(flags.workspace),
          clock: this.clock,
          aws: awsSettings(flags),
          signal,
        }),
      stopSignals(flags),
    )
    if (!this.jsonEnabled()) {
      const days = result.from ? (result.from === result.until ? ` on ${result.from}` : ` from ${result.from} until ${result.until ?? 'the end'}`) : result.until ? ` until ${result.until}` : ''
      const title = `${result.report} (${result.variant}) of ${result.table}${days}`
      printResult(result, {format: flags.format, title, chart: result.chart})
    }
    return result
  }
}
