import {Flags} from '@oclif/core'
import {applicationOutputTarget, RateMeter, tailRecords, type TailResult} from '../../lib/apps/tail.js'
import {LiveTable} from '../../lib/apps/tail-view.js'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {isInteractive} from '../../lib/cli/render.js'
import {UsageError} from '../../lib/core/errors.js'
import {formatCount, formatDuration} from '../../lib/core/units.js'
import {formatTarget, parseTarget} from '../../lib/targets/spec.js'

export type SessionsTailResult = TailResult

export default class SessionsTail extends BaseCommand {
  static override description = `Follows the sessions an application emits, or the records of any stream, as they arrive.

In a terminal it shows a live table: one row per session (or event) as the application emits it, with a running count and rate at the bottom. Piped, or with --json, it prints the records as NDJSON, one per line, and the summary goes to stderr. --no-follow stops at the end of what is there.`

  static override examples = [
    '<%= config.bin %> sessions tail --app lab',
    '<%= config.bin %> sessions tail --from local:sessions',
    '<%= config.bin %> sessions tail --from local:sessions --no-follow --json | jq .SESSION_ID',
    '<%= config.bin %> sessions tail --from kinesis:sessions --region eu-west-1',
  ]

  static override flags = {
    app: Flags.string({description: 'A deployed application: tail the stream its output goes to.', exclusive: ['from']}),
    follow: Flags.boolean({description: 'Keep waiting for new records at the end.', default: true, allowNo: true}),
    from: Flags.string({description: 'The stream to tail: local:NAME or kinesis:NAME (also file:PATH).', exclusive: ['app']}),
    limit: Flags.integer({description: 'Stop after this many records.', min: 1}),
    start: Flags.string({description: 'Begin with the oldest record kept, or with new records only.', options: ['trim-horizon', 'latest'], default: 'trim-horizon'}),
    stream: Flags.string({description: 'With --app: which output, when it has several (the in-application stream name).', dependsOn: ['app']}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Follow sessions as an application emits them.'

  async run(): Promise<SessionsTailResult> {
    const {flags} = await this.parse(SessionsTail)
    const ctx = this.targetContext(flags)
    if (!flags.app && !flags.from) throw new UsageError('name what to tail: --app NAME or --from TARGET.', {suggestions: ['clickstream sessions tail --app lab', 'clickstream sessions tail --from local:sessions']})
    const from = flags.app ? await applicationOutputTarget(ctx.workspace, flags.app, flags.stream) : parseTarget(flags.from!, '--from')
    const live = !this.jsonEnabled() && isInteractive()
    const meter = new RateMeter(this.clock)
    const table = live ? new LiveTable(process.stdout, process.stdout.columns || 120, () => this.clock.now(), flags.app ? 'sessions' : 'records') : undefined
    const ticker = table ? setInterval(() => table.tick(meter.perSecond()), 500) : undefined
    try {
      const result = await this.interruptible((signal) =>
        tailRecords({
        ctx,
        from,
        follow: flags.follow,
        start: flags.start as 'trim-horizon' | 'latest',
        signal,
        limit: flags.limit,
        onBatch: async (records) => {
          meter.add(records.length)
          if (table) {
            table.addRows(records.map((r) => parseObject(r.data) ?? r.data), meter.perSecond())
            return
          }
          let text = ''
          for (const r of records) text += r.data + '\n'
          if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve))
        },
      }),
      )
      table?.finish(meter.perSecond())
      if (!this.jsonEnabled() && !table) {
        process.stderr.write(`${formatCount(result.records)} records from ${formatTarget(from)} in ${formatDuration(result.elapsedMs)}.\n`)
      }
      return result
    } finally {
      if (ticker) clearInterval(ticker)
    }
  }

  /** Records own stdout; the JSON summary goes to stderr. */
  override logJson(json: unknown): void {
    process.stderr.write(JSON.stringify(json) + '\n')
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined
  } catch {
    return undefined
  }
}
