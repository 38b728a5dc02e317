import {Random} from '../core/random.js'
import {createFirehoseApi, type FirehoseApi} from '../aws/firehose.js'
import {FIREHOSE_MAX_RECORD_BYTES, FIREHOSE_PUT_MAX_BYTES, FIREHOSE_PUT_MAX_RECORDS} from '../aws/limits.js'
import {DEFAULT_RETRY_POLICY, mapAwsError, type RetryPolicy} from '../aws/retry.js'
import {RetryingBatchSender, type PendingRecord} from './batch-sender.js'
import type {DeliveryReport, OutRecord, Sink, SinkOptions, TargetContext} from './types.js'

export interface FirehoseTargetDeps {
  api?: FirehoseApi
  policy?: RetryPolicy
  random?: Random
}

/**
 * `firehose:NAME` as a sink: PutRecordBatch in requests of at most 500 records and 4 MiB, each
 * record ending in a newline (Firehose concatenates records; Athena and Glue need one per line).
 * Refused entries are re-sent like the Kinesis sink's, then set aside in the dead-letter file.
 */
export async function openFirehoseSink(name: string, ctx: TargetContext, options: SinkOptions = {}, deps: FirehoseTargetDeps = {}): Promise<Sink> {
  const api = deps.api ?? (await createFirehoseApi(ctx.aws))
  const target = `firehose:${name}`
  const encoder = new TextEncoder()
  const sender = new RetryingBatchSender({
    target,
    maxRecords: FIREHOSE_PUT_MAX_RECORDS,
    maxBytes: FIREHOSE_PUT_MAX_BYTES,
    policy: deps.policy ?? DEFAULT_RETRY_POLICY,
    clock: ctx.clock,
    random: deps.random ?? new Random(),
    deadLetter: options.deadLetter,
    mapError: (error) =>
      mapAwsError(error, {
        service: 'Firehose',
        action: `writing to ${target}`,
        resource: `Firehose stream '${name}'`,
        createHint: `Create the Firehose stream in the AWS console or with the AWS CLI, or write to lake:${name.replace(/[^A-Za-z0-9_]/g, '_')} to stay on this machine.`,
        region: ctx.aws.region,
        endpointUrl: ctx.aws.endpointUrl,
      }),
    send: (entries) => api.putRecordBatch(name, entries.map((e) => e.payload)),
  })
  return {
    target,
    async write(batch: readonly OutRecord[]): Promise<void> {
      const pending: PendingRecord[] = []
      for (const record of batch) {
        const payload = encoder.encode(record.data.endsWith('\n') ? record.data : record.data + '\n')
        if (payload.length > FIREHOSE_MAX_RECORD_BYTES) {
          sender.reject(record, 'RecordTooLarge', `record of ${payload.length} bytes; Firehose takes at most ${FIREHOSE_MAX_RECORD_BYTES}`)
          continue
        }
        pending.push({record, payload, size: payload.length, attempts: 0})
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
