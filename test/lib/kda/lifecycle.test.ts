import {
  DeleteApplicationCommand,
  DescribeApplicationCommand,
  StartApplicationCommand,
  StopApplicationCommand,
  type ApplicationDetail,
  type ApplicationStatus,
} from '@aws-sdk/client-kinesis-analytics'
import {mockKda} from './kda-mock.js'
import {beforeEach, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {ConflictError, ExternalServiceError} from '../../../src/lib/core/errors.js'
import {
  deleteKdaApplication,
  describeKdaApplication,
  startKdaApplication,
  stopKdaApplication,
} from '../../../src/lib/kda/index.js'

const kda = mockKda()
const AWS = {region: 'us-east-1'}
const CREATED = new Date('2025-06-01T10:00:00Z')

function app(status: ApplicationStatus, overrides: Partial<ApplicationDetail> = {}): {ApplicationDetail: ApplicationDetail} {
  return {
    ApplicationDetail: {
      ApplicationName: 'sessions',
      ApplicationARN: 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/sessions',
      ApplicationStatus: status,
      ApplicationVersionId: 4,
      CreateTimestamp: CREATED,
      LastUpdateTimestamp: new Date('2025-06-02T08:30:00Z'),
      ApplicationCode: 'CREATE STREAM "S" (a INTEGER);',
      InputDescriptions: [
        {
          InputId: '1.1',
          NamePrefix: 'SOURCE_SQL_STREAM',
          InAppStreamNames: ['SOURCE_SQL_STREAM_001'],
          KinesisStreamsInputDescription: {ResourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks'},
          InputSchema: {
            RecordFormat: {RecordFormatType: 'JSON'},
            RecordColumns: [{Name: 'user_id', SqlType: 'INTEGER', Mapping: '$.user_id'}],
          },
        },
      ],
      OutputDescriptions: [
        {
          OutputId: '2.1',
          Name: 'DESTINATION_SQL_STREAM',
          KinesisFirehoseOutputDescription: {ResourceARN: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/out'},
          DestinationSchema: {RecordFormatType: 'JSON'},
        },
      ],
      ...overrides,
    },
  }
}

beforeEach(() => kda.reset())

describe('startKdaApplication', () => {
  it.each([
    ['now', 'NOW'],
    ['trim-horizon', 'TRIM_HORIZON'],
    ['last-stopped', 'LAST_STOPPED_POINT'],
  ] as const)('--from %s starts the input at %s and waits until RUNNING', async (from, position) => {
    kda
      .on(DescribeApplicationCommand)
      .resolvesOnce(app('READY'))
      .resolvesOnce(app('READY'))
      .resolvesOnce(app('STARTING'))
      .resolvesOnce(app('STARTING'))
      .resolves(app('RUNNING'))
    kda.on(StartApplicationCommand).resolves({})
    const clock = new ManualClock(0, true)
    const states: string[] = []

    const status = await startKdaApplication({name: 'sessions', from, aws: AWS, clock, onState: (s) => states.push(s)})

    expect(kda.commandCalls(StartApplicationCommand)[0].args[0].input).toEqual({
      ApplicationName: 'sessions',
      InputConfigurations: [{Id: '1.1', InputStartingPositionConfiguration: {InputStartingPosition: position}}],
    })
    expect(states).toEqual(['STARTING', 'RUNNING'])
    expect(status.status).toBe('RUNNING')
    // Backoff 1 s, 2 s, 4 s between the four polls after the request.
    expect(clock.now()).toBe(7_000)
  })

  it('leaves a running application alone', async () => {
    kda.on(DescribeApplicationCommand).resolves(app('RUNNING'))
    const status = await startKdaApplication({name: 'sessions', from: 'now', aws: AWS, clock: new ManualClock(0, true)})
    expect(kda.commandCalls(StartApplicationCommand)).toHaveLength(0)
    expect(status.status).toBe('RUNNING')
  })

  it('fails plainly when the application falls back to READY', async () => {
    kda.on(DescribeApplicationCommand).resolvesOnce(app('READY')).resolvesOnce(app('STARTING')).resolves(app('READY'))
    kda.on(StartApplicationCommand).resolves({})
    const error = await startKdaApplication({name: 'sessions', from: 'now', aws: AWS, clock: new ManualClock(0, true)}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ExternalServiceError)
    expect((error as Error).message).toMatch(/is READY after starting; it did not reach RUNNING/)
  })

  it('gives up after the timeout and says where to look', async () => {
    kda.on(DescribeApplicationCommand).resolvesOnce(app('READY')).resolves(app('STARTING'))
    kda.on(StartApplicationCommand).resolves({})
    const clock = new ManualClock(0, true)
    const error = await startKdaApplication({name: 'sessions', from: 'now', aws: AWS, clock, timeoutMs: 60_000}).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/still STARTING after 60 s/)
    expect(clock.now()).toBe(60_000)
  })

  it('refuses an application that is being deleted', async () => {
    kda.on(DescribeApplicationCommand).resolves(app('DELETING'))
    const error = await startKdaApplication({name: 'sessions', from: 'now', aws: AWS, clock: new ManualClock(0, true)}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect(kda.commandCalls(StartApplicationCommand)).toHaveLength(0)
  })

  it('refuses an application without an input', async () => {
    kda.on(DescribeApplicationCommand).resolves(app('READY', {InputDescriptions: []}))
    const error = await startKdaApplication({name: 'sessions', from: 'now', aws: AWS, clock: new ManualClock(0, true)}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as Error).message).toMatch(/no input/)
  })

  it('waits with the injected clock, not the wall clock', async () => {
    kda.on(DescribeApplicationCommand).resolvesOnce(app('READY')).resolvesOnce(app('STARTING')).resolves(app('RUNNING'))
    kda.on(StartApplicationCommand).resolves({})
    const clock = new ManualClock(0)
    const started = startKdaApplication({name: 'sessions', from: 'now', aws: AWS, clock})
    await expect.poll(() => clock.pendingSleeps).toBe(1)
    expect(kda.commandCalls(DescribeApplicationCommand)).toHaveLength(2)
    clock.advance(1_000)
    expect((await started).status).toBe('RUNNING')
  })
})

describe('stopKdaApplication', () => {
  it('stops and waits until READY', async () => {
    kda.on(DescribeApplicationCommand).resolvesOnce(app('RUNNING')).resolvesOnce(app('STOPPING')).resolves(app('READY'))
    kda.on(StopApplicationCommand).resolves({})
    const states: string[] = []
    const status = await stopKdaApplication({name: 'sessions', aws: AWS, clock: new ManualClock(0, true), onState: (s) => states.push(s)})
    expect(kda.commandCalls(StopApplicationCommand)[0].args[0].input).toEqual({ApplicationName: 'sessions'})
    expect(states).toEqual(['STOPPING', 'READY'])
    expect(status.status).toBe('READY')
  })

  it('does nothing to a READY application', async () => {
    kda.on(DescribeApplicationCommand).resolves(app('READY'))
    await stopKdaApplication({name: 'sessions', aws: AWS, clock: new ManualClock(0, true)})
    expect(kda.commandCalls(StopApplicationCommand)).toHaveLength(0)
  })
})

describe('describeKdaApplication', () => {
  it('reports status, version, times, inputs and outputs', async () => {
    kda.on(DescribeApplicationCommand).resolves(app('RUNNING'))
    expect(await describeKdaApplication({name: 'sessions', aws: AWS})).toEqual({
      runtime: 'kda',
      name: 'sessions',
      arn: 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/sessions',
      status: 'RUNNING',
      version: 4,
      createdAt: '2025-06-01T10:00:00.000Z',
      updatedAt: '2025-06-02T08:30:00.000Z',
      codeBytes: 30,
      inputs: [
        {
          id: '1.1',
          namePrefix: 'SOURCE_SQL_STREAM',
          inAppStreams: ['SOURCE_SQL_STREAM_001'],
          source: {kind: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks'},
          format: 'JSON',
          columns: [{name: 'user_id', sqlType: 'INTEGER', mapping: '$.user_id'}],
          startingPosition: null,
        },
      ],
      outputs: [
        {id: '2.1', stream: 'DESTINATION_SQL_STREAM', destination: {kind: 'firehose', arn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/out'}, format: 'JSON'},
      ],
    })
  })
})

describe('deleteKdaApplication', () => {
  it('sends the CreateTimestamp DescribeApplication reported', async () => {
    kda.on(DescribeApplicationCommand).resolves(app('READY'))
    kda.on(DeleteApplicationCommand).resolves({})
    expect(await deleteKdaApplication({name: 'sessions', aws: AWS})).toEqual({name: 'sessions', deleted: true})
    expect(kda.commandCalls(DeleteApplicationCommand)[0].args[0].input).toEqual({ApplicationName: 'sessions', CreateTimestamp: CREATED})
  })
})
