import {readFile} from 'node:fs/promises'
import {FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput} from '@aws-sdk/client-firehose'
import {KinesisClient, PutRecordsCommand, type PutRecordsCommandInput} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, describe, expect, it} from 'vitest'
import {formatAccessLogDocument, parseAccessLine} from '../../../src/lib/access-log/index.js'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {replay} from '../../../src/lib/replay/replay.js'
import type {TargetSpec} from '../../../src/lib/targets/spec.js'
import {APACHE_LOGS} from '../../helpers/run-cli.js'

const kinesis = mockClient(KinesisClient)
const firehose = mockClient(FirehoseClient)
afterEach(() => {
  kinesis.reset()
  firehose.reset()
})

const MiB = 1024 * 1024
const decode = (data: Uint8Array | undefined) => new TextDecoder().decode(data)

/** A throttled stream: the first time it sees every 9th entry it refuses it, as a hot shard does. */
function throttling() {
  let seen = 0
  const refused = new Set<string>()
  const accepted: string[] = []
  const decide = (payloads: string[]) => {
    const results = payloads.map((p) => {
      seen++
      if (seen % 9 === 0 && !refused.has(p)) {
        refused.add(p)
        return {ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000000'}
      }
      accepted.push(p)
      return {ok: true as const}
    })
    return {results, failed: results.filter((r) => 'ErrorCode' in r).length}
  }
  return {decide, accepted, refused}
}

/** The JSON document of every line of the real log (it holds some identical lines: each counts). */
async function documentsOfTheLog(): Promise<string[]> {
  const lines = (await readFile(APACHE_LOGS, 'utf8')).split('\n').filter((l) => l !== '')
  return lines.map((line) => {
    const parsed = parseAccessLine(line)
    if (!parsed.ok) throw new Error(`${line}: ${parsed.reason}`)
    return formatAccessLogDocument(parsed.entry)
  })
}

async function replayInto(to: TargetSpec) {
  return replay(
    {files: [APACHE_LOGS], cwd: '/', to, transform: 'json', speed: 'max', follow: false, from: 'start', partitionKey: 'host'},
    {workspace: resolveWorkspace({workspace: '/nonexistent'}), aws: {region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1'}, clock: new ManualClock(0, true)},
  )
}

describe('replay into AWS through an endpoint that throttles some records', () => {
  it('Kinesis: every line of the real log accepted exactly once, no request over 500 records or 5 MiB', async () => {
    const stream = throttling()
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const records = input.Records!
      expect(records.length).toBeLessThanOrEqual(500)
      expect(records.reduce((n, r) => n + r.Data!.length + Buffer.byteLength(r.PartitionKey!), 0)).toBeLessThanOrEqual(5 * MiB)
      const {results, failed} = stream.decide(records.map((r) => decode(r.Data)))
      return {FailedRecordCount: failed, Records: results.map((r, i) => ('ErrorCode' in r ? r : {SequenceNumber: String(i), ShardId: 'shardId-000000000000'}))}
    })

    const result = await replayInto({kind: 'kinesis', name: 'clickstream'})

    const documents = await documentsOfTheLog()
    expect(result).toMatchObject({read: documents.length, delivered: documents.length, failed: 0, rejected: 0})
    expect(stream.refused.size).toBeGreaterThan(1000)
    expect(result.retried).toBe(stream.refused.size)
    // Exactly once: the accepted payloads are the log's documents, each as often as the log has it.
    expect(stream.accepted.sort()).toEqual(documents.sort())
  })

  it('Firehose: every line accepted exactly once, newline-delimited, no request over 500 records or 4 MiB', async () => {
    const stream = throttling()
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
      const records = input.Records!
      expect(records.length).toBeLessThanOrEqual(500)
      expect(records.reduce((n, r) => n + r.Data!.length, 0)).toBeLessThanOrEqual(4 * MiB)
      const payloads = records.map((r) => decode(r.Data))
      for (const p of payloads) expect(p.endsWith('\n')).toBe(true)
      const {results, failed} = stream.decide(payloads)
      return {FailedPutCount: failed, RequestResponses: results.map((r, i) => ('ErrorCode' in r ? {ErrorCode: 'ServiceUnavailableException', ErrorMessage: r.ErrorMessage} : {RecordId: String(i)}))}
    })

    const result = await replayInto({kind: 'firehose', name: 'to-s3'})

    const documents = await documentsOfTheLog()
    expect(result).toMatchObject({read: documents.length, delivered: documents.length, failed: 0})
    expect(stream.refused.size).toBeGreaterThan(1000)
    expect(stream.accepted.map((p) => p.slice(0, -1)).sort()).toEqual(documents.sort())
  })
})
