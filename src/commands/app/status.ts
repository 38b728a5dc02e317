import {Args, Flags} from '@oclif/core'
import {applicationStatus, type AppStatus} from '../../lib/apps/lifecycle.js'
import {renderStatusDetail, renderStatusTable} from '../../lib/apps/render.js'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import type {KdaApplicationStatus} from '../../lib/kda/index.js'

export type AppStatusResult = {runtime: 'local'; applications: AppStatus[]} | KdaApplicationStatus

export default class AppStatusCommand extends BaseCommand {
  static override args = {
    name: Args.string({description: 'One application (default: every deployed application).'}),
  }

  static override description = `Shows deployed applications: state (running, stopped, failed, or deployed and never started), worker pid, input lag, records in, rows out per output, records set aside to error_stream, and the last checkpoint.

A worker that died without stopping (crashed or killed) shows as failed; 'app start' resumes it from its last checkpoint.`

  static override examples = ['<%= config.bin %> app status', '<%= config.bin %> app status lab', '<%= config.bin %> app status lab --json', '<%= config.bin %> app status web-metrics --runtime kda']

  static override flags = {
    runtime: Flags.string({description: 'Where the application runs.', options: ['local', 'kda'], default: 'local'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Show the state of deployed applications.'

  async run(): Promise<AppStatusResult> {
    const {args, flags} = await this.parse(AppStatusCommand)
    if (flags.runtime === 'kda') {
      if (!args.name) throw new UsageError('--runtime kda: name the application (app status NAME --runtime kda).')
      const {describeKdaApplication} = await import('../../lib/kda/index.js')
      const result = await describeKdaApplication({name: args.name, aws: awsSettings(flags)})
      if (!this.jsonEnabled()) this.log(`${result.name}: ${result.status} (version ${result.version})`)
      return result
    }
    const applications = await applicationStatus({ws: this.workspace(flags.workspace), name: args.name})
    if (!this.jsonEnabled()) {
      const now = this.clock.now()
      this.log(args.name ? applications.map((a) => renderStatusDetail(a, now)).join('\n\n') : renderStatusTable(applications, now))
    }
    return {runtime: 'local', applications}
  }
}
