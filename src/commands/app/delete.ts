import {Args, Flags} from '@oclif/core'
import {deleteApplication} from '../../lib/apps/lifecycle.js'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'

export interface AppDeleteResult {
  runtime: 'local' | 'kda'
  name: string
  deleted: true
}

export default class AppDelete extends BaseCommand {
  static override args = {
    name: Args.string({description: 'The application to delete.', required: true}),
  }

  static override description = `Deletes a deployed application: its definition, checkpoint, status and log. Its output streams stay. A running application must be stopped first.`

  static override examples = ['<%= config.bin %> app delete lab', '<%= config.bin %> app delete web-metrics --runtime kda']

  static override flags = {
    runtime: Flags.string({description: 'Where the application runs.', options: ['local', 'kda'], default: 'local'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Delete a deployed application.'

  async run(): Promise<AppDeleteResult> {
    const {args, flags} = await this.parse(AppDelete)
    if (flags.runtime === 'kda') {
      const {deleteKdaApplication} = await import('../../lib/kda/index.js')
      const result = await deleteKdaApplication({name: args.name, aws: awsSettings(flags)})
      if (!this.jsonEnabled()) this.log(`Deleted '${result.name}' from Kinesis Data Analytics.`)
      return {runtime: 'kda', ...result}
    }
    const result = await deleteApplication({ws: this.workspace(flags.workspace), name: args.name})
    if (!this.jsonEnabled()) this.log(`Deleted '${result.name}'.`)
    return {runtime: 'local', ...result}
  }
}
