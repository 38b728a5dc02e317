import {Args, Flags} from '@oclif/core'
import {deployApplication, type DeployResult} from '../../lib/apps/lifecycle.js'
import {parseOutputFlag, type OutputFormat} from '../../lib/apps/output.js'
import {renderDeploy} from '../../lib/apps/render.js'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../../lib/cli/base-command.js'
import {InputError, UsageError} from '../../lib/core/errors.js'
import type {KdaDeployResult} from '../../lib/kda/index.js'
import {readTextFile} from '../../lib/apps/input.js'
import {parseTarget} from '../../lib/targets/spec.js'

export type AppDeployResult = (DeployResult & {runtime: 'local'}) | KdaDeployResult

export default class AppDeploy extends BaseCommand {
  static override args = {
    sql: Args.string({description: 'The application: a KDA SQL file.', required: true}),
  }

  static override description = `Validates a KDA SQL application and deploys it, to run with 'app start'.

On the local runtime (the default) the application is compiled against its input schema and stored in the workspace (apps/NAME/: app.json, app.sql; later status.json, checkpoint.json and worker.log). Without --schema the input stream is sampled to discover one, as the KDA console's "Discover schema" does. Without --output, every stream no pump reads from goes to a local stream named NAME-<stream>, e.g. lab-destination-sql-stream.

With --runtime kda the application is created (or updated) in Kinesis Data Analytics for SQL, which Amazon has retired: expect that call to fail on accounts that never used it.`

  static override examples = [
    '<%= config.bin %> app deploy templates/sql/sessionize-lab.sql --name lab --input local:lab-clicks --schema templates/sql/sessionize-lab.schema.json',
    '<%= config.bin %> app deploy templates/sql/stagger-sessions.sql --name sessions --input local:beverage --output DESTINATION_SQL_STREAM=local:sessions',
    '<%= config.bin %> app deploy app.sql --name web-metrics --runtime kda --input kinesis:clicks --role-arn arn:aws:iam::123456789012:role/kda --output DESTINATION_SQL_STREAM=kinesis:metrics',
  ]

  static override flags = {
    input: Flags.string({description: 'The stream the application reads: local:NAME (or kinesis:NAME).', required: true}),
    name: Flags.string({description: 'Application name (1-128 letters, digits, _ . -).', required: true}),
    output: Flags.string({description: 'Route an in-application stream (or error_stream) to a target: STREAM=TARGET. Repeatable.', multiple: true}),
    'output-format': Flags.string({description: 'Row format of the outputs, as KDA destinations offer.', options: ['json', 'csv'], default: 'json'}),
    'role-arn': Flags.string({description: 'IAM role KDA assumes to read the input and write the outputs (--runtime kda).'}),
    runtime: Flags.string({description: 'Where the application runs: the local worker, or AWS Kinesis Data Analytics.', options: ['local', 'kda'], default: 'local'}),
    schema: Flags.string({description: 'KDA InputSchema JSON file (default: APP.schema.json beside the SQL, else discovered by sampling the input).'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Validate and deploy a KDA SQL application.'

  async run(): Promise<AppDeployResult> {
    const {args, flags} = await this.parse(AppDeploy)
    const format: OutputFormat = flags['output-format'] === 'csv' ? 'CSV' : 'JSON'
    if (flags.runtime === 'kda') {
      if (!flags['role-arn']) throw new UsageError('--runtime kda needs --role-arn: the IAM role KDA assumes to read the input and write the outputs.')
      const {deployKdaApplication} = await import('../../lib/kda/index.js')
      const outputs = (flags.output ?? []).map((o) => {
        const eq = o.indexOf('=')
        if (eq <= 0) throw new UsageError(`--output '${o}': expected STREAM=TARGET, e.g. DESTINATION_SQL_STREAM=kinesis:sessions.`)
        return {stream: o.slice(0, eq), target: o.slice(eq + 1), format}
      })
      const schema = flags.schema === undefined ? undefined : parseJson(await readTextFile(flags.schema, 'input schema'), flags.schema)
      const result = await deployKdaApplication({
        name: flags.name,
        sql: await readTextFile(args.sql, 'application SQL'),
        input: parseTarget(flags.input, '--input'),
        roleArn: flags['role-arn'],
        schema,
        schemaFile: flags.schema,
        outputs,
        aws: awsSettings(flags),
        clock: this.clock,
      })
      if (!this.jsonEnabled()) this.log(`Deployed '${result.name}' to Kinesis Data Analytics (${result.action}): ${result.arn}`)
      return result
    }
    if (flags['role-arn']) throw new UsageError('--role-arn is for --runtime kda; the local runtime needs no role.')
    const result = await deployApplication({
      ctx: this.targetContext(flags),
      name: flags.name,
      sqlFile: args.sql,
      input: parseTarget(flags.input, '--input'),
      schemaFile: flags.schema,
      outputs: (flags.output ?? []).map((o) => ({...parseOutputFlag(o), format})),
    })
    if (!this.jsonEnabled()) this.log(renderDeploy(result))
    return {runtime: 'local', ...result}
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InputError(`input schema is not valid JSON: ${(error as Error).message}`, {location: {file}})
  }
}
