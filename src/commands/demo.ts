import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {isInteractive} from '../lib/cli/render.js'
import {ExternalServiceError} from '../lib/core/errors.js'
import {parseTime} from '../lib/core/units.js'
import type {DemoResult} from '../lib/demo/demo.js'

export type DemoCommandResult = DemoResult

export default class Demo extends BaseCommand {
  static override description = `Runs the clickstream workshops' pipeline end to end on this machine, with no AWS account: shoppers' clicks flow into a local stream while seed 004's sessionization SQL (a Kinesis Data Analytics application, retired by AWS) runs on them in the background; sessions are shown as they form; a web shop's access log is shipped to the lake as seed 000 does; everything lands in the lake, is crawled into the catalog, and reported on.

Each step names what did it on AWS and the command that runs it alone. At the end the demo prints what it measured and checks that the counts agree: events generated = events in the lake = events counted by the sessions. The workspace is left for you to explore (a new temporary folder unless --workspace is given).`

  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --workspace ./workshop',
    '<%= config.bin %> demo --minutes 60 --rate 100 --seed 42',
  ]

  static override flags = {
    minutes: Flags.integer({description: 'Simulated minutes of traffic.', default: 20, min: 1, max: 24 * 60}),
    rate: Flags.integer({description: 'Click events per second of simulated time.', default: 40, min: 1, max: 10_000}),
    seed: Flags.integer({description: 'Random seed: the same seed gives the same traffic.', default: 1}),
    speed: Flags.integer({description: 'How much faster than real time the clicks flow to the application.', default: 120, min: 1}),
    start: Flags.string({description: 'Simulated time of the first event (default: today 09:00 UTC).'}),
    workspace: Flags.string({description: 'Workspace folder to use (default: a new temporary folder).', helpGroup: 'GLOBAL'}),
  }

  static override summary = 'Run the whole workshop pipeline locally, in under a minute.'

  async run(): Promise<DemoCommandResult> {
    const {flags} = await this.parse(Demo)
    const {runDemo} = await import('../lib/demo/demo.js')
    const {DemoPrinter, renderDemoSummary} = await import('../lib/demo/render.js')
    const root = flags.workspace ?? (await mkdtemp(join(tmpdir(), 'clickstream-demo-')))
    const today = new Date(this.clock.now()).toISOString().slice(0, 10)
    const start = flags.start === undefined ? parseTime(`${today}T09:00:00Z`, '--start') : parseTime(flags.start, '--start', this.clock.now())
    const printer = this.jsonEnabled() ? undefined : new DemoPrinter(process.stdout, isInteractive(), () => this.clock.now())
    if (printer) this.log(`clickstream demo: the workshop pipeline, locally. Workspace: ${root}`)
    const result = await this.interruptible((signal) =>
      runDemo({
        workspace: this.workspace(root),
        cli: {command: process.execPath, args: [join(this.config.root, 'bin', 'run.js')]},
        clock: this.clock,
        seed: flags.seed,
        start,
        minutes: flags.minutes,
        rate: flags.rate,
        speed: flags.speed,
        signal,
        onEvent: printer ? (event) => printer.handle(event) : undefined,
      }),
    )
    if (printer) this.log(renderDemoSummary(result))
    const failed = result.checks.filter((c) => !c.ok)
    if (failed.length > 0 && this.jsonEnabled()) {
      throw new ExternalServiceError('demo', `${failed.length} of the demo's cross-checks disagree: ${failed.map((c) => c.name).join('; ')}.`)
    }
    if (failed.length > 0) process.exitCode = 1
    return result
  }
}
