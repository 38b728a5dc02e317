import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ManualClock, systemClock} from '../../../src/lib/core/clock.js'
import {createKinesisApi} from '../../../src/lib/aws/kinesis.js'
import {openKinesisSink, openKinesisSource} from '../../../src/lib/targets/kinesis.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import type {InRecord, TargetContext} from '../../../src/lib/targets/types.js'
import {startKinesalite, type Kinesalite} from '../../helpers/kinesalite.js'

let kinesalite: Kinesalite
let ctx: TargetContext

beforeAll(async () => {
  kinesalite = await startKinesalite()
  ctx = {workspace: resolveWorkspace({workspace: '/nonexistent'}), aws: {endpointUrl: kinesalite.endpoint, region: 'us-east-1'}, clock: systemClock}
})
afterAll(async () => kinesalite?.close())

async function createStream(name: string, shards: number) {
  const api = await createKinesisApi(ctx.aws)
  await api.createStream(name, shards)
  for (let i = 0; i < 50 && (await api.describeStream({name})).status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 20))
}

async function readAll(name: string, options: {resume?: string; from?: 'trim-horizon' | 'latest'} = {}) {
  const source = await openKinesisSource({name}, {...ctx, clock: new ManualClock(0, true)}, options)
  const records: InRecord[] = []
  for await (const batch of source.batches()) records.push(...batch)
  return {records, checkpoint: source.checkpoint()}
}

describe('Kinesis sink and source against kinesalite', () => {
  it('writes 1,200 records over 3 shards in PutRecords requests and reads each back exactly once', async () => {
    await createStream('clicks', 3)
    const sink = await openKinesisSink({name: 'clicks'}, ctx, {partitionKeyField: 'user'})
    const batch = Array.from({length: 1200}, (_, i) => ({data: JSON.stringify({user: `u${i % 17}`, n: i}), time: i}))
    await sink.write(batch)
    expect(await sink.close()).toMatchObject({delivered: 1200, failed: 0, retried: 0})
    const {records} = await readAll('clicks')
    expect(records.map((r) => JSON.parse(r.data).n).sort((a, b) => a - b)).toEqual(batch.map((_, i) => i))
    // Per key, order is kept: every user's records arrive in the order written.
    const byUser = new Map<string, number[]>()
    for (const r of records) byUser.set(r.partitionKey!, [...(byUser.get(r.partitionKey!) ?? []), JSON.parse(r.data).n])
    for (const ns of byUser.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b))
    expect(byUser.size).toBe(17)
  })

  it('resumes from a checkpoint token without repeating records, and from=latest skips old ones', async () => {
    await createStream('resume', 2)
    const sink = await openKinesisSink({name: 'resume'}, ctx)
    await sink.write(Array.from({length: 10}, (_, i) => ({data: `a${i}`, time: i})))
    const first = await readAll('resume')
    expect(first.records).toHaveLength(10)
    const latest = await readAll('resume', {from: 'latest'})
    expect(latest.records).toHaveLength(0)
    await sink.write(Array.from({length: 5}, (_, i) => ({data: `b${i}`, time: i})))
    const second = await readAll('resume', {resume: first.checkpoint})
    expect(second.records.map((r) => r.data).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4'])
  })

  it('reports a missing stream as not found, with how to create it', async () => {
    const sink = await openKinesisSink({name: 'missing'}, ctx)
    await expect(sink.write([{data: 'x', time: 0}])).rejects.toMatchObject({
      code: 'NOT_FOUND',
      suggestions: [expect.stringContaining('clickstream streams create kinesis:missing')],
    })
    expect(await sink.close()).toMatchObject({delivered: 0, failed: 1})
  })
})
