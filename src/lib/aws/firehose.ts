import type {FirehoseClient} from '@aws-sdk/client-firehose'
import {clientConfig} from './clients.js'
import type {AwsSettings} from './settings.js'

/** The Firehose call clickstream makes. Retries are ours (see retry.ts): one SDK attempt per call. */
export interface FirehoseApi {
  putRecordBatch(deliveryStream: string, records: Uint8Array[]): Promise<Array<{code: string; message: string} | undefined>>
}

export async function createFirehoseApi(settings: AwsSettings): Promise<FirehoseApi> {
  const sdk = await import('@aws-sdk/client-firehose')
  const client: FirehoseClient = new sdk.FirehoseClient((await clientConfig(settings, {maxAttempts: 1})) as NonNullable<ConstructorParameters<typeof sdk.FirehoseClient>[0]>)
  return {
    async putRecordBatch(deliveryStream, records) {
      const out = await client.send(new sdk.PutRecordBatchCommand({DeliveryStreamName: deliveryStream, Records: records.map((Data) => ({Data}))}))
      const entries = out.RequestResponses ?? []
      return records.map((_, i) => {
        const entry = entries[i]
        if (entry === undefined) return {code: 'MissingResult', message: 'the response did not account for this record'}
        return entry.ErrorCode ? {code: entry.ErrorCode, message: entry.ErrorMessage ?? ''} : undefined
      })
    },
  }
}
