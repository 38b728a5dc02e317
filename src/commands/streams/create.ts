import {Args, Flags} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {parseDuration} from '../../lib/core/units.js'
import {createStreamService, parseStreamName, type StreamDescription} from '../../lib/targets/stream-admin.js'
import {renderStreamDescription} from '../../lib/targets/stream-render.js'

export type StreamsCreateResult = StreamDescription

export default class StreamsCreate extends BaseCommand {
  static override args = {
    stream: Args.string({description: 'NAME or local:NAME (a local stream), or kinesis:NAME.', required: true}),
  }

  static override description = `Creates a local stream in the workspace (streams/NAME/), or a Kinesis data stream, waiting until it is ACTIVE.

Writing to a local stream that does not exist creates it with 1 shard and 24 hours of retention; create it first for other settings. Records are placed on shards by a hash of their partition key. Retention removes whole segment files older than the retention (by their real age, whatever the records' own clock says).`

  static override examples = [
    '<%= config.bin %> streams create web',
    '<%= config.bin %> streams create local:web --shards 4 --retention 7d',
    '<%= config.bin %> streams create kinesis:clickstream --shards 2 --region eu-west-1',
    '<%= config.bin %> streams create kinesis:clickstream --endpoint-url http://localhost:4567',
  ]

  static override flags = {
    retention: Flags.string({description: 'How long records are kept: 24h, 7d, or a number of hours (default 24h).'}),
    shards: Flags.integer({description: 'Number of shards (default 1).', min: 1}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Create a local or Kinesis stream.'

  async run(): Promise<StreamsCreateResult> {
    const {args, flags} = await this.parse(StreamsCreate)
    const result = await createStreamService(
      parseStreamName(args.stream),
      {shards: flags.shards, retentionHours: flags.retention === undefined ? undefined : parseRetentionHours(flags.retention)},
      this.targetContext(flags),
    )
    if (!this.jsonEnabled()) this.log(`Created ${result.kind}:${result.name}.\n${renderStreamDescription(result)}`)
    return result
  }
}

/** `--retention`: a duration (24h, 7d) or a bare number of hours. */
export function parseRetentionHours(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text)
  return parseDuration(text, '--retention') / 3_600_000
}
