import {Args, Flags} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {renderPairs} from '../../lib/cli/render.js'
import {formatBytes, formatCount, formatDuration} from '../../lib/core/units.js'
import {deliverStream, type DeliverResult} from '../../lib/targets/deliver.js'
import {parseTarget} from '../../lib/targets/spec.js'
import type {StartPosition} from '../../lib/targets/types.js'

export type StreamsDeliverResult = DeliverResult

export default class StreamsDeliver extends BaseCommand {
  static override args = {
    source: Args.string({description: 'The stream to read: NAME or local:NAME, kinesis:NAME|ARN.', required: true}),
  }

  static override description = `Delivers every record of a stream to another target, as a Firehose delivery stream with a Kinesis source does: most often into the workspace lake (lake:TABLE, under TABLE/YYYY/MM/DD/HH/ by each record's own time), where crawl and report find it.

By default it delivers what the stream holds and stops; --follow keeps delivering new records until Ctrl-C. With --checkpoint FILE the source position is saved after the target has taken the records, so the next run continues there instead of starting over.`

  static override examples = [
    '<%= config.bin %> streams deliver local:clicks --to lake:clicks',
    '<%= config.bin %> streams deliver clicks --to lake:clicks --follow --checkpoint clicks.checkpoint',
    '<%= config.bin %> streams deliver kinesis:clickstream --to file:clicks.ndjson.gz --region eu-west-1',
  ]

  static override flags = {
    checkpoint: Flags.string({description: 'File that keeps the source position between runs.'}),
    'dead-letter': Flags.string({description: 'NDJSON file for records the target refused after every retry.'}),
    follow: Flags.boolean({description: 'Keep delivering new records until Ctrl-C.', default: false}),
    from: Flags.string({description: 'Where to start when there is no checkpoint.', options: ['trim-horizon', 'latest'], default: 'trim-horizon'}),
    to: Flags.string({description: 'Where records go: lake:TABLE, file:PATH, local:NAME, kinesis:NAME, firehose:NAME or -.', required: true}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Deliver a stream into the lake or another target (Firehose-like).'

  async run(): Promise<StreamsDeliverResult> {
    const {args, flags} = await this.parse(StreamsDeliver)
    const from = parseTarget(args.source.includes(':') ? args.source : `local:${args.source}`, 'SOURCE')
    const to = parseTarget(flags.to, '--to')
    const result = await this.interruptible((signal) =>
      deliverStream(
        {
          from,
          to,
          start: flags.from as StartPosition,
          follow: flags.follow,
          signal,
          ...(flags.checkpoint ? {checkpoint: flags.checkpoint} : {}),
          ...(flags['dead-letter'] ? {deadLetter: flags['dead-letter']} : {}),
        },
        this.targetContext(flags),
      ),
    )
    if (!this.jsonEnabled()) process.stderr.write(renderDelivery(result) + '\n')
    return result
  }
}

function renderDelivery(r: DeliverResult): string {
  const pairs: Array<[string, string | number]> = [
    ['from', r.source],
    ['to', r.target],
    ['read', formatCount(r.read)],
    ['delivered', `${formatCount(r.delivered)} (${formatBytes(r.bytes)})`],
    ['retried', formatCount(r.retried)],
    ['failed', formatCount(r.failed)],
    ['elapsed', formatDuration(r.elapsedMs)],
  ]
  if (r.deadLetter) pairs.push(['dead letters', r.deadLetter])
  if (r.checkpoint) pairs.push(['checkpoint', r.checkpoint])
  return renderPairs(pairs)
}
