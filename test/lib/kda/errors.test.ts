import {
  CodeValidationException,
  ConcurrentModificationException,
  DescribeApplicationCommand,
  InvalidArgumentException,
  KinesisAnalyticsServiceException,
  ResourceNotFoundException,
  UnsupportedOperationException,
} from '@aws-sdk/client-kinesis-analytics'
import {mockKda} from './kda-mock.js'
import {beforeEach, describe, expect, it} from 'vitest'
import {ConflictError, ExternalServiceError, InputError, NotFoundError, type ClickstreamError} from '../../../src/lib/core/errors.js'
import {describeKdaApplication} from '../../../src/lib/kda/index.js'

const kda = mockKda()
const meta = {$metadata: {}}

function dnsFailure(): Error {
  return Object.assign(new Error('getaddrinfo ENOTFOUND kinesisanalytics.eu-south-2.amazonaws.com'), {
    code: 'ENOTFOUND',
    hostname: 'kinesisanalytics.eu-south-2.amazonaws.com',
  })
}

async function failure(error: unknown): Promise<ClickstreamError> {
  kda.on(DescribeApplicationCommand).rejects(error as Error)
  return describeKdaApplication({name: 'sessions', aws: {region: 'eu-south-2'}}).then(
    () => expect.unreachable('the call should fail') as never,
    (e: ClickstreamError) => e,
  )
}

beforeEach(() => kda.reset())

describe('the retirement of KDA for SQL is said plainly', () => {
  it.each([
    ['UnsupportedOperationException', () => new UnsupportedOperationException({message: 'Operation not supported', ...meta})],
    [
      'AccessDenied that says the service is discontinued',
      () => new KinesisAnalyticsServiceException({name: 'AccessDeniedException', $fault: 'client', message: 'Kinesis Data Analytics for SQL has been discontinued', ...meta}),
    ],
    [
      'a refusal to create SQL applications',
      () => new InvalidArgumentException({message: 'KinesisFirehoseInput is not allowed for SQL applications under account: 123456789012', ...meta}),
    ],
    ['an endpoint that DNS does not know (ENOTFOUND)', dnsFailure],
    ['UnknownEndpoint', () => Object.assign(new Error('Inaccessible host'), {name: 'UnknownEndpoint'})],
  ])('%s', async (_case, make) => {
    const error = await failure(make())
    expect(error).toBeInstanceOf(ExternalServiceError)
    expect(error.message).toMatch(/Amazon retired Kinesis Data Analytics for SQL applications/)
    expect(error.message).toMatch(/2025-10-15/)
    expect(error.message).toMatch(/2026-01-27/)
    expect(error.suggestions.join('\n')).toMatch(/--runtime local/)
    expect(error.suggestions.join('\n')).toMatch(/clickstream app translate APP\.sql --to flink/)
  })

  it('names the endpoint that could not be found, and mentions the network', async () => {
    const error = await failure(dnsFailure())
    expect(error.message).toMatch(/kinesisanalytics\.eu-south-2\.amazonaws\.com could not be found/)
    expect(error.suggestions.join('\n')).toMatch(/network/)
  })

  it('does not blame the retirement for an application made with the v2 API', async () => {
    const error = await failure(
      new UnsupportedOperationException({message: 'sessions was created/updated by kinesisanalyticsv2 SDK. Please use kinesisanalyticsv2 SDK to make changes to sessions.', ...meta}),
    )
    expect(error.message).not.toMatch(/retired/)
  })
})

describe('other AWS errors carry what to do next', () => {
  it.each([
    ['ResourceNotFoundException', new ResourceNotFoundException({message: 'not found', ...meta}), NotFoundError, /No KDA application named 'sessions' in eu-south-2/],
    ['ConcurrentModificationException', new ConcurrentModificationException({message: 'version mismatch', ...meta}), ConflictError, /busy or was changed/],
    ['CodeValidationException', new CodeValidationException({message: 'line 3: syntax error', ...meta}), InputError, /rejected the SQL \(line 3: syntax error\)/],
    ['InvalidArgumentException', new InvalidArgumentException({message: 'bad role', ...meta}), ExternalServiceError, /KDA rejected the request/],
    [
      'ExpiredTokenException',
      new KinesisAnalyticsServiceException({name: 'ExpiredTokenException', $fault: 'client', message: 'token expired', ...meta}),
      ExternalServiceError,
      /refused the credentials/,
    ],
    ['no credentials at all', Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}), ExternalServiceError, /no AWS credentials were found/],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), {code: 'ECONNREFUSED'}), ExternalServiceError, /could not reach/],
    ['anything else', new Error('socket hang up'), ExternalServiceError, /describing KDA application 'sessions' failed/],
  ] as Array<[string, Error, new (...args: never[]) => ClickstreamError, RegExp]>)('%s', async (_case, thrown, type, message) => {
    const error = await failure(thrown)
    expect(error).toBeInstanceOf(type)
    expect(error.message).toMatch(message)
    expect(error.message).not.toMatch(/retired/)
    expect(error.suggestions.length).toBeGreaterThan(0)
  })
})
