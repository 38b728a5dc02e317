import {
  AddApplicationInputCommand,
  AddApplicationOutputCommand,
  CreateApplicationCommand,
  DeleteApplicationOutputCommand,
  DescribeApplicationCommand,
  DiscoverInputSchemaCommand,
  ResourceNotFoundException,
  UpdateApplicationCommand,
  type ApplicationDetail,
} from '@aws-sdk/client-kinesis-analytics'
import {mockKda} from './kda-mock.js'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {InputError, UsageError} from '../../../src/lib/core/errors.js'
import {deployKdaApplication, type KdaDeployOptions} from '../../../src/lib/kda/index.js'

const kda = mockKda()
const ROLE = 'arn:aws:iam::123456789012:role/clickstream-kda'
const SQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (user_id INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM "user_id" FROM "SOURCE_SQL_STREAM_001";`

const SCHEMA = {
  RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
  RecordEncoding: 'UTF-8',
  RecordColumns: [
    {Name: 'user_id', SqlType: 'INTEGER', Mapping: '$.user_id'},
    {Name: 'client_event', SqlType: 'VARCHAR(32)', Mapping: '$.client_event'},
  ],
}

function options(overrides: Partial<KdaDeployOptions> = {}): KdaDeployOptions {
  return {
    name: 'sessions',
    sql: SQL,
    input: {kind: 'kinesis', name: 'clicks'},
    roleArn: ROLE,
    schema: SCHEMA,
    outputs: [{stream: 'DESTINATION_SQL_STREAM', target: 'firehose:sessions-to-s3', format: 'JSON'}],
    aws: {region: 'eu-west-1'},
    clock: new ManualClock(0, true),
    ...overrides,
  }
}

function detail(overrides: Partial<ApplicationDetail> = {}): ApplicationDetail {
  return {
    ApplicationName: 'sessions',
    ApplicationARN: 'arn:aws:kinesisanalytics:eu-west-1:123456789012:application/sessions',
    ApplicationStatus: 'READY',
    ApplicationVersionId: 1,
    CreateTimestamp: new Date('2025-06-01T10:00:00Z'),
    ApplicationCode: SQL,
    ...overrides,
  }
}

const notFound = () => new ResourceNotFoundException({message: 'Application sessions not found', $metadata: {}})

beforeEach(() => kda.reset())
afterEach(() => kda.reset())

describe('deployKdaApplication: a new application', () => {
  it('sends the SQL, the Kinesis input with its schema and NamePrefix, and the Firehose output', async () => {
    kda.on(DescribeApplicationCommand).rejectsOnce(notFound()).resolves({ApplicationDetail: detail()})
    kda.on(CreateApplicationCommand).resolves({ApplicationSummary: {ApplicationName: 'sessions', ApplicationARN: 'arn:x', ApplicationStatus: 'READY'}})

    const result = await deployKdaApplication(options())

    const create = kda.commandCalls(CreateApplicationCommand)
    expect(create).toHaveLength(1)
    expect(create[0].args[0].input).toEqual({
      ApplicationName: 'sessions',
      ApplicationDescription: 'Deployed by clickstream app deploy',
      ApplicationCode: SQL,
      Inputs: [
        {
          NamePrefix: 'SOURCE_SQL_STREAM',
          InputSchema: SCHEMA,
          KinesisStreamsInput: {ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', RoleARN: ROLE},
        },
      ],
      Outputs: [
        {
          Name: 'DESTINATION_SQL_STREAM',
          DestinationSchema: {RecordFormatType: 'JSON'},
          KinesisFirehoseOutput: {ResourceARN: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/sessions-to-s3', RoleARN: ROLE},
        },
      ],
    })
    expect(result).toMatchObject({runtime: 'kda', action: 'created', name: 'sessions', schemaSource: 'file', removedOutputs: []})
    expect(result.input).toEqual({
      source: {kind: 'kinesis', arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks'},
      namePrefix: 'SOURCE_SQL_STREAM',
      columns: 2,
      format: 'JSON',
    })
    expect(result.application.status).toBe('READY')
  })

  it.each([
    ['kinesis:metrics', 'CSV', {KinesisStreamsOutput: {ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/metrics', RoleARN: ROLE}}],
    [
      'lambda:arn:aws:lambda:eu-west-1:123456789012:function:process-metrics',
      'JSON',
      {LambdaOutput: {ResourceARN: 'arn:aws:lambda:eu-west-1:123456789012:function:process-metrics', RoleARN: ROLE}},
    ],
    [
      'firehose:arn:aws:firehose:us-east-2:210987654321:deliverystream/elsewhere',
      'JSON',
      {KinesisFirehoseOutput: {ResourceARN: 'arn:aws:firehose:us-east-2:210987654321:deliverystream/elsewhere', RoleARN: ROLE}},
    ],
  ] as const)('an output to %s in %s names its destination', async (target, format, destination) => {
    kda.on(DescribeApplicationCommand).rejectsOnce(notFound()).resolves({ApplicationDetail: detail()})
    kda.on(CreateApplicationCommand).resolves({})
    await deployKdaApplication(options({outputs: [{stream: 'METRICS', target, format}]}))
    expect(kda.commandCalls(CreateApplicationCommand)[0].args[0].input.Outputs).toEqual([
      {Name: 'METRICS', DestinationSchema: {RecordFormatType: format}, ...destination},
    ])
  })

  it('reads a Firehose input as KinesisFirehoseInput', async () => {
    kda.on(DescribeApplicationCommand).rejectsOnce(notFound()).resolves({ApplicationDetail: detail()})
    kda.on(CreateApplicationCommand).resolves({})
    await deployKdaApplication(options({input: {kind: 'firehose', name: 'weblogs'}, outputs: []}))
    const input = kda.commandCalls(CreateApplicationCommand)[0].args[0].input.Inputs![0]
    expect(input.KinesisFirehoseInput).toEqual({ResourceARN: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/weblogs', RoleARN: ROLE})
    expect(input.KinesisStreamsInput).toBeUndefined()
  })

  it.each([
    ['the stream the SQL reads', `CREATE STREAM "OUT" (n BIGINT);\nCREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM COUNT(*) FROM "WASA_001" GROUP BY STEP("WASA_001".ROWTIME BY INTERVAL '10' SECOND);`, SCHEMA, 'WASA'],
    ["the schema file's NamePrefix", SQL, {NamePrefix: 'CLICKS', ...SCHEMA}, 'CLICKS'],
    ["KDA's default", SQL, SCHEMA, 'SOURCE_SQL_STREAM'],
  ])('takes the input NamePrefix from %s', async (_case, sql, schema, prefix) => {
    kda.on(DescribeApplicationCommand).rejectsOnce(notFound()).resolves({ApplicationDetail: detail()})
    kda.on(CreateApplicationCommand).resolves({})
    const result = await deployKdaApplication(options({sql, schema}))
    expect(kda.commandCalls(CreateApplicationCommand)[0].args[0].input.Inputs![0].NamePrefix).toBe(prefix)
    expect(result.input.namePrefix).toBe(prefix)
  })

  it('discovers the schema from the live stream when none is given', async () => {
    kda.on(DescribeApplicationCommand).rejectsOnce(notFound()).resolves({ApplicationDetail: detail()})
    kda.on(DiscoverInputSchemaCommand).resolves({InputSchema: SCHEMA as never})
    kda.on(CreateApplicationCommand).resolves({})

    const result = await deployKdaApplication(options({schema: undefined}))

    expect(kda.commandCalls(DiscoverInputSchemaCommand)[0].args[0].input).toEqual({
      ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks',
      RoleARN: ROLE,
      InputStartingPositionConfiguration: {InputStartingPosition: 'TRIM_HORIZON'},
    })
    expect(kda.commandCalls(CreateApplicationCommand)[0].args[0].input.Inputs![0].InputSchema).toEqual(SCHEMA)
    expect(result.schemaSource).toBe('discovered')
  })

  it('says what to do when discovery finds nothing on the stream', async () => {
    kda.on(DescribeApplicationCommand).rejects(notFound())
    kda.on(DiscoverInputSchemaCommand).resolves({InputSchema: undefined})
    const error = await deployKdaApplication(options({schema: undefined})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).suggestions.join(' ')).toMatch(/--schema FILE/)
    expect(kda.commandCalls(CreateApplicationCommand)).toHaveLength(0)
  })
})

describe('deployKdaApplication: an existing application', () => {
  const existing = detail({
    ApplicationVersionId: 7,
    InputDescriptions: [
      {
        InputId: '1.1',
        NamePrefix: 'SOURCE_SQL_STREAM',
        KinesisStreamsInputDescription: {ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', RoleARN: ROLE},
        InputSchema: SCHEMA as never,
      },
    ],
    OutputDescriptions: [
      {OutputId: '2.1', Name: 'DESTINATION_SQL_STREAM', KinesisFirehoseOutputDescription: {ResourceARN: 'arn:old'}, DestinationSchema: {RecordFormatType: 'CSV'}},
      {OutputId: '2.2', Name: 'OLD_STREAM', KinesisStreamsOutputDescription: {ResourceARN: 'arn:older'}, DestinationSchema: {RecordFormatType: 'JSON'}},
    ],
  })

  it('updates code, input and outputs with the current version id, then drops and adds outputs version by version', async () => {
    kda
      .on(DescribeApplicationCommand)
      .resolvesOnce({ApplicationDetail: existing})
      .resolvesOnce({ApplicationDetail: {...existing, ApplicationVersionId: 8}})
      .resolvesOnce({ApplicationDetail: {...existing, ApplicationVersionId: 9}})
      .resolves({ApplicationDetail: {...existing, ApplicationVersionId: 10}})
    kda.on(UpdateApplicationCommand).resolves({})
    kda.on(DeleteApplicationOutputCommand).resolves({})
    kda.on(AddApplicationOutputCommand).resolves({})
    const newSql = `${SQL}\n-- v2`

    const result = await deployKdaApplication(
      options({
        sql: newSql,
        outputs: [
          {stream: 'DESTINATION_SQL_STREAM', target: 'firehose:sessions-to-s3', format: 'JSON'},
          {stream: 'ERRORS', target: 'kinesis:errors', format: 'CSV'},
        ],
      }),
    )

    const update = kda.commandCalls(UpdateApplicationCommand)
    expect(update).toHaveLength(1)
    expect(update[0].args[0].input).toEqual({
      ApplicationName: 'sessions',
      CurrentApplicationVersionId: 7,
      ApplicationUpdate: {
        ApplicationCodeUpdate: newSql,
        InputUpdates: [
          {
            InputId: '1.1',
            NamePrefixUpdate: 'SOURCE_SQL_STREAM',
            InputSchemaUpdate: {RecordFormatUpdate: SCHEMA.RecordFormat, RecordEncodingUpdate: 'UTF-8', RecordColumnUpdates: SCHEMA.RecordColumns},
            KinesisStreamsInputUpdate: {ResourceARNUpdate: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', RoleARNUpdate: ROLE},
          },
        ],
        OutputUpdates: [
          {
            OutputId: '2.1',
            NameUpdate: 'DESTINATION_SQL_STREAM',
            DestinationSchemaUpdate: {RecordFormatType: 'JSON'},
            KinesisFirehoseOutputUpdate: {ResourceARNUpdate: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/sessions-to-s3', RoleARNUpdate: ROLE},
          },
        ],
      },
    })
    expect(kda.commandCalls(DeleteApplicationOutputCommand)[0].args[0].input).toEqual({
      ApplicationName: 'sessions',
      CurrentApplicationVersionId: 8,
      OutputId: '2.2',
    })
    expect(kda.commandCalls(AddApplicationOutputCommand)[0].args[0].input).toEqual({
      ApplicationName: 'sessions',
      CurrentApplicationVersionId: 9,
      Output: {
        Name: 'ERRORS',
        DestinationSchema: {RecordFormatType: 'CSV'},
        KinesisStreamsOutput: {ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/errors', RoleARN: ROLE},
      },
    })
    expect(kda.commandCalls(CreateApplicationCommand)).toHaveLength(0)
    expect(result).toMatchObject({action: 'updated', schemaSource: 'file', removedOutputs: ['OLD_STREAM']})
    expect(result.outputs.map((o) => [o.stream, o.change])).toEqual([
      ['DESTINATION_SQL_STREAM', 'updated'],
      ['ERRORS', 'added'],
    ])
    expect(result.application.version).toBe(10)
  })

  it('keeps the deployed schema when no --schema is given (no discovery)', async () => {
    kda.on(DescribeApplicationCommand).resolves({ApplicationDetail: existing})
    kda.on(UpdateApplicationCommand).resolves({})
    kda.on(DeleteApplicationOutputCommand).resolves({})
    const result = await deployKdaApplication(options({schema: undefined}))
    expect(kda.commandCalls(DiscoverInputSchemaCommand)).toHaveLength(0)
    expect(result.schemaSource).toBe('existing')
  })

  it('adds the input when the application has none', async () => {
    const bare = detail({ApplicationVersionId: 3})
    kda.on(DescribeApplicationCommand).resolvesOnce({ApplicationDetail: bare}).resolves({ApplicationDetail: {...bare, ApplicationVersionId: 4}})
    kda.on(UpdateApplicationCommand).resolves({})
    kda.on(AddApplicationInputCommand).resolves({})
    await deployKdaApplication(options({outputs: []}))
    expect(kda.commandCalls(UpdateApplicationCommand)[0].args[0].input.ApplicationUpdate?.InputUpdates).toBeUndefined()
    expect(kda.commandCalls(AddApplicationInputCommand)[0].args[0].input).toMatchObject({
      CurrentApplicationVersionId: 4,
      Input: {NamePrefix: 'SOURCE_SQL_STREAM', KinesisStreamsInput: {ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks'}},
    })
  })
})

describe('deployKdaApplication: checks made before any AWS call', () => {
  it.each([
    ['a role ARN that is not one', {roleArn: 'clickstream-kda'}, UsageError, /not an IAM role ARN/],
    ['an input that is not a stream', {input: {kind: 'local', name: 'clicks'}}, UsageError, /Kinesis data stream or a Firehose/],
    ['an application name KDA refuses', {name: 'my app'}, UsageError, /application name/],
    ['four outputs', {outputs: ['A', 'B', 'C', 'D'].map((s) => ({stream: s, target: 'kinesis:x', format: 'JSON' as const}))}, UsageError, /at most 3/],
    ['the same stream twice', {outputs: ['A', 'A'].map((s) => ({stream: s, target: 'kinesis:x', format: 'JSON' as const}))}, UsageError, /twice/],
    ['a lambda output without an ARN', {outputs: [{stream: 'A', target: 'lambda:process', format: 'JSON' as const}]}, UsageError, /Lambda function ARN/],
    ['empty SQL', {sql: '  \n'}, InputError, /empty/],
    ['SQL over 100 KB', {sql: `-- ${'x'.repeat(102_400)}`}, InputError, /at most 102400 bytes/],
    ['a stream name without a region', {aws: {}}, UsageError, /no AWS Region/],
  ] as Array<[string, Partial<KdaDeployOptions>, new (...args: never[]) => Error, RegExp]>)('rejects %s', async (_case, overrides, type, message) => {
    const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION]
    delete process.env.AWS_REGION
    delete process.env.AWS_DEFAULT_REGION
    try {
      kda.on(DescribeApplicationCommand).rejects(notFound())
      const error = await deployKdaApplication(options(overrides)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(type)
      expect((error as Error).message).toMatch(message)
      expect(kda.commandCalls(CreateApplicationCommand)).toHaveLength(0)
    } finally {
      if (saved[0] !== undefined) process.env.AWS_REGION = saved[0]
      if (saved[1] !== undefined) process.env.AWS_DEFAULT_REGION = saved[1]
    }
  })
})
