import {readFile} from 'node:fs/promises'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ManualClock, systemClock} from '../../../src/lib/core/clock.js'
import {createKinesisApi} from '../../../src/lib/aws/kinesis.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {formatAccessLogDocument, parseAccessLine} from '../../../src/lib/access-log/index.js'
import {replay, type ReplayOptions} from '../../../src/lib/replay/replay.js'
import {openKinesisSource} from '../../../src/lib/targets/kinesis.js'
import type {TargetContext} from '../../../src/lib/targets/types.js'
import {startKinesalite, type Kinesalite} from '../../helpers/kinesalite.js'
import {APACHE_LOGS} from '../../helpers/run-cli.js'
import {useTempDir} from '../../helpers/temp-dir.js'

const tempDir = useTempDir('clickstream-replay-kinesis-')
let kinesalite: Kinesalite
let ctx: TargetContext

beforeAll(async () => {
  kinesalite = await startKinesalite()
  ctx = {workspace: resolveWorkspace({workspace: '/nonexistent'}), aws: {endpointUrl: kinesalite.endpoint, region: 'us-east-1'}, clock: systemClock}
})
afterAll(async () => kinesalite?.close())

async function createStream(name: string, shards: number): Promise<void> {
  const api = await createKinesisApi(ctx.aws)
  await api.createStream(name, shards)
  for (let i = 0; i < 50 && (await api.describeStream({name})).status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 20))
}

async function streamRecords(name: string): Promise<Array<{data: string; partitionKey?: string}>> {
  const source = await openKinesisSource({name}, {...ctx, clock: new ManualClock(0, true)}, {})
  const records: Array<{data: string; partitionKey?: string}> = []
  for await (const batch of source.batches()) records.push(...batch)
  await source.close()
  return records
}

/** The documents of the real sample, each as replay --transform json writes it. */
async function sampleDocuments(): Promise<string[]> {
  return (await readFile(APACHE_LOGS, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const parsed = parseAccessLine(l)
      if (!parsed.ok) throw new Error(parsed.reason)
      return formatAccessLogDocument(parsed.entry)
    })
}

function options(dir: string, name: string, extra: Partial<ReplayOptions> = {}): ReplayOptions {
  return {files: [APACHE_LOGS], cwd: dir, to: {kind: 'kinesis', name}, transform: 'json', speed: 'max', follow: false, from: 'start', partitionKey: 'host', ...extra}
}

describe('replay into Kinesis (kinesalite)', () => {
  it('puts every line of the real sample exactly once, keyed by client host', async () => {
    const dir = await tempDir()
    await createStream('web', 2)
    const result = await replay(options(dir, 'web'), ctx)
    expect(result).toMatchObject({read: 10_000, delivered: 10_000, failed: 0, rejected: 0})
    const records = await streamRecords('web')
    expect(records.map((r) => r.data).sort()).toEqual((await sampleDocuments()).sort())
    for (const r of records.slice(0, 50)) expect(r.partitionKey).toBe(JSON.parse(r.data).host)
  })

  it('resumes an interrupted replay from its checkpoint: every line delivered, repeats only from the batch in flight', async () => {
    const dir = await tempDir()
    await createStream('resume', 1)
    const controller = new AbortController()
    const first = await replay(
      {...options(dir, 'resume', {checkpoint: `${dir}/cp`, batchLines: 500}), signal: controller.signal, onProgress: (p) => p.read >= 3000 && controller.abort()},
      ctx,
    )
    expect(first.interrupted).toBe(true)
    const second = await replay(options(dir, 'resume', {checkpoint: `${dir}/cp`, batchLines: 500}), ctx)
    expect(second.files[0].start).toBe('checkpoint')
    const records = await streamRecords('resume')
    const docs = await sampleDocuments()
    expect(new Set(records.map((r) => r.data))).toEqual(new Set(docs))
    expect(records.length).toBeGreaterThanOrEqual(docs.length)
    expect(records.length - docs.length).toBeLessThanOrEqual(500)
    expect(first.delivered + second.delivered).toBe(records.length)
  })
})
