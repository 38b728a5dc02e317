import {Args, Flags} from '@oclif/core'
import {runWorker, type StartFrom} from '../../lib/apps/worker.js'
import {BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'

export interface AppWorkerResult {
  name: string
  recordsIn: number
}

/** The background process `app start` spawns; not for people to run. */
export default class AppWorker extends BaseCommand {
  static override args = {
    name: Args.string({description: 'The deployed application.', required: true}),
  }

  static override description = 'Runs a deployed application until SIGTERM (started by app start).'

  static override examples = ['<%= config.bin %> app start lab']

  static override flags = {
    from: Flags.string({options: ['last-stopped', 'trim-horizon', 'now'], default: 'last-stopped', description: 'Where to start reading.'}),
    ...workspaceFlag,
  }

  static override hidden = true

  static override summary = 'Run a deployed application (the background worker).'

  async run(): Promise<AppWorkerResult> {
    const {args, flags} = await this.parse(AppWorker)
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    const log = (message: string) => process.stderr.write(`${new Date(this.clock.now()).toISOString()} ${message}\n`)
    const ctx = {...this.targetContext(flags), warn: (m: string) => log(`warning: ${m}`)}
    const counters = await runWorker({ctx, name: args.name, from: flags.from as StartFrom, signal: controller.signal, clock: this.clock, log})
    return {name: args.name, recordsIn: counters.recordsIn}
  }
}
