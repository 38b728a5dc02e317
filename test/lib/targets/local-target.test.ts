import {describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {NotFoundError} from '../../../src/lib/core/errors.js'
import {describeStream} from '../../../src/lib/local/streams/index.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {openSink, openSource} from '../../../src/lib/targets/index.js'
import type {InRecord, TargetContext} from '../../../src/lib/targets/types.js'
import {useTempDir} from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const web = {kind: 'local', name: 'web'} as const

async function context(): Promise<TargetContext & {warnings: string[]}> {
  const warnings: string[] = []
  return {workspace: resolveWorkspace({workspace: await tempDir()}), aws: {}, clock: new ManualClock(0), warn: (m) => warnings.push(m), warnings}
}

async function readAll(ctx: TargetContext, options = {}) {
  const source = await openSource(web, ctx, options)
  const records: InRecord[] = []
  for await (const batch of source.batches()) records.push(...batch)
  await source.close()
  return {records, checkpoint: source.checkpoint()}
}

describe('local: targets', () => {
  it('creates a missing stream on first write with the defaults, and says so', async () => {
    const ctx = await context()
    const sink = await openSink(web, ctx)
    await sink.write([{data: 'a', time: 1}])
    expect(await sink.close()).toEqual({target: 'local:web', delivered: 1, bytes: 1, retried: 0, failed: 0})
    expect(ctx.warnings).toEqual([expect.stringContaining("created local stream 'web' (1 shard, 24h retention)")])
    expect(describeStream(ctx.workspace, 'web')).toMatchObject({shards: 1, retentionHours: 24, records: 1})
  })

  it('gives back the record clock as the arrival time, and the partition key (own or from a JSON field)', async () => {
    const ctx = await context()
    const sink = await openSink(web, ctx, {partitionKeyField: 'user'})
    await sink.write([
      {data: '{"user":"ann"}', time: Date.UTC(2020, 0, 1)},
      {data: '{"user":"bob"}', time: Date.UTC(2020, 0, 2), partitionKey: 'explicit'},
      {data: 'not json', time: 3},
    ])
    await sink.close()
    const {records} = await readAll(ctx)
    expect(records).toEqual([
      {data: '{"user":"ann"}', arrival: Date.UTC(2020, 0, 1), partitionKey: 'ann', position: '0'},
      {data: '{"user":"bob"}', arrival: Date.UTC(2020, 0, 2), partitionKey: 'explicit', position: '1'},
      {data: 'not json', arrival: 3, partitionKey: undefined, position: '2'},
    ])
  })

  it('keeps the last mark per producer, stored with its batch', async () => {
    const ctx = await context()
    const first = await openSink(web, ctx, {producerId: 'replay:access_log'})
    expect(await first.lastMark!()).toBeUndefined()
    await first.write([{data: 'l1', time: 0}], 'offset=10')
    await first.write([{data: 'l2', time: 0}], 'offset=20')
    await first.close()
    const resumed = await openSink(web, ctx, {producerId: 'replay:access_log'})
    expect(await resumed.lastMark!()).toBe('offset=20')
    const other = await openSink(web, ctx, {producerId: 'generate'})
    expect(await other.lastMark!()).toBeUndefined()
  })

  it('resumes a reader from its checkpoint token', async () => {
    const ctx = await context()
    const sink = await openSink(web, ctx)
    await sink.write([{data: '1', time: 0}, {data: '2', time: 0}])
    const first = await readAll(ctx)
    await sink.write([{data: '3', time: 0}])
    const next = await readAll(ctx, {resume: first.checkpoint})
    expect(next.records.map((r) => r.data)).toEqual(['3'])
    expect((await readAll(ctx, {resume: next.checkpoint})).records).toEqual([])
  })

  it('refuses to read a stream that does not exist, naming the ones that do', async () => {
    const ctx = await context()
    await (await openSink({kind: 'local', name: 'clicks'}, ctx)).close()
    await expect(openSource(web, ctx)).rejects.toThrow(NotFoundError)
    await expect(openSource(web, ctx)).rejects.toMatchObject({suggestions: [expect.stringContaining('clicks'), expect.any(String)], message: expect.stringContaining("'web'")})
  })
})
