import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../lib/cli/base-command.js'
import type {TranslateApplicationResult} from '../../lib/flink/index.js'

export type AppTranslateResult = TranslateApplicationResult

export default class AppTranslate extends BaseCommand {
  static override args = {
    sql: Args.string({description: 'The application: a KDA SQL file.', required: true}),
  }

  static override description = `Writes a Kinesis Data Analytics for SQL application as Flink SQL for Amazon Managed Service for Apache Flink (Studio notebooks) or any Flink SQL client or gateway: the input becomes a Kinesis connector table, each result stream a Kinesis or Firehose table, each in-application stream that pumps read a view, and every pump an INSERT in one EXECUTE STATEMENT SET.

KDA for SQL was retired by Amazon (no new applications since 2025-10-15, deleted from 2026-01-27); this is the way to Managed Flink. Where Flink behaves differently (stagger windows, RANDOM_CUT_FOREST, LAG ... IGNORE NULLS, ROWTIME as processing time), the SQL carries a -- NOTE: at the statement and a warning is printed on stderr. Source column types come from --schema, or APP.schema.json beside the SQL.`

  static override examples = [
    '<%= config.bin %> app translate templates/sql/web-metrics.sql --to flink --input kinesis:clicks --output DESTINATION_SQL_STREAM=kinesis:metrics --region eu-west-1',
    '<%= config.bin %> app translate templates/sql/stagger-sessions.sql --to flink --out sessions.flink.sql',
    '<%= config.bin %> app translate my-app.sql --to flink --schema my-app.schema.json --json',
  ]

  static override flags = {
    input: Flags.string({description: 'The Kinesis data stream the application reads: kinesis:NAME (default: the KDA input stream name).'}),
    out: Flags.string({description: 'Write the Flink SQL to this file instead of stdout.'}),
    output: Flags.string({description: 'Where a result stream goes: STREAM=kinesis:NAME or STREAM=firehose:NAME (repeatable).', multiple: true}),
    region: Flags.string({description: "AWS Region for the connector tables (default: AWS_REGION, else us-east-1)."}),
    schema: Flags.string({description: 'KDA InputSchema JSON for the input columns (default: APP.schema.json beside the SQL).'}),
    to: Flags.string({description: 'The target dialect.', options: ['flink'], required: true}),
  }

  static override summary = 'Translate a KDA SQL application to Flink SQL.'

  async run(): Promise<AppTranslateResult> {
    const {args, flags} = await this.parse(AppTranslate)
    const {formatFlinkWarning, translateApplication} = await import('../../lib/flink/index.js')
    const result = await translateApplication({
      sqlFile: args.sql,
      to: 'flink',
      input: flags.input,
      outputs: flags.output,
      region: flags.region,
      schemaFile: flags.schema,
      out: flags.out,
    })
    if (!this.jsonEnabled()) {
      for (const warning of result.warnings) this.warnUser(formatFlinkWarning(warning, args.sql))
      if (result.out === null) process.stdout.write(result.sql)
      else process.stderr.write(`Wrote ${result.out} (${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}).\n`)
    }
    return result
  }
}
