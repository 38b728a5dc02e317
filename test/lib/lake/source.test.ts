import {describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {LakeSink} from '../../../src/lib/lake/delivery.js'
import {ensureWorkspace, resolveWorkspace, type Workspace} from '../../../src/lib/local/workspace.js'
import {openSource} from '../../../src/lib/targets/index.js'
import type {InRecord, Source, TargetContext} from '../../../src/lib/targets/types.js'
import {useTempDir} from '../../helpers/temp-dir.js'

const H = 3_600_000
const T0 = Date.UTC(2021, 1, 26, 16)

async function drain(source: Source): Promise<InRecord[]> {
  const out: InRecord[] = []
  for await (const batch of source.batches()) out.push(...batch)
  await source.close()
  return out
}

async function deliver(workspace: Workspace, table: string, records: Array<[number, number]>, format: 'json' | 'json.gz' | 'parquet' = 'json'): Promise<void> {
  const sink = new LakeSink({lake: workspace.lake, table, clock: new ManualClock(T0), format, writerId: 'w'})
  await sink.write(records.map(([n, time]) => ({data: JSON.stringify({n}), time})))
  await sink.close()
}

describe('lake:TABLE as a source', () => {
  const tempDir = useTempDir()
  const context = async (): Promise<TargetContext> => ({workspace: await ensureWorkspace(resolveWorkspace({workspace: await tempDir()})), aws: {}, clock: new ManualClock(T0 + 10 * H)})

  it('reads every record in hour order, with the hour as arrival time', async () => {
    const ctx = await context()
    await deliver(ctx.workspace, 'clicks', [[3, T0 + 2 * H], [1, T0], [2, T0 + 5]], 'json.gz')
    const records = await drain(await openSource({kind: 'lake', table: 'clicks'}, ctx))
    expect(records.map((r) => [JSON.parse(r.data).n, r.arrival])).toEqual([[1, T0], [2, T0], [3, T0 + 2 * H]])
    expect(records[0].position).toMatch(/^2021\/02\/26\/16\/clicks-.*\.json\.gz:1$/)
  })

  it('resumes just after a checkpoint', async () => {
    const ctx = await context()
    await deliver(ctx.workspace, 'clicks', [[1, T0], [2, T0], [3, T0 + H]])
    const first = await openSource({kind: 'lake', table: 'clicks'}, ctx)
    const iterator = first.batches()[Symbol.asyncIterator]()
    await iterator.next()
    const checkpoint = first.checkpoint()!
    await first.close()
    const rest = await drain(await openSource({kind: 'lake', table: 'clicks'}, ctx, {resume: checkpoint}))
    expect(rest.map((r) => JSON.parse(r.data).n)).toEqual([3])
  })

  it('reads Parquet files as JSON documents', async () => {
    const ctx = await context()
    await deliver(ctx.workspace, 'clicks', [[1, T0], [2, T0]], 'parquet')
    expect((await drain(await openSource({kind: 'lake', table: 'clicks'}, ctx))).map((r) => JSON.parse(r.data))).toEqual([{n: 1}, {n: 2}])
  })

  it('follows the table: skips what was there (from latest) and reads files as they land', async () => {
    const base = await context()
    const clock = new ManualClock(T0)
    const ctx = {...base, clock}
    await deliver(ctx.workspace, 'clicks', [[1, T0]])
    const controller = new AbortController()
    const source = await openSource({kind: 'lake', table: 'clicks'}, ctx, {follow: true, from: 'latest', signal: controller.signal})
    const seen: number[] = []
    const reading = (async () => {
      for await (const batch of source.batches()) {
        seen.push(...batch.map((r) => JSON.parse(r.data).n))
        controller.abort()
      }
    })()
    // Wait until the source has looked, found nothing new, and is sleeping until the next poll.
    while (clock.pendingSleeps === 0) await new Promise((resolve) => setImmediate(resolve))
    expect(seen).toEqual([])
    await deliver(ctx.workspace, 'clicks', [[2, T0 + H]])
    clock.advance(1_000)
    await reading
    expect(seen).toEqual([2])
  })

  it('names the tables the lake has when the table does not exist', async () => {
    const ctx = await context()
    await deliver(ctx.workspace, 'clicks', [[1, T0]])
    await expect(openSource({kind: 'lake', table: 'nope'}, ctx)).rejects.toThrow("the lake has no table 'nope'. Tables: clicks.")
  })
})
