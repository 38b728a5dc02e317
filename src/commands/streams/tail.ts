import {Args, Flags} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {parseTarget} from '../../lib/targets/spec.js'
import {tailTarget, type TailResult} from '../../lib/targets/tail.js'
import type {StartPosition} from '../../lib/targets/types.js'

export interface StreamsTailResult extends TailResult {
  /** With --json, the payloads read, in order. */
  payloads: string[]
}

export default class StreamsTail extends BaseCommand {
  static override args = {
    target: Args.string({description: 'What to read: NAME or local:NAME, kinesis:NAME|ARN, file:PATH, or - (stdin).', required: true}),
  }

  static override description = `Prints the payloads of a stream, one per line, then keeps printing new ones until Ctrl-C (--no-follow stops at the end).

Reads every shard. Kinesis streams are polled within their read limits (each shard at most five times a second, once a second when caught up). With --json the payloads are collected and printed in the result when the tail ends.`

  static override examples = [
    '<%= config.bin %> streams tail local:web',
    '<%= config.bin %> streams tail web --from latest',
    '<%= config.bin %> streams tail local:web --no-follow | wc -l',
    '<%= config.bin %> streams tail kinesis:clickstream --region eu-west-1 --from latest',
    '<%= config.bin %> streams tail file:events.ndjson.gz --no-follow',
  ]

  static override flags = {
    follow: Flags.boolean({description: 'Keep reading new records at the end (--no-follow: stop there).', default: true, allowNo: true}),
    from: Flags.string({description: 'Where to start: the oldest record kept, or the end.', options: ['trim-horizon', 'latest'], default: 'trim-horizon'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Print the records of a stream as they arrive.'

  async run(): Promise<StreamsTailResult> {
    const {args, flags} = await this.parse(StreamsTail)
    const spec = parseTarget(args.target.includes(':') || args.target === '-' ? args.target : `local:${args.target}`, 'TARGET')
    const payloads: string[] = []
    const result = await this.interruptible((signal) =>
      tailTarget(spec, this.targetContext(flags), {
        from: flags.from as StartPosition,
        follow: flags.follow,
        signal,
        ...(this.jsonEnabled() ? {collect: payloads} : {out: process.stdout}),
      }),
    )
    return {...result, payloads}
  }
}
