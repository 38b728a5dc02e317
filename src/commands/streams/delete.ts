import {Args} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {deleteStreamService, parseStreamName} from '../../lib/targets/stream-admin.js'

export interface StreamsDeleteResult {
  kind: 'local' | 'kinesis'
  name: string
  deleted: true
}

export default class StreamsDelete extends BaseCommand {
  static override args = {
    stream: Args.string({description: 'NAME or local:NAME (a local stream), or kinesis:NAME|ARN.', required: true}),
  }

  static override description = 'Deletes a local stream and all its records, or a Kinesis data stream (Kinesis finishes deleting it in the background).'

  static override examples = ['<%= config.bin %> streams delete web', '<%= config.bin %> streams delete kinesis:clickstream --region eu-west-1']

  static override flags = {
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Delete a local or Kinesis stream.'

  async run(): Promise<StreamsDeleteResult> {
    const {args, flags} = await this.parse(StreamsDelete)
    const stream = parseStreamName(args.stream)
    await deleteStreamService(stream, this.targetContext(flags))
    if (!this.jsonEnabled()) this.log(`Deleted ${stream.kind}:${stream.name}.`)
    return {kind: stream.kind, name: stream.name, deleted: true}
  }
}
