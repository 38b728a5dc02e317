import type {KinesisClient} from '@aws-sdk/client-kinesis'
import {clientConfig} from './clients.js'
import type {AwsSettings} from './settings.js'

/**
 * The Kinesis Data Streams calls clickstream makes, and nothing more. Retries are ours (see
 * retry.ts), so the SDK makes one attempt per call and every re-send is counted.
 */
export interface KinesisApi {
  putRecords(stream: StreamRef, records: Array<{data: Uint8Array; partitionKey: string}>): Promise<Array<{code: string; message: string} | undefined>>
  listShards(stream: StreamRef): Promise<ShardInfo[]>
  getShardIterator(stream: StreamRef, shardId: string, start: IteratorStart): Promise<string | undefined>
  getRecords(iterator: string, limit: number): Promise<GetRecordsResult>
  createStream(name: string, shards: number): Promise<void>
  describeStream(stream: StreamRef): Promise<KinesisStreamSummary>
  increaseRetention(stream: StreamRef, hours: number): Promise<void>
  listStreams(): Promise<string[]>
  deleteStream(stream: StreamRef): Promise<void>
}

/** A stream named by name, or by ARN (which also fixes account and region). */
export interface StreamRef {
  name: string
  arn?: string
}

export interface ShardInfo {
  shardId: string
  parentShardId?: string
  /** Set when the shard is closed (resharded): reading it ends at this sequence number. */
  endingSequenceNumber?: string
}

export type IteratorStart =
  | {type: 'TRIM_HORIZON'}
  | {type: 'LATEST'}
  | {type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string}

export interface KinesisReadRecord {
  data: string
  partitionKey: string
  sequenceNumber: string
  arrival: number
}

export interface GetRecordsResult {
  records: KinesisReadRecord[]
  nextIterator?: string
  millisBehindLatest?: number
  childShards: string[]
}

export interface KinesisStreamSummary {
  name: string
  arn: string
  status: string
  openShards: number
  retentionHours: number
  createdAt?: string
  mode?: string
}

function ref(stream: StreamRef): {StreamName?: string; StreamARN?: string} {
  return stream.arn ? {StreamARN: stream.arn} : {StreamName: stream.name}
}

export async function createKinesisApi(settings: AwsSettings): Promise<KinesisApi> {
  const sdk = await import('@aws-sdk/client-kinesis')
  const client: KinesisClient = new sdk.KinesisClient((await clientConfig(settings, {maxAttempts: 1})) as NonNullable<ConstructorParameters<typeof sdk.KinesisClient>[0]>)
  const decoder = new TextDecoder()
  return {
    async putRecords(stream, records) {
      const out = await client.send(
        new sdk.PutRecordsCommand({...ref(stream), Records: records.map((r) => ({Data: r.data, PartitionKey: r.partitionKey}))}),
      )
      const entries = out.Records ?? []
      return records.map((_, i) => {
        const entry = entries[i]
        if (entry === undefined) return {code: 'MissingResult', message: 'the response did not account for this record'}
        return entry.ErrorCode ? {code: entry.ErrorCode, message: entry.ErrorMessage ?? ''} : undefined
      })
    },
    async listShards(stream) {
      const shards: ShardInfo[] = []
      let token: string | undefined
      do {
        const out = await client.send(new sdk.ListShardsCommand(token ? {NextToken: token} : {...ref(stream)}))
        for (const s of out.Shards ?? []) {
          shards.push({shardId: s.ShardId!, parentShardId: s.ParentShardId, endingSequenceNumber: s.SequenceNumberRange?.EndingSequenceNumber})
        }
        token = out.NextToken
      } while (token)
      return shards
    },
    async getShardIterator(stream, shardId, start) {
      const out = await client.send(
        new sdk.GetShardIteratorCommand({
          ...ref(stream),
          ShardId: shardId,
          ShardIteratorType: start.type,
          StartingSequenceNumber: start.type === 'AFTER_SEQUENCE_NUMBER' ? start.sequenceNumber : undefined,
        }),
      )
      return out.ShardIterator
    },
    async getRecords(iterator, limit) {
      const out = await client.send(new sdk.GetRecordsCommand({ShardIterator: iterator, Limit: limit}))
      return {
        records: (out.Records ?? []).map((r) => ({
          data: decoder.decode(r.Data),
          partitionKey: r.PartitionKey ?? '',
          sequenceNumber: r.SequenceNumber ?? '',
          arrival: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
        })),
        nextIterator: out.NextShardIterator ?? undefined,
        millisBehindLatest: out.MillisBehindLatest,
        childShards: (out.ChildShards ?? []).map((c) => c.ShardId!).filter(Boolean),
      }
    },
    async createStream(name, shards) {
      await client.send(new sdk.CreateStreamCommand({StreamName: name, ShardCount: shards}))
    },
    async describeStream(stream) {
      const out = await client.send(new sdk.DescribeStreamSummaryCommand({...ref(stream)}))
      const d = out.StreamDescriptionSummary!
      return {
        name: d.StreamName ?? stream.name,
        arn: d.StreamARN ?? '',
        status: d.StreamStatus ?? 'UNKNOWN',
        openShards: d.OpenShardCount ?? 0,
        retentionHours: d.RetentionPeriodHours ?? 24,
        createdAt: d.StreamCreationTimestamp?.toISOString(),
        mode: d.StreamModeDetails?.StreamMode,
      }
    },
    async increaseRetention(stream, hours) {
      await client.send(new sdk.IncreaseStreamRetentionPeriodCommand({...ref(stream), RetentionPeriodHours: hours}))
    },
    async listStreams() {
      const names: string[] = []
      let start: string | undefined
      for (;;) {
        const out = await client.send(new sdk.ListStreamsCommand({ExclusiveStartStreamName: start}))
        names.push(...(out.StreamNames ?? []))
        if (!out.HasMoreStreams || !out.StreamNames?.length) return names
        start = out.StreamNames[out.StreamNames.length - 1]
      }
    },
    async deleteStream(stream) {
      await client.send(new sdk.DeleteStreamCommand({...ref(stream)}))
    },
  }
}
