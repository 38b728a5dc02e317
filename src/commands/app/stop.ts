import {Args, Flags} from '@oclif/core'
import {stopApplication, type StopResult} from '../../lib/apps/lifecycle.js'
import {renderStop} from '../../lib/apps/render.js'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import type {KdaApplicationStatus} from '../../lib/kda/index.js'

export type AppStopResult = (StopResult & {runtime: 'local'}) | KdaApplicationStatus

export default class AppStop extends BaseCommand {
  static override args = {
    name: Args.string({description: 'The running application.', required: true}),
  }

  static override description = `Stops a running application.

The local worker finishes the batch in hand, delivers its outputs, writes a final checkpoint and exits; 'app start' continues from there. Stopping an application that is not running is not an error.`

  static override examples = ['<%= config.bin %> app stop lab', '<%= config.bin %> app stop web-metrics --runtime kda']

  static override flags = {
    runtime: Flags.string({description: 'Where the application runs.', options: ['local', 'kda'], default: 'local'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Stop a running application (it can resume where it stopped).'

  async run(): Promise<AppStopResult> {
    const {args, flags} = await this.parse(AppStop)
    if (flags.runtime === 'kda') {
      const {stopKdaApplication} = await import('../../lib/kda/index.js')
      const result = await stopKdaApplication({name: args.name, aws: awsSettings(flags), clock: this.clock})
      if (!this.jsonEnabled()) this.log(`'${result.name}' is ${result.status}.`)
      return result
    }
    const result = await stopApplication({ws: this.workspace(flags.workspace), name: args.name, clock: this.clock})
    if (!this.jsonEnabled()) this.log(renderStop(result))
    return {runtime: 'local', ...result}
  }
}
