import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {KinesisClient, PutRecordsCommand, type PutRecordsCommandInput} from '@aws-sdk/client-kinesis'
import {FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput} from '@aws-sdk/client-firehose'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {Random} from '../../../src/lib/core/random.js'
import {backoffDelay, DEFAULT_RETRY_POLICY} from '../../../src/lib/aws/retry.js'
import {openKinesisSink} from '../../../src/lib/targets/kinesis.js'
import {openFirehoseSink} from '../../../src/lib/targets/firehose.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import type {TargetContext} from '../../../src/lib/targets/types.js'
import {useTempDir} from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const kinesis = mockClient(KinesisClient)
const firehose = mockClient(FirehoseClient)
afterEach(() => {
  kinesis.reset()
  firehose.reset()
})

function context(): TargetContext & {warnings: string[]; clock: ManualClock} {
  const warnings: string[] = []
  return {
    workspace: resolveWorkspace({workspace: '/nonexistent'}),
    aws: {region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1'},
    clock: new ManualClock(0, true),
    warn: (m) => warnings.push(m),
    warnings,
  }
}

const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data)

/** A service that refuses every `nth` entry it sees once, as a throttled shard does. */
function throttleEveryNth(nth: number) {
  let seen = 0
  const refused = new Set<string>()
  return (payloads: string[]) =>
    payloads.map((p) => {
      seen++
      if (seen % nth === 0 && !refused.has(p)) {
        refused.add(p)
        return {ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard'}
      }
      return {SequenceNumber: String(seen), ShardId: 'shardId-000000000000'}
    })
}

describe('Kinesis sink retries', () => {
  it('re-sends only refused entries until every record is accepted exactly once, within 500 records and 5 MiB per request', async () => {
    const decide = throttleEveryNth(7)
    const accepted: string[] = []
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const payloads = input.Records!.map((r) => text(r.Data))
      const bytes = input.Records!.reduce((n, r) => n + r.Data!.length + Buffer.byteLength(r.PartitionKey!), 0)
      expect(input.Records!.length).toBeLessThanOrEqual(500)
      expect(bytes).toBeLessThanOrEqual(5 * 1024 * 1024)
      const results = decide(payloads)
      results.forEach((r, i) => 'SequenceNumber' in r && accepted.push(payloads[i]))
      return {FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results}
    })
    const sink = await openKinesisSink({name: 'clicks'}, context(), {}, {random: new Random(1)})
    // 1,500 small records and 30 of 300 KiB: requests must split by count and by bytes.
    const big = 'x'.repeat(300 * 1024)
    const batch = [
      ...Array.from({length: 1500}, (_, i) => ({data: `small-${i}`, time: i})),
      ...Array.from({length: 30}, (_, i) => ({data: `big-${i}-${big}`, time: i})),
    ]
    await sink.write(batch)
    const report = await sink.close()
    expect(report).toMatchObject({delivered: 1530, failed: 0})
    expect(report.retried).toBeGreaterThan(200)
    expect(accepted.sort()).toEqual(batch.map((r) => r.data).sort())
  })

  it('gives up after the capped attempts and writes the refused records to the dead-letter file with the error code', async () => {
    const dir = await tempDir()
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      Records: input.Records!.map((r) => (text(r.Data) === 'doomed' ? {ErrorCode: 'InternalFailure', ErrorMessage: 'boom'} : {SequenceNumber: '1', ShardId: 's'})),
    }))
    const ctx = context()
    const sink = await openKinesisSink({name: 'clicks'}, ctx, {deadLetter: join(dir, 'dead.ndjson'), partitionKeyField: 'user'})
    const tooBig = {data: 'y'.repeat(1024 * 1024), time: 0}
    await sink.write([{data: 'ok', time: 0}, {data: 'doomed', time: 1_700_000_000_000}, tooBig])
    expect(await sink.close()).toMatchObject({delivered: 1, failed: 2, retried: 0, deadLetter: join(dir, 'dead.ndjson')})
    const dead = readFileSync(join(dir, 'dead.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(dead.map((d) => [d.errorCode, d.attempts])).toEqual([
      ['RecordTooLarge', 0],
      ['InternalFailure', DEFAULT_RETRY_POLICY.maxAttempts],
    ])
    expect(dead[1]).toMatchObject({data: 'doomed', time: '2023-11-14T22:13:20.000Z', target: 'kinesis:clicks'})
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts)
  })

  it('retries a throttled whole request, then delivers', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {name: 'ThrottlingException', $metadata: {httpStatusCode: 400}})
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(Object.assign(new Error('oops'), {name: 'InternalServerError', $metadata: {httpStatusCode: 500}}))
      .resolves({FailedRecordCount: 0, Records: [{SequenceNumber: '1', ShardId: 's'}]})
    const ctx = context()
    const sink = await openKinesisSink({name: 'clicks'}, ctx)
    await sink.write([{data: 'a', time: 0}])
    expect(await sink.close()).toMatchObject({delivered: 1, retried: 1, failed: 0})
    expect(ctx.clock.now()).toBeGreaterThanOrEqual(70 + 140)
  })

  it('stops on refused credentials with a suggestion, counting the records as failed', async () => {
    kinesis.on(PutRecordsCommand).rejects(Object.assign(new Error('The security token included in the request is invalid.'), {name: 'UnrecognizedClientException'}))
    const ctx = context()
    const sink = await openKinesisSink({name: 'clicks'}, ctx)
    await expect(sink.write([{data: 'a', time: 0}, {data: 'b', time: 0}])).rejects.toMatchObject({
      code: 'EXTERNAL_SERVICE',
      suggestions: [expect.stringContaining('aws sts get-caller-identity'), expect.any(String)],
    })
    expect(await sink.close()).toMatchObject({delivered: 0, failed: 2})
    expect(ctx.warnings[0]).toContain('2 records could not be written')
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1)
  })

  it.each([
    ['the record key first', {partitionKey: 'explicit', data: '{"user":"u1"}'}, 'user', 'explicit'],
    ['the named field', {data: '{"user":"u1"}'}, 'user', 'u1'],
    ['a number field as text', {data: '{"user":42}'}, 'user', '42'],
  ])('takes the partition key from %s', async (_label, record, field, expected) => {
    kinesis.on(PutRecordsCommand).resolves({FailedRecordCount: 0, Records: [{SequenceNumber: '1', ShardId: 's'}]})
    const sink = await openKinesisSink({name: 'clicks'}, context(), {partitionKeyField: field})
    await sink.write([{...record, time: 0}])
    expect(kinesis.commandCalls(PutRecordsCommand)[0].args[0].input.Records![0].PartitionKey).toBe(expected)
  })

  it('uses random partition keys when there is none', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({FailedRecordCount: 0, Records: input.Records!.map(() => ({SequenceNumber: '1', ShardId: 's'}))}))
    const sink = await openKinesisSink({name: 'clicks'}, context())
    await sink.write(Array.from({length: 20}, () => ({data: 'x', time: 0})))
    const keys = kinesis.commandCalls(PutRecordsCommand)[0].args[0].input.Records!.map((r) => r.PartitionKey)
    expect(new Set(keys).size).toBe(20)
  })
})

describe('Firehose sink', () => {
  it('sends newline-terminated records within 500 records and 4 MiB per request, re-sending only refused ones', async () => {
    const decide = throttleEveryNth(5)
    const accepted: string[] = []
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
      const payloads = input.Records!.map((r) => text(r.Data))
      expect(input.Records!.length).toBeLessThanOrEqual(500)
      expect(input.Records!.reduce((n, r) => n + r.Data!.length, 0)).toBeLessThanOrEqual(4 * 1024 * 1024)
      expect(input.DeliveryStreamName).toBe('to-s3')
      const results = decide(payloads).map((r) => ('ErrorCode' in r ? {ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.'} : {RecordId: r.SequenceNumber}))
      results.forEach((r, i) => 'RecordId' in r && accepted.push(payloads[i]))
      return {FailedPutCount: results.filter((r) => 'ErrorCode' in r).length, RequestResponses: results}
    })
    const sink = await openFirehoseSink('to-s3', context(), {}, {random: new Random(2)})
    const big = 'z'.repeat(200 * 1024)
    const batch = [...Array.from({length: 1100}, (_, i) => ({data: `{"n":${i}}`, time: i})), ...Array.from({length: 25}, (_, i) => ({data: `${i}${big}`, time: i}))]
    await sink.write(batch)
    const report = await sink.close()
    expect(report).toMatchObject({delivered: 1125, failed: 0})
    expect(report.retried).toBeGreaterThan(0)
    expect(accepted.sort()).toEqual(batch.map((r) => r.data + '\n').sort())
    expect(report.bytes).toBe(batch.reduce((n, r) => n + Buffer.byteLength(r.data) + 1, 0))
  })

  it('refuses a record over 1,000 KiB with the reason', async () => {
    const dir = await tempDir()
    const sink = await openFirehoseSink('to-s3', context(), {deadLetter: join(dir, 'dl.ndjson')})
    await sink.write([{data: 'q'.repeat(1000 * 1024), time: 0}])
    expect(await sink.close()).toMatchObject({delivered: 0, failed: 1})
    expect(JSON.parse(readFileSync(join(dir, 'dl.ndjson'), 'utf8'))).toMatchObject({errorCode: 'RecordTooLarge', target: 'firehose:to-s3'})
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0)
  })
})

describe('backoff', () => {
  it('doubles from 100 ms up to 10 s, within 30% jitter', () => {
    const random = new Random(3)
    for (const [attempt, base] of [
      [1, 100],
      [2, 200],
      [5, 1600],
      [12, 10_000],
    ]) {
      const delay = backoffDelay(attempt, DEFAULT_RETRY_POLICY, random)
      expect(delay).toBeGreaterThanOrEqual(base * 0.7)
      expect(delay).toBeLessThanOrEqual(base * 1.3)
    }
  })
})
