import type {ApplicationDetail, Input, InputUpdate, Output, OutputUpdate, SourceSchema} from '@aws-sdk/client-kinesis-analytics'
import type {AwsSettings} from '../aws/settings.js'
import type {Clock} from '../core/clock.js'
import {InputError, UsageError} from '../core/errors.js'
import {streamsRead} from '../flink/queries.js'
import {parseScript} from '../sql/parser.js'
import type {TargetSpec} from '../targets/spec.js'
import {destinationArn, parseRoleArn, streamArn, type KdaDestination} from './arns.js'
import {openKdaApi, type KdaApi} from './client.js'
import {normalizeInputSchema} from './schema.js'
import {applicationStatus, type KdaApplicationStatus} from './status.js'

/** KDA's limits for a SQL application (dev/limits). */
export const KDA_MAX_CODE_BYTES = 102_400
export const KDA_MAX_OUTPUTS = 3
/** The console's default: the input feeds the in-application stream SOURCE_SQL_STREAM_001. */
export const KDA_INPUT_NAME_PREFIX = 'SOURCE_SQL_STREAM'

const APPLICATION_NAME = /^[A-Za-z0-9_.-]{1,128}$/
const IN_APP_STREAM = /^.{1,32}$/

export interface KdaOutputSpec {
  /** The in-application stream whose rows go out, as the SQL names it (case-sensitive). */
  stream: string
  /** `kinesis:NAME|ARN`, `firehose:NAME|ARN` or `lambda:ARN`. */
  target: string
  format: 'JSON' | 'CSV'
}

export interface KdaDeployOptions {
  name: string
  sql: string
  input: TargetSpec
  roleArn: string
  /** KDA InputSchema JSON as the user's --schema file holds it; discovered from the stream when absent. */
  schema?: unknown
  /** Where the schema came from, for error messages (the --schema file's path). */
  schemaFile?: string
  outputs: KdaOutputSpec[]
  aws: AwsSettings
  /** Deploy itself does not wait (CreateApplication returns at once); every KDA call takes the same context. */
  clock: Clock
}

export interface KdaDeployResult {
  runtime: 'kda'
  action: 'created' | 'updated'
  name: string
  arn: string
  /** From --schema, kept from the deployed application (an update without --schema), or discovered by sampling the stream. */
  schemaSource: 'file' | 'existing' | 'discovered'
  input: {source: KdaDestination; namePrefix: string; columns: number; format: 'JSON' | 'CSV'}
  outputs: Array<{stream: string; destination: KdaDestination; format: 'JSON' | 'CSV'; change: 'added' | 'updated'}>
  /** Outputs the application had that this deploy no longer lists (their in-application stream names). */
  removedOutputs: string[]
  application: KdaApplicationStatus
}

interface ResolvedOutput {
  stream: string
  destination: KdaDestination
  format: 'JSON' | 'CSV'
}

function validate(options: KdaDeployOptions): void {
  if (!APPLICATION_NAME.test(options.name)) {
    throw new UsageError(`--name '${options.name}': a KDA application name is 1-128 letters, digits, _ . or -.`)
  }
  if (options.sql.trim() === '') throw new InputError('The SQL file is empty: a KDA application needs at least one CREATE STREAM and CREATE PUMP.')
  const bytes = Buffer.byteLength(options.sql, 'utf8')
  if (bytes > KDA_MAX_CODE_BYTES) {
    throw new InputError(`The SQL is ${bytes} bytes; KDA takes at most ${KDA_MAX_CODE_BYTES} bytes of application code.`, {
      suggestions: ['Remove comments or split the application; or run it with --runtime local, which has no such limit.'],
    })
  }
  if (options.outputs.length > KDA_MAX_OUTPUTS) {
    throw new UsageError(`${options.outputs.length} outputs given; a KDA application has at most ${KDA_MAX_OUTPUTS}.`)
  }
  const streams = new Set<string>()
  for (const output of options.outputs) {
    if (!IN_APP_STREAM.test(output.stream)) throw new UsageError(`--output '${output.stream}': an in-application stream name is 1-32 characters.`)
    if (streams.has(output.stream)) throw new UsageError(`--output names the stream ${output.stream} twice; KDA sends each in-application stream to one destination.`)
    streams.add(output.stream)
  }
}

function sourceInput(source: KdaDestination, roleArn: string, schema: SourceSchema, namePrefix: string): Input {
  const reference = {ResourceARN: source.arn, RoleARN: roleArn}
  return {
    NamePrefix: namePrefix,
    InputSchema: schema,
    ...(source.kind === 'kinesis' ? {KinesisStreamsInput: reference} : {KinesisFirehoseInput: reference}),
  }
}

function destinationOutput(output: ResolvedOutput, roleArn: string): Output {
  const reference = {ResourceARN: output.destination.arn, RoleARN: roleArn}
  const base = {Name: output.stream, DestinationSchema: {RecordFormatType: output.format}}
  switch (output.destination.kind) {
    case 'kinesis':
      return {...base, KinesisStreamsOutput: reference}
    case 'firehose':
      return {...base, KinesisFirehoseOutput: reference}
    case 'lambda':
      return {...base, LambdaOutput: reference}
  }
}

function outputUpdate(outputId: string, output: ResolvedOutput, roleArn: string): OutputUpdate {
  const reference = {ResourceARNUpdate: output.destination.arn, RoleARNUpdate: roleArn}
  const base: OutputUpdate = {OutputId: outputId, NameUpdate: output.stream, DestinationSchemaUpdate: {RecordFormatType: output.format}}
  switch (output.destination.kind) {
    case 'kinesis':
      return {...base, KinesisStreamsOutputUpdate: reference}
    case 'firehose':
      return {...base, KinesisFirehoseOutputUpdate: reference}
    case 'lambda':
      return {...base, LambdaOutputUpdate: reference}
  }
}

function inputUpdate(inputId: string, source: KdaDestination, roleArn: string, schema: SourceSchema, namePrefix: string): InputUpdate {
  const reference = {ResourceARNUpdate: source.arn, RoleARNUpdate: roleArn}
  return {
    InputId: inputId,
    NamePrefixUpdate: namePrefix,
    InputSchemaUpdate: {
      RecordFormatUpdate: schema.RecordFormat,
      RecordEncodingUpdate: schema.RecordEncoding,
      RecordColumnUpdates: schema.RecordColumns,
    },
    ...(source.kind === 'kinesis' ? {KinesisStreamsInputUpdate: reference} : {KinesisFirehoseInputUpdate: reference}),
  }
}

async function inputSchema(
  api: KdaApi,
  options: KdaDeployOptions,
  source: KdaDestination,
  existing: ApplicationDetail | undefined,
): Promise<{schema: SourceSchema; namePrefix?: string; from: KdaDeployResult['schemaSource']}> {
  if (options.schema !== undefined) return {...normalizeInputSchema(options.schema, options.schemaFile), from: 'file'}
  // A deployed schema may carry the user's edits (a widened VARCHAR, a TIMESTAMP): keep it.
  const deployed = existing?.InputDescriptions?.[0]?.InputSchema
  if (deployed?.RecordColumns?.length) return {...normalizeInputSchema(deployed), from: 'existing'}
  // Firehose delivery streams can only be sampled from NOW; Kinesis streams from what they hold.
  const position = source.kind === 'firehose' ? 'NOW' : 'TRIM_HORIZON'
  const discovered = await api.discoverSchema({resourceArn: source.arn, roleArn: options.roleArn, position})
  return {...normalizeInputSchema(discovered), from: 'discovered'}
}

/**
 * The input's NamePrefix: the schema file's, else the one the SQL reads (`WASA_001` → `WASA`, as
 * the web-analytics workshop names it), else KDA's console default SOURCE_SQL_STREAM.
 */
function inputNamePrefix(sql: string, fromSchema: string | undefined): string {
  if (fromSchema) return fromSchema
  try {
    const script = parseScript(sql)
    const created = new Set(script.statements.flatMap((s) => (s.type === 'createStream' ? [s.name] : [])))
    for (const statement of script.statements) {
      if (statement.type !== 'createPump') continue
      const source = streamsRead(statement.query).find((name) => !created.has(name) && /_001$/.test(name))
      if (source) return source.slice(0, -'_001'.length)
    }
  } catch {
    // SQL this parser cannot read is KDA's to judge (CreateApplication reports it); keep the default.
  }
  return KDA_INPUT_NAME_PREFIX
}

/**
 * Creates the KDA SQL application, or brings an existing one of that name to this definition:
 * UpdateApplication (with DescribeApplication's current version id) for the code, the input and
 * the outputs it already has, then AddApplicationOutput / DeleteApplicationOutput for outputs
 * added or dropped — each change bumps the version, so it is read again before the next one.
 */
export async function deployKdaApplication(options: KdaDeployOptions): Promise<KdaDeployResult> {
  validate(options)
  const role = parseRoleArn(options.roleArn)
  const api = await openKdaApi(options.aws, 'deploying', options.name)
  const arnContext = {...role, region: api.region}
  const source = streamArn(options.input, arnContext, '--input')
  const outputs: ResolvedOutput[] = options.outputs.map((o) => ({
    stream: o.stream,
    format: o.format,
    destination: destinationArn(o.target, arnContext, `--output ${o.stream}`),
  }))

  const existing = await api.find(options.name)
  const {schema, from, namePrefix: schemaPrefix} = await inputSchema(api, options, source, existing)
  const namePrefix = inputNamePrefix(options.sql, schemaPrefix)
  const input = {source, namePrefix, columns: schema.RecordColumns?.length ?? 0, format: schema.RecordFormat?.RecordFormatType ?? 'JSON'}

  if (!existing) {
    await api.create({
      name: options.name,
      description: 'Deployed by clickstream app deploy',
      code: options.sql,
      inputs: [sourceInput(source, role.roleArn, schema, namePrefix)],
      outputs: outputs.map((o) => destinationOutput(o, role.roleArn)),
    })
    const detail = await api.describe(options.name)
    return {
      runtime: 'kda',
      action: 'created',
      name: options.name,
      arn: detail.ApplicationARN ?? '',
      schemaSource: from,
      input,
      outputs: outputs.map((o) => ({...o, change: 'added' as const})),
      removedOutputs: [],
      application: applicationStatus(detail),
    }
  }

  const detail = await updateApplication(api, existing, options.name, options.sql, role.roleArn, source, schema, namePrefix, outputs)
  const before = new Set((existing.OutputDescriptions ?? []).map((o) => o.Name))
  const wanted = new Set(outputs.map((o) => o.stream))
  return {
    runtime: 'kda',
    action: 'updated',
    name: options.name,
    arn: detail.ApplicationARN ?? '',
    schemaSource: from,
    input,
    outputs: outputs.map((o) => ({...o, change: before.has(o.stream) ? ('updated' as const) : ('added' as const)})),
    removedOutputs: (existing.OutputDescriptions ?? []).map((o) => o.Name ?? '').filter((n) => !wanted.has(n)),
    application: applicationStatus(detail),
  }
}

async function updateApplication(
  api: KdaApi,
  existing: ApplicationDetail,
  name: string,
  sql: string,
  roleArn: string,
  source: KdaDestination,
  schema: SourceSchema,
  namePrefix: string,
  outputs: ResolvedOutput[],
): Promise<ApplicationDetail> {
  const currentInput = existing.InputDescriptions?.[0]
  const currentOutputs = existing.OutputDescriptions ?? []
  const byName = new Map(currentOutputs.map((o) => [o.Name, o]))

  const updates: OutputUpdate[] = []
  const additions: ResolvedOutput[] = []
  for (const output of outputs) {
    const current = byName.get(output.stream)
    if (current?.OutputId) updates.push(outputUpdate(current.OutputId, output, roleArn))
    else additions.push(output)
  }
  const wanted = new Set(outputs.map((o) => o.stream))
  const removals = currentOutputs.filter((o) => o.OutputId && !wanted.has(o.Name ?? ''))

  await api.update(name, existing.ApplicationVersionId ?? 0, {
    ApplicationCodeUpdate: sql,
    ...(currentInput?.InputId ? {InputUpdates: [inputUpdate(currentInput.InputId, source, roleArn, schema, namePrefix)]} : {}),
    ...(updates.length > 0 ? {OutputUpdates: updates} : {}),
  })
  // Each later call needs the version the previous change produced.
  const version = async () => (await api.describe(name)).ApplicationVersionId ?? 0
  if (!currentInput?.InputId) await api.addInput(name, await version(), sourceInput(source, roleArn, schema, namePrefix))
  // Removals before additions: the application never holds more than KDA's three outputs.
  for (const removal of removals) await api.deleteOutput(name, await version(), removal.OutputId!)
  for (const addition of additions) await api.addOutput(name, await version(), destinationOutput(addition, roleArn))
  return api.describe(name)
}
