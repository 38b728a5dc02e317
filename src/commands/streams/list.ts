import {Flags} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {listStreamsService, type ListKind, type StreamSummary} from '../../lib/targets/stream-admin.js'
import {renderStreamList} from '../../lib/targets/stream-render.js'

export interface StreamsListResult {
  streams: StreamSummary[]
}

export default class StreamsList extends BaseCommand {
  static override description = 'Lists the local streams of the workspace; with --kind kinesis (or all), the Kinesis data streams of the account and Region too.'

  static override examples = [
    '<%= config.bin %> streams list',
    '<%= config.bin %> streams list --kind all --region eu-west-1',
    '<%= config.bin %> streams list --kind kinesis --endpoint-url http://localhost:4567 --json',
  ]

  static override flags = {
    kind: Flags.string({description: 'Which streams to list.', options: ['local', 'kinesis', 'all'], default: 'local'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'List local and Kinesis streams.'

  async run(): Promise<StreamsListResult> {
    const {flags} = await this.parse(StreamsList)
    const streams = await listStreamsService(flags.kind as ListKind, this.targetContext(flags))
    if (!this.jsonEnabled()) this.log(renderStreamList(streams))
    return {streams}
  }
}
