import {availableParallelism} from 'node:os'
import {Args, Flags} from '@oclif/core'
import {awsFlags, BaseCommand, workspaceFlag} from '../lib/cli/base-command.js'
import {isInteractive} from '../lib/cli/render.js'
import {parseSpeed} from '../lib/core/units.js'
import type {ReplayResult as ReplayServiceResult} from '../lib/replay/replay.js'
import {parseTarget, TARGET_SYNTAX} from '../lib/targets/spec.js'

export type ReplayResult = ReplayServiceResult

export default class Replay extends BaseCommand {
  static override args = {
    file: Args.string({description: 'Access-log files or patterns (access_log*, logs/*.gz); - reads standard input.', required: true}),
  }

  static override description = `Reads Apache/NCSA access logs (common or combined, with or without the unicorn shop's cookie field; .gz too) and sends each request to a target, as the Kinesis Agent ships a web server's log, but as a run that ends with a count: every line read is delivered, failed (refused by the target after retries) or rejected (not a request; --errors lists each with its line and reason).

Each record's time is the log line's own time, so local streams, the lake's hour folders and ROWTIME windows follow the log. --speed 1 replays at the log's pace, --speed 60 an hour a minute; the default sends as fast as the target takes them.

--transform json writes the unicorn shop Lambda's JSON document (host, ident, authuser, @timestamp, request, response, bytes, referer, user-agent, username, verb, timezone, @timestamp_utc) with numbers as numbers and no quotes left in values; raw sends the lines as they are.

--checkpoint FILE resumes after a crash (even kill -9) where the last run stopped: into local streams exactly once, elsewhere at least once (only the batch in flight can repeat). Re-running with the same checkpoint on a grown file sends only the new lines. --follow keeps reading as the file grows, through rotation and truncation, until Ctrl-C.

When records go to standard output, the summary goes to standard error.`

  static override examples = [
    '<%= config.bin %> replay access_log --to local:web',
    '<%= config.bin %> replay /var/log/httpd/access_log* --transform json --to firehose:webserver_stream --region ap-southeast-2',
    "<%= config.bin %> replay 'logs/*.gz' --transform json --to file:out/access.ndjson --errors rejected.ndjson",
    '<%= config.bin %> replay access_log --speed 60 --to local:web',
    '<%= config.bin %> replay /var/log/httpd/access_log --follow --from end --checkpoint replay.checkpoint --to kinesis:clickstream',
    'zcat access_log.1.gz | <%= config.bin %> replay - --transform json | head',
  ]

  static override flags = {
    checkpoint: Flags.string({description: 'Keep the replay position in this file and resume from it (exactly once into local streams).'}),
    'dead-letter': Flags.string({description: 'File for records the target refused after every retry (NDJSON).'}),
    errors: Flags.string({description: 'Write every line that is not a request here (NDJSON: file, line, column, reason, text).'}),
    follow: Flags.boolean({description: 'Keep reading as the file grows, like tail -F (survives rotation and truncation); stop with Ctrl-C.', default: false}),
    from: Flags.string({description: 'Where a file without checkpoint starts: start, or (with --follow) end.', options: ['start', 'end'], default: 'start'}),
    'partition-key': Flags.string({description: 'Document field that routes records to shards (host, username, verb, …), or random.', default: 'host'}),
    speed: Flags.string({description: 'Pace: 1 replays at the log\'s own pace, N is N times faster, max as fast as the target takes.', default: 'max'}),
    to: Flags.string({description: `Where records go: ${TARGET_SYNTAX}.`, default: '-'}),
    transform: Flags.string({description: 'raw sends the log lines; json sends the unicorn shop\'s JSON document.', options: ['raw', 'json'], default: 'raw'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override strict = false

  static override summary = 'Send access-log files to a stream, a file or the lake, at their own pace or as fast as possible.'

  private recordsOnStdout = false

  async run(): Promise<ReplayResult> {
    const {argv, flags} = await this.parse(Replay)
    const to = parseTarget(flags.to, '--to')
    this.recordsOnStdout = to.kind === 'stdio'
    const speed = parseSpeed(flags.speed, '--speed')
    const ctx = this.targetContext(flags)
    // Records printed on the same terminal would tear the bar apart.
    const showBar = !this.jsonEnabled() && isInteractive(process.stderr) && !(this.recordsOnStdout && process.stdout.isTTY)
    const {openProgressBar, renderReplaySummary} = await import('../lib/replay/render.js')
    const bar = showBar ? await openProgressBar(process.stderr) : undefined
    const {replay} = await import('../lib/replay/replay.js')
    let result: ReplayResult
    try {
      result = await this.interruptible((signal) =>
        replay(
        {
          files: argv as string[],
          cwd: process.cwd(),
          to,
          transform: flags.transform as 'raw' | 'json',
          speed,
          follow: flags.follow,
          from: flags.from as 'start' | 'end',
          checkpoint: flags.checkpoint,
          errors: flags.errors,
          partitionKey: flags['partition-key'],
          deadLetter: flags['dead-letter'],
          // One parsing thread per core: the main thread then only reads and writes bytes.
          workers: Math.min(4, availableParallelism()),
          signal,
          onProgress: bar ? (p) => bar.update(p) : undefined,
        },
        ctx,
      ),
      )
    } finally {
      bar?.stop()
    }
    if (!this.jsonEnabled()) process.stderr.write(`${renderReplaySummary(result)}\n`)
    return result
  }

  /** With records on stdout, the JSON summary goes to stderr so stdout carries only records. */
  protected override logJson(json: unknown): void {
    if (this.recordsOnStdout) process.stderr.write(`${JSON.stringify(json, null, 2)}\n`)
    else super.logJson(json)
  }
}
