import {Args} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {describeStreamService, parseStreamName, type StreamDescription} from '../../lib/targets/stream-admin.js'
import {renderStreamDescription} from '../../lib/targets/stream-render.js'

export type StreamsDescribeResult = StreamDescription

export default class StreamsDescribe extends BaseCommand {
  static override args = {
    stream: Args.string({description: 'NAME or local:NAME (a local stream), or kinesis:NAME|ARN.', required: true}),
  }

  static override description = `Shows a stream's settings and contents. For a local stream: shards, retention, how many records it keeps, their sequence numbers and record times, its segment files and the last write.

A local stream is a folder of plain text segment files (streams/NAME/*.log), one line per record: SEQUENCE, TIME (the record's clock, epoch ms), SHARD, PARTITION KEY and the payload, separated by tabs; each batch ends with a '#commit' line. 'tail -f' and 'cut -f5' work on them.`

  static override examples = [
    '<%= config.bin %> streams describe web',
    '<%= config.bin %> streams describe local:web --json',
    '<%= config.bin %> streams describe kinesis:clickstream --region eu-west-1',
  ]

  static override flags = {
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Show what a local or Kinesis stream holds.'

  async run(): Promise<StreamsDescribeResult> {
    const {args, flags} = await this.parse(StreamsDescribe)
    const result = await describeStreamService(parseStreamName(args.stream), this.targetContext(flags))
    if (!this.jsonEnabled()) this.log(renderStreamDescription(result))
    return result
  }
}
