import {Args, Flags} from '@oclif/core'
import {runApplicationFile, type AppRunResult} from '../../lib/apps/run.js'
import {parseOutputFlag, type OutputFormat} from '../../lib/apps/output.js'
import {renderRunSummary} from '../../lib/apps/render.js'
import {awsFlags, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {parseTarget} from '../../lib/targets/spec.js'

export type AppRunCommandResult = AppRunResult

export default class AppRun extends BaseCommand {
  static override args = {
    sql: Args.string({description: 'The application: a KDA SQL file (CREATE STREAM / CREATE PUMP statements).', required: true}),
  }

  static override description = `Runs a Kinesis Data Analytics SQL application in this process, over any input, with KDA's semantics.

The input is mapped to the source in-application stream SOURCE_SQL_STREAM_001 (or <NamePrefix>_001) by a KDA InputSchema: --schema FILE, else APP.schema.json beside the SQL file, else one discovered from the first records as DiscoverInputSchema does. Records that cannot be mapped go to error_stream with the reason, and the run goes on.

ROWTIME is each record's arrival time (local streams keep the writer's record clock), or with --rowtime FIELD the value of that field (epoch milliseconds, ISO 8601 or YYYY-MM-DD HH:MM:SS, UTC).

Output rows are JSON objects keyed by the stream's column names (upper-case unless declared quoted), TIMESTAMPs as YYYY-MM-DD HH:MM:SS.mmm UTC. Without --output, every stream no pump reads from goes to stdout.

A file or stdin is read to its end, then every open window is closed and the run exits. A local or Kinesis stream is followed until Ctrl-C (--no-follow stops at its end); while it is idle, time still advances so windows close. The summary goes to stderr (with --json, as JSON; on stdout when no rows go there).`

  static override examples = [
    '<%= config.bin %> app run templates/sql/sessionize-lab.sql --from file:clicks.ndjson --rowtime event_timestamp',
    '<%= config.bin %> app run templates/sql/sessionize-lab.sql --from file:clicks.ndjson --rowtime event_timestamp --with-rowtime --output DESTINATION_SQL_STREAM=file:sessions.ndjson',
    '<%= config.bin %> app run templates/sql/stagger-sessions.sql --from local:beverage --output DESTINATION_SQL_STREAM=local:sessions --output error_stream=file:errors.ndjson',
    '<%= config.bin %> app run my-app.sql --from local:clicks --schema my-app.schema.json --no-follow',
  ]

  static override flags = {
    follow: Flags.boolean({description: 'Keep reading a local or Kinesis stream at its end (files and stdin always end).', default: true, allowNo: true}),
    from: Flags.string({description: 'Input: file:PATH, -, local:NAME or kinesis:NAME.', required: true}),
    output: Flags.string({description: 'Route an in-application stream (or error_stream) to a target: STREAM=TARGET. Repeatable.', multiple: true}),
    'output-format': Flags.string({description: 'Row format of the outputs, as KDA destinations offer.', options: ['json', 'csv'], default: 'json'}),
    rowtime: Flags.string({description: 'Take ROWTIME from this input field (a name, or a JSON path like $.ts) instead of the arrival time.'}),
    schema: Flags.string({description: 'KDA InputSchema JSON file (RecordFormat, RecordColumns with Name, SqlType, Mapping). Default: APP.schema.json beside the SQL, else discovered from the first records.'}),
    'with-rowtime': Flags.boolean({description: 'Add each row\'s ROWTIME to the output as a "ROWTIME" key.', default: false}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Run a KDA SQL application in the foreground.'

  private summaryToStderr = false

  async run(): Promise<AppRunCommandResult> {
    const {args, flags} = await this.parse(AppRun)
    const format: OutputFormat = flags['output-format'] === 'csv' ? 'CSV' : 'JSON'
    const outputs = (flags.output ?? []).map((o) => ({...parseOutputFlag(o), format}))
    this.summaryToStderr = outputs.length === 0 || outputs.some((o) => o.target.kind === 'stdio')
    return this.interruptible(async (signal) => {
      const result = await runApplicationFile({
        sqlFile: args.sql,
        from: parseTarget(flags.from, '--from'),
        schemaFile: flags.schema,
        rowtimeField: flags.rowtime,
        outputs,
        withRowtime: flags['with-rowtime'],
        follow: flags.follow,
        ctx: this.targetContext(flags),
        signal,
      })
      if (!this.jsonEnabled()) process.stderr.write(renderRunSummary(result) + '\n')
      return result
    })
  }

  /** Rows own stdout when they go there; the JSON summary then goes to stderr. */
  override logJson(json: unknown): void {
    if (this.summaryToStderr) process.stderr.write(JSON.stringify(json, null, 2) + '\n')
    else super.logJson(json)
  }
}
