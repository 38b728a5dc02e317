import {DEFAULT_RETENTION_HOURS, DEFAULT_SHARDS, ensureStream, LocalStreamReader, LocalStreamWriter, notFound, streamDir, streamExists} from '../local/streams/index.js'
import {partitionKeyOf} from './partition-key.js'
import type {DeliveryReport, InRecord, OutRecord, Sink, SinkOptions, Source, SourceOptions, TargetContext} from './types.js'

/**
 * `local:NAME` as a sink. Writing to a stream that does not exist creates it with the defaults
 * (1 shard, 24 hours retention) and says so: unlike Kinesis, a local stream costs nothing, and
 * `generate --to local:web` should just work. `streams create` sets other shard counts.
 */
export async function openLocalSink(name: string, ctx: TargetContext, options: SinkOptions = {}): Promise<Sink> {
  const {created} = ensureStream(ctx.workspace, name)
  if (created) {
    ctx.warn?.(`created local stream '${name}' (${DEFAULT_SHARDS} shard, ${DEFAULT_RETENTION_HOURS}h retention); use 'clickstream streams create' for other settings.`)
  }
  const writer = new LocalStreamWriter(streamDir(ctx.workspace, name), {producerId: options.producerId})
  const target = `local:${name}`
  const keyField = options.partitionKeyField
  let delivered = 0
  let bytes = 0
  let closed = false
  return {
    target,
    async write(batch: readonly OutRecord[], mark?: string): Promise<void> {
      if (closed) throw new Error(`${target} is closed`)
      const records = keyField === undefined ? batch : batch.map((r) => ({data: r.data, time: r.time, partitionKey: partitionKeyOf(r, keyField)}))
      const result = await writer.append(records, mark)
      delivered += result.count
      bytes += result.payloadBytes
    },
    async lastMark() {
      return writer.lastMark()
    },
    async flush() {},
    async close(): Promise<DeliveryReport> {
      closed = true
      writer.close()
      return {target, delivered, bytes, retried: 0, failed: 0}
    },
  }
}

/** `local:NAME` as a source: every shard, in sequence order; checkpoints resume exactly. */
export async function openLocalSource(name: string, ctx: TargetContext, options: SourceOptions = {}): Promise<Source> {
  if (!streamExists(ctx.workspace, name)) throw notFound(ctx.workspace, name)
  const reader = new LocalStreamReader(streamDir(ctx.workspace, name), name, {
    from: options.from,
    resume: options.resume,
    follow: options.follow,
    signal: options.signal,
    warn: ctx.warn,
  })
  return {
    target: `local:${name}`,
    async *batches(): AsyncIterable<InRecord[]> {
      for await (const stored of reader.batches()) {
        const batch: InRecord[] = new Array(stored.length)
        for (let i = 0; i < stored.length; i++) {
          const r = stored[i]
          batch[i] = {data: r.data, arrival: r.time, partitionKey: r.key, position: String(r.seq)}
        }
        yield batch
      }
    },
    checkpoint: () => reader.checkpoint(),
    async close() {
      reader.close()
    },
  }
}
