import {join} from 'node:path'
import {Args, Flags} from '@oclif/core'
import {startApplication, type StartResult} from '../../lib/apps/lifecycle.js'
import {renderStart} from '../../lib/apps/render.js'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import type {KdaApplicationStatus} from '../../lib/kda/index.js'

export type AppStartResult = (StartResult & {runtime: 'local'}) | KdaApplicationStatus

export default class AppStart extends BaseCommand {
  static override args = {
    name: Args.string({description: 'The deployed application.', required: true}),
  }

  static override description = `Starts a deployed application.

On the local runtime it runs in a background worker process that checkpoints its input position, operator state and output counts together, so stopping and starting again, or a crash, loses nothing and repeats nothing on local output streams. By default a start resumes where the application stopped (KDA's LAST_STOPPED_POINT); --from trim-horizon or now starts over at the oldest or the newest record, with fresh window state. The worker logs to apps/NAME/worker.log in the workspace.

With --runtime kda the application is started in Kinesis Data Analytics and the command waits until it runs.`

  static override examples = [
    '<%= config.bin %> app start lab',
    '<%= config.bin %> app start lab --from trim-horizon',
    '<%= config.bin %> app start web-metrics --runtime kda --from now',
  ]

  static override flags = {
    from: Flags.string({description: 'Where to start reading: where it stopped, the oldest record, or new records only.', options: ['last-stopped', 'trim-horizon', 'now'], default: 'last-stopped'}),
    runtime: Flags.string({description: 'Where the application runs.', options: ['local', 'kda'], default: 'local'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Start a deployed application in the background.'

  async run(): Promise<AppStartResult> {
    const {args, flags} = await this.parse(AppStart)
    const from = flags.from as 'last-stopped' | 'trim-horizon' | 'now'
    if (flags.runtime === 'kda') {
      const {startKdaApplication} = await import('../../lib/kda/index.js')
      const result = await startKdaApplication({
        name: args.name,
        from,
        aws: awsSettings(flags),
        clock: this.clock,
        onState: (state) => {
          if (!this.jsonEnabled()) process.stderr.write(`${args.name}: ${state}\n`)
        },
      })
      if (!this.jsonEnabled()) this.log(`'${result.name}' is ${result.status}.`)
      return result
    }
    const result = await startApplication({
      ws: this.workspace(flags.workspace),
      name: args.name,
      from,
      cli: {command: process.execPath, args: [join(this.config.root, 'bin', 'run.js')]},
      clock: this.clock,
    })
    if (!this.jsonEnabled()) this.log(renderStart(result))
    return {runtime: 'local', ...result}
  }
}
