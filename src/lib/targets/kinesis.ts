import {Random} from '../core/random.js'
import {createKinesisApi, type IteratorStart, type KinesisApi, type StreamRef} from '../aws/kinesis.js'
import {
  KINESIS_GET_MAX_RECORDS,
  KINESIS_IDLE_POLL_INTERVAL_MS,
  KINESIS_MAX_PARTITION_KEY_CHARS,
  KINESIS_MAX_RECORD_BYTES,
  KINESIS_MIN_POLL_INTERVAL_MS,
  KINESIS_PUT_MAX_BYTES,
  KINESIS_PUT_MAX_RECORDS,
} from '../aws/limits.js'
import {DEFAULT_RETRY_POLICY, isRetryableError, mapAwsError, sleepBackoff, type RetryPolicy} from '../aws/retry.js'
import {InputError} from '../core/errors.js'
import {RetryingBatchSender, type PendingRecord} from './batch-sender.js'
import {partitionKeyOf} from './partition-key.js'
import type {DeliveryReport, InRecord, OutRecord, Sink, SinkOptions, Source, SourceOptions, TargetContext} from './types.js'

const SERVICE = 'Kinesis'

/** Seams for tests: the API, the retry policy and the jitter's random source. */
export interface KinesisTargetDeps {
  api?: KinesisApi
  policy?: RetryPolicy
  random?: Random
}

function callContext(stream: StreamRef, ctx: TargetContext, action: string) {
  return {
    service: SERVICE,
    action,
    resource: `Kinesis stream '${stream.name}'`,
    createHint: `Create it: clickstream streams create kinesis:${stream.name} --shards 1 (or write to local:${stream.name} to stay on this machine).`,
    region: ctx.aws.region,
    endpointUrl: ctx.aws.endpointUrl,
  }
}

/**
 * `kinesis:NAME|ARN` as a sink: PutRecords in requests of at most 500 records and 5 MiB; only
 * refused entries are re-sent (backoff with jitter, capped attempts), then set aside in the
 * dead-letter file. The partition key is the record's own, else `--partition-key-field`'s value,
 * else random (spreads load over shards; per-user order needs a user key). Delivery is at least
 * once: marks are not stored, the caller checkpoints after `write` resolves.
 */
export async function openKinesisSink(stream: StreamRef, ctx: TargetContext, options: SinkOptions = {}, deps: KinesisTargetDeps = {}): Promise<Sink> {
  const api = deps.api ?? (await createKinesisApi(ctx.aws))
  const random = deps.random ?? new Random()
  const target = `kinesis:${stream.arn ?? stream.name}`
  const encoder = new TextEncoder()
  const sender = new RetryingBatchSender({
    target,
    maxRecords: KINESIS_PUT_MAX_RECORDS,
    maxBytes: KINESIS_PUT_MAX_BYTES,
    policy: deps.policy ?? DEFAULT_RETRY_POLICY,
    clock: ctx.clock,
    random,
    deadLetter: options.deadLetter,
    mapError: (error) => mapAwsError(error, callContext(stream, ctx, `writing to ${target}`)),
    send: (entries) => api.putRecords(stream, entries.map((e) => ({data: e.payload, partitionKey: e.partitionKey!}))),
  })
  return {
    target,
    async write(batch: readonly OutRecord[]): Promise<void> {
      const pending: PendingRecord[] = []
      for (const record of batch) {
        const key = partitionKeyOf(record, options.partitionKeyField) ?? random.hex(16)
        if (key.length > KINESIS_MAX_PARTITION_KEY_CHARS) {
          sender.reject(record, 'PartitionKeyTooLong', `partition key of ${key.length} characters; Kinesis allows ${KINESIS_MAX_PARTITION_KEY_CHARS}`, key)
          continue
        }
        const payload = encoder.encode(record.data)
        const size = payload.length + Buffer.byteLength(key)
        if (size > KINESIS_MAX_RECORD_BYTES) {
          sender.reject(record, 'RecordTooLarge', `record of ${size} bytes with its partition key; Kinesis takes at most ${KINESIS_MAX_RECORD_BYTES}`, key)
          continue
        }
        pending.push({record, payload, partitionKey: key, size, attempts: 0})
      }
      await sender.send(pending)
    },
    async flush() {},
    async close(): Promise<DeliveryReport> {
      const report = sender.report()
      if (report.failed > 0 && !options.deadLetter) ctx.warn?.(`${report.failed} records could not be written to ${target}; keep them next time with a dead-letter file.`)
      return report
    },
  }
}

/** Position per shard: the last sequence number read. */
type ShardPositions = Record<string, string>

interface ShardCursor {
  shardId: string
  iterator: string | undefined
  lastSequence?: string
  nextPollAt: number
  caughtUp: boolean
  done: boolean
}

/**
 * `kinesis:NAME|ARN` as a source: GetRecords polling on every shard, each no more often than
 * five times a second (once a second when caught up), following child shards after a reshard.
 * The checkpoint token is the last sequence number read per shard.
 */
export async function openKinesisSource(stream: StreamRef, ctx: TargetContext, options: SourceOptions = {}, deps: KinesisTargetDeps = {}): Promise<Source> {
  const api = deps.api ?? (await createKinesisApi(ctx.aws))
  const random = deps.random ?? new Random()
  const policy = deps.policy ?? DEFAULT_RETRY_POLICY
  const target = `kinesis:${stream.arn ?? stream.name}`
  const clock = ctx.clock
  const signal = options.signal
  const follow = options.follow ?? false
  const context = callContext(stream, ctx, `reading ${target}`)
  const resumed = parseToken(options.resume)
  const positions: ShardPositions = {...resumed}
  let started = false

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (error) {
        if (!isRetryableError(error) || attempt >= policy.maxAttempts) throw mapAwsError(error, context)
        await sleepBackoff(attempt, policy, random, clock, signal)
      }
    }
  }

  function startFor(shardId: string, isChild: boolean): IteratorStart {
    const seq = positions[shardId]
    if (seq) return {type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: seq}
    // Shards unknown to a resumed reader, and children of shards it read, are read from their start.
    if (resumed || isChild) return {type: 'TRIM_HORIZON'}
    return {type: options.from === 'latest' ? 'LATEST' : 'TRIM_HORIZON'}
  }

  async function cursor(shardId: string, isChild: boolean): Promise<ShardCursor> {
    const iterator = await call(() => api.getShardIterator(stream, shardId, startFor(shardId, isChild)))
    return {shardId, iterator, nextPollAt: 0, caughtUp: false, done: iterator === undefined}
  }

  return {
    target,
    async *batches(): AsyncIterable<InRecord[]> {
      const shards = await call(() => api.listShards(stream))
      const known = new Set(shards.map((s) => s.shardId))
      // Read parents before children: a child whose parent is still listed waits for it.
      const cursors: ShardCursor[] = []
      for (const s of shards) {
        if (s.parentShardId && known.has(s.parentShardId)) continue
        cursors.push(await cursor(s.shardId, false))
      }
      const pendingChildren = shards.filter((s) => s.parentShardId && known.has(s.parentShardId))
      started = true
      while (!signal?.aborted) {
        const active = cursors.filter((c) => !c.done)
        if (active.length === 0) return
        if (!follow && active.every((c) => c.caughtUp)) return
        const now = clock.now()
        const due = active.filter((c) => c.nextPollAt <= now)
        if (due.length === 0) {
          await clock.sleep(Math.min(...active.map((c) => c.nextPollAt)) - now, signal)
          continue
        }
        for (const c of due) {
          if (signal?.aborted) return
          let result
          try {
            result = await api.getRecords(c.iterator!, KINESIS_GET_MAX_RECORDS)
          } catch (error) {
            const name = (error as Error).name
            if (name === 'ExpiredIteratorException') {
              c.iterator = await call(() => api.getShardIterator(stream, c.shardId, startFor(c.shardId, false)))
              continue
            }
            if (!isRetryableError(error)) throw mapAwsError(error, context)
            c.nextPollAt = clock.now() + KINESIS_IDLE_POLL_INTERVAL_MS
            continue
          }
          c.iterator = result.nextIterator
          const empty = result.records.length === 0
          c.caughtUp = empty && (result.millisBehindLatest ?? 0) === 0
          c.nextPollAt = clock.now() + (c.caughtUp ? KINESIS_IDLE_POLL_INTERVAL_MS : KINESIS_MIN_POLL_INTERVAL_MS)
          if (c.iterator === undefined) {
            c.done = true
            // A closed shard hands over to its children.
            const children = new Set([...result.childShards, ...pendingChildren.filter((s) => s.parentShardId === c.shardId).map((s) => s.shardId)])
            for (const child of children) {
              if (!cursors.some((x) => x.shardId === child)) cursors.push(await cursor(child, true))
            }
          }
          if (!empty) {
            const last = result.records[result.records.length - 1]
            positions[c.shardId] = last.sequenceNumber
            c.lastSequence = last.sequenceNumber
            yield result.records.map((r) => ({data: r.data, arrival: r.arrival, partitionKey: r.partitionKey, position: `${c.shardId}:${r.sequenceNumber}`}))
          }
        }
      }
    },
    checkpoint: () => (started ? JSON.stringify(positions) : undefined),
    async close() {},
  }
}

function parseToken(token: string | undefined): ShardPositions | undefined {
  if (token === undefined) return undefined
  try {
    const parsed = JSON.parse(token) as unknown
    if (parsed && typeof parsed === 'object' && Object.values(parsed).every((v) => typeof v === 'string')) return parsed as ShardPositions
  } catch {
    // Reported below.
  }
  throw new InputError(`'${token}' is not a checkpoint of a Kinesis stream (expected {"shardId": "sequenceNumber", ...}).`)
}
