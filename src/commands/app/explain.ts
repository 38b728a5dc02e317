import {Args, Flags} from '@oclif/core'
import {explainApplication, type ExplainResult} from '../../lib/apps/lifecycle.js'
import {renderExplain} from '../../lib/apps/render.js'
import {BaseCommand} from '../../lib/cli/base-command.js'

export type AppExplainResult = ExplainResult

export default class AppExplain extends BaseCommand {
  static override args = {
    sql: Args.string({description: 'The application: a KDA SQL file.', required: true}),
  }

  static override description = `Compiles a KDA SQL application against its input schema and prints its streams and plan (one block per pump), without running it. The schema is --schema FILE, or APP.schema.json beside the SQL file.`

  static override examples = [
    '<%= config.bin %> app explain templates/sql/sessionize-lab.sql',
    '<%= config.bin %> app explain my-app.sql --schema my-app.schema.json --json',
  ]

  static override flags = {
    schema: Flags.string({description: 'KDA InputSchema JSON file (default: APP.schema.json beside the SQL).'}),
  }

  static override summary = 'Print the plan of a KDA SQL application.'

  async run(): Promise<AppExplainResult> {
    const {args, flags} = await this.parse(AppExplain)
    const result = await explainApplication({sqlFile: args.sql, schemaFile: flags.schema})
    if (!this.jsonEnabled()) this.log(renderExplain(result))
    return result
  }
}
