import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderTable} from '../../lib/cli/render.js'
import type {ReportListResult} from '../../lib/reports/run.js'

export type {ReportListResult}

export default class ReportList extends BaseCommand {
  static override description = 'Lists the reports in templates/reports/ with what each shows and the kinds of table it runs on (web-log, sessions, events).'

  static override examples = ['<%= config.bin %> report list', '<%= config.bin %> report list --json']

  static override summary = 'List the named reports.'

  async run(): Promise<ReportListResult> {
    await this.parse(ReportList)
    const {listReportDefinitions} = await import('../../lib/reports/run.js')
    const result = await listReportDefinitions()
    if (!this.jsonEnabled()) {
      this.log(renderTable(['report', 'tables', 'description'], result.reports.map((r) => [r.name, r.tables.join(', '), r.description])))
    }
    return result
  }
}
