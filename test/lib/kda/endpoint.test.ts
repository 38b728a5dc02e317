import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {ExternalServiceError} from '../../../src/lib/core/errors.js'
import {deployKdaApplication, startKdaApplication} from '../../../src/lib/kda/index.js'

/**
 * The real SDK client, over HTTP, against a loopback endpoint that speaks the KDA JSON protocol
 * (X-Amz-Target: KinesisAnalytics_20150814.<Operation>). It proves the wire requests, the HTTP
 * handler from clientConfig() and the error decoding, which the client mocks cannot.
 */

interface Call {
  operation: string
  body: Record<string, unknown>
}

type Reply = {status: number; body: unknown}
let calls: Call[] = []
let replies: Record<string, Reply[]> = {}
let server: Server
let endpoint = ''
const ENV = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']
const saved: Record<string, string | undefined> = {}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (text += chunk))
    request.on('end', () => resolve(text))
  })
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '')
    const operation = target.replace('KinesisAnalytics_20150814.', '')
    const text = await body(request)
    calls.push({operation, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}})
    const queue = replies[operation] ?? []
    const reply = queue.length > 1 ? queue.shift()! : (queue[0] ?? {status: 400, body: {__type: 'InvalidArgumentException', message: `no reply for ${operation}`}})
    response.writeHead(reply.status, {'content-type': 'application/x-amz-json-1.1'})
    response.end(JSON.stringify(reply.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Fixed credentials, whatever the machine has configured (an AWS_PROFILE would take precedence).
  for (const name of ENV) saved[name] = process.env[name]
  delete process.env.AWS_PROFILE
  delete process.env.AWS_SESSION_TOKEN
  process.env.AWS_ACCESS_KEY_ID = 'test'
  process.env.AWS_SECRET_ACCESS_KEY = 'test'
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config'
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials'
})

afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

beforeEach(() => {
  calls = []
  replies = {}
})

const detail = (status: string) => ({
  status: 200,
  body: {
    ApplicationDetail: {
      ApplicationName: 'sessions',
      ApplicationARN: 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/sessions',
      ApplicationStatus: status,
      ApplicationVersionId: 1,
      CreateTimestamp: 1748772000,
      InputDescriptions: [{InputId: '1.1', NamePrefix: 'SOURCE_SQL_STREAM'}],
    },
  },
})

describe('against an endpoint speaking the KDA API', () => {
  it('deploy sends the SQL, the Kinesis input with its schema and NamePrefix, and the Firehose output', async () => {
    replies = {
      DescribeApplication: [{status: 400, body: {__type: 'ResourceNotFoundException', message: 'not found'}}, detail('READY')],
      CreateApplication: [{status: 200, body: {ApplicationSummary: {ApplicationName: 'sessions', ApplicationARN: 'arn', ApplicationStatus: 'READY'}}}],
    }
    const result = await deployKdaApplication({
      name: 'sessions',
      sql: 'CREATE STREAM "S" (a INTEGER);',
      input: {kind: 'kinesis', name: 'clicks'},
      roleArn: 'arn:aws:iam::123456789012:role/kda',
      schema: {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'a', SqlType: 'INTEGER', Mapping: '$.a'}]},
      outputs: [{stream: 'S', target: 'firehose:out', format: 'JSON'}],
      aws: {region: 'us-east-1', endpointUrl: endpoint},
      clock: new ManualClock(0, true),
    })
    expect(calls.map((c) => c.operation)).toEqual(['DescribeApplication', 'CreateApplication', 'DescribeApplication'])
    const create = calls[1].body
    expect(create.ApplicationCode).toBe('CREATE STREAM "S" (a INTEGER);')
    expect(create.Inputs).toEqual([
      {
        NamePrefix: 'SOURCE_SQL_STREAM',
        InputSchema: {
          RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
          RecordEncoding: 'UTF-8',
          RecordColumns: [{Name: 'a', SqlType: 'INTEGER', Mapping: '$.a'}],
        },
        KinesisStreamsInput: {ResourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks', RoleARN: 'arn:aws:iam::123456789012:role/kda'},
      },
    ])
    expect(create.Outputs).toEqual([
      {
        Name: 'S',
        DestinationSchema: {RecordFormatType: 'JSON'},
        KinesisFirehoseOutput: {ResourceARN: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/out', RoleARN: 'arn:aws:iam::123456789012:role/kda'},
      },
    ])
    expect(result.application.createdAt).toBe('2025-06-01T10:00:00.000Z')
  })

  it('start sends the input configurations and waits for RUNNING', async () => {
    replies = {
      DescribeApplication: [detail('READY'), detail('STARTING'), detail('RUNNING')],
      StartApplication: [{status: 200, body: {}}],
    }
    const status = await startKdaApplication({name: 'sessions', from: 'trim-horizon', aws: {region: 'us-east-1', endpointUrl: endpoint}, clock: new ManualClock(0, true)})
    expect(calls.find((c) => c.operation === 'StartApplication')?.body).toEqual({
      ApplicationName: 'sessions',
      InputConfigurations: [{Id: '1.1', InputStartingPositionConfiguration: {InputStartingPosition: 'TRIM_HORIZON'}}],
    })
    expect(status.status).toBe('RUNNING')
  })

  it("turns the service's retirement refusal into the plain message", async () => {
    replies = {DescribeApplication: [{status: 400, body: {__type: 'UnsupportedOperationException', message: 'Kinesis Data Analytics for SQL applications is discontinued'}}]}
    const error = await startKdaApplication({name: 'sessions', from: 'now', aws: {region: 'us-east-1', endpointUrl: endpoint}, clock: new ManualClock(0, true)}).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ExternalServiceError)
    expect((error as Error).message).toMatch(/Amazon retired Kinesis Data Analytics for SQL applications/)
  })
})
