import {readFileSync, readdirSync, utimesSync, writeFileSync, appendFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  createStream,
  deleteStream,
  describeStream,
  listStreams,
  LocalStreamReader,
  LocalStreamWriter,
  streamDir,
  streamExists,
  trimSegments,
} from '../../../../src/lib/local/streams/index.js'
import {resolveWorkspace} from '../../../../src/lib/local/workspace.js'
import {ConflictError, NotFoundError, UsageError} from '../../../../src/lib/core/errors.js'
import {useTempDir} from '../../../helpers/temp-dir.js'

const tempDir = useTempDir()

async function workspace() {
  return resolveWorkspace({workspace: await tempDir()})
}

async function readAll(reader: LocalStreamReader) {
  const out = []
  for await (const batch of reader.batches()) out.push(...batch)
  return out
}

const records = (n: number, from = 0, key?: (i: number) => string) =>
  Array.from({length: n}, (_, i) => ({data: `{"n":${from + i}}`, time: 1_700_000_000_000 + from + i, partitionKey: key?.(from + i)}))

describe('local stream store', () => {
  it('creates, lists, describes and deletes streams', async () => {
    const ws = await workspace()
    createStream(ws, 'web', {shards: 4, retentionHours: 48})
    createStream(ws, 'alerts')
    expect(listStreams(ws).map((s) => [s.name, s.shards, s.retentionHours])).toEqual([
      ['alerts', 1, 24],
      ['web', 4, 48],
    ])
    expect(() => createStream(ws, 'web')).toThrow(ConflictError)
    deleteStream(ws, 'alerts')
    expect(streamExists(ws, 'alerts')).toBe(false)
    expect(() => describeStream(ws, 'alerts')).toThrow(NotFoundError)
  })

  it.each([
    ['bad name', 'a/b', {}],
    ['zero shards', 'x', {shards: 0}],
    ['retention below an hour', 'x', {retentionHours: 0.5}],
  ])('refuses %s', async (_label, name, options) => {
    const ws = await workspace()
    expect(() => createStream(ws, name, options)).toThrow(UsageError)
  })

  it('names the existing streams when one is not found', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    try {
      describeStream(ws, 'wbe')
      expect.unreachable()
    } catch (error) {
      expect((error as NotFoundError).suggestions.join(' ')).toContain('Existing local streams: web.')
    }
  })
})

describe('local stream writer and reader', () => {
  it('reads back what was written, with sequence numbers, record clocks and keys', async () => {
    const ws = await workspace()
    createStream(ws, 'web', {shards: 3})
    const writer = new LocalStreamWriter(streamDir(ws, 'web'))
    await writer.append(records(5, 0, (i) => `user-${i}`))
    await writer.append([{data: '"quoted"\nand a newline', time: 5, partitionKey: 'tab\tkey'}])
    await writer.append([{data: '{"page":"/café ☕"}', time: 6, partitionKey: 'ключ'}])
    writer.close()
    const got = await readAll(new LocalStreamReader(streamDir(ws, 'web'), 'web'))
    expect(got.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(got[6]).toMatchObject({data: '{"page":"/café ☕"}', key: 'ключ'})
    expect(got[2]).toMatchObject({data: '{"n":2}', time: 1_700_000_000_002, key: 'user-2'})
    expect(got[5]).toMatchObject({data: '"quoted"\nand a newline', key: 'tab\tkey', time: 5})
    expect(new Set(got.slice(0, 5).map((r) => r.shard)).size).toBeGreaterThan(1)
    expect(describeStream(ws, 'web')).toMatchObject({records: 7, firstSeq: 0, nextSeq: 7, oldestRecordTime: '2023-11-14T22:13:20.000Z'})
  })

  it('keeps segments readable with ordinary tools: one tab-separated line per record, then a commit line', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const writer = new LocalStreamWriter(streamDir(ws, 'web'), {producerId: 'replay'})
    await writer.append([{data: '127.0.0.1 - - [x] "GET / HTTP/1.1" 200 1', time: 1000}], 'offset=42')
    writer.close()
    const text = readFileSync(join(streamDir(ws, 'web'), '00000000000000000000.log'), 'utf8')
    expect(text).toMatch(/^0\t1000\t0\t\t127\.0\.0\.1 - - \[x\] "GET \/ HTTP\/1\.1" 200 1\n#commit\t1\t\d+\t"replay"\t"offset=42"\n$/)
  })

  it('stores the producer mark with its batch and finds the last one', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const a = new LocalStreamWriter(dir, {producerId: 'a'})
    const b = new LocalStreamWriter(dir, {producerId: 'b'})
    await a.append(records(2), 'a1')
    await b.append(records(2), 'b1')
    await a.append(records(2), 'a2')
    await b.append(records(1))
    expect(new LocalStreamWriter(dir, {producerId: 'a'}).lastMark()).toBe('a2')
    expect(new LocalStreamWriter(dir, {producerId: 'b'}).lastMark()).toBe('b1')
    expect(new LocalStreamWriter(dir, {producerId: 'c'}).lastMark()).toBeUndefined()
  })

  it('never delivers a batch cut short by a crash, and the next writer cuts it off', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const writer = new LocalStreamWriter(dir, {producerId: 'p'})
    await writer.append(records(2), 'm1')
    writer.close()
    // Given a crash in the middle of the next batch: records without their commit line.
    appendFileSync(join(dir, '00000000000000000000.log'), '2\t5\t0\t\t{"n":2}\n3\t5\t0\t\t{"n"')
    expect((await readAll(new LocalStreamReader(dir, 'web'))).length).toBe(2)
    const resumed = new LocalStreamWriter(dir, {producerId: 'p'})
    expect(resumed.lastMark()).toBe('m1')
    await resumed.append(records(1, 2), 'm2')
    const got = await readAll(new LocalStreamReader(dir, 'web'))
    expect(got.map((r) => [r.seq, r.data])).toEqual([
      [0, '{"n":0}'],
      [1, '{"n":1}'],
      [2, '{"n":2}'],
    ])
  })

  it('lets writers take turns: interleaved batches from two writers all arrive, numbered in order', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const writers = [new LocalStreamWriter(dir), new LocalStreamWriter(dir)]
    await Promise.all(Array.from({length: 40}, (_, i) => writers[i % 2].append(records(10, i * 10))))
    const got = await readAll(new LocalStreamReader(dir, 'web'))
    expect(got.map((r) => r.seq)).toEqual(Array.from({length: 400}, (_, i) => i))
    expect(new Set(got.map((r) => r.data)).size).toBe(400)
  })

  it('rolls segments, reads across them, and resumes from a checkpoint', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const writer = new LocalStreamWriter(dir, {segmentBytes: 300})
    for (let i = 0; i < 10; i++) await writer.append(records(5, i * 5))
    expect(readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(3)
    const first = new LocalStreamReader(dir, 'web')
    const seen: number[] = []
    let token: string | undefined
    for await (const batch of first.batches()) {
      seen.push(...batch.map((r) => r.seq))
      if (seen.length >= 20) {
        token = first.checkpoint()
        break
      }
    }
    const rest = await readAll(new LocalStreamReader(dir, 'web', {resume: token}))
    expect([...seen, ...rest.map((r) => r.seq)]).toEqual(Array.from({length: 50}, (_, i) => i))
  })

  it('starts at the end with from=latest', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const writer = new LocalStreamWriter(dir)
    await writer.append(records(3))
    const reader = new LocalStreamReader(dir, 'web', {from: 'latest'})
    expect(await readAll(reader)).toEqual([])
    await writer.append(records(2, 3))
    const resumed = await readAll(new LocalStreamReader(dir, 'web', {resume: reader.checkpoint()}))
    expect(resumed.map((r) => r.seq)).toEqual([3, 4])
  })

  it('follows new appends promptly and ends cleanly on abort', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const controller = new AbortController()
    const reader = new LocalStreamReader(dir, 'web', {follow: true, signal: controller.signal, pollMs: 50})
    const writer = new LocalStreamWriter(dir)
    const seen: number[] = []
    const done = (async () => {
      for await (const batch of reader.batches()) {
        seen.push(...batch.map((r) => r.seq))
        if (seen.length === 3) controller.abort()
      }
    })()
    await writer.append(records(1))
    await new Promise((resolve) => setTimeout(resolve, 30))
    await writer.append(records(2, 1))
    await done
    expect(seen).toEqual([0, 1, 2])
  })

  it('removes segments older than the retention by their real age, never the newest', async () => {
    const ws = await workspace()
    createStream(ws, 'web', {retentionHours: 1})
    const dir = streamDir(ws, 'web')
    const writer = new LocalStreamWriter(dir, {segmentBytes: 100})
    for (let i = 0; i < 4; i++) await writer.append(records(3, i * 3))
    const segments = readdirSync(dir).filter((f) => f.endsWith('.log')).sort()
    const old = new Date(Date.now() - 2 * 3_600_000)
    for (const name of segments) utimesSync(join(dir, name), old, old)
    expect(trimSegments(dir, 3_600_000)).toEqual(segments.slice(0, -1))
    const reader = new LocalStreamReader(dir, 'web', {resume: '0@0', warn: (m) => warnings.push(m)})
    const warnings: string[] = []
    const got = await readAll(reader)
    expect(got.length).toBeLessThan(12)
    expect(warnings[0]).toContain('removed by retention')
  })

  it('reports a damaged stream.json as bad input naming the file', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    writeFileSync(join(streamDir(ws, 'web'), 'stream.json'), '{not json')
    expect(() => describeStream(ws, 'web')).toThrow(/stream\.json is damaged/)
  })
})

describe('local stream segments over time', () => {
  it('starts a new segment once the active one is older than its maximum age, so retention reaches quiet streams', async () => {
    const ws = await workspace()
    createStream(ws, 'quiet')
    const dir = streamDir(ws, 'quiet')
    const writer = new LocalStreamWriter(dir, {segmentMaxAgeMs: 40})
    await writer.append(records(1))
    await writer.append(records(1, 1))
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 60))
    await writer.append(records(1, 2))
    expect(readdirSync(dir).filter((f) => f.endsWith('.log')).sort()).toEqual(['00000000000000000000.log', '00000000000000000002.log'])
    // A second writer process would find the age from the segment itself.
    const other = new LocalStreamWriter(dir, {segmentMaxAgeMs: 40})
    await other.append(records(1, 3))
    expect((await readAll(new LocalStreamReader(dir, 'quiet'))).map((r) => r.seq)).toEqual([0, 1, 2, 3])
  })

  it('ends a following read when the reader is closed', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const reader = new LocalStreamReader(streamDir(ws, 'web'), 'web', {follow: true, pollMs: 10_000})
    const done = readAll(reader)
    await new Promise((resolve) => setTimeout(resolve, 20))
    reader.close()
    expect(await done).toEqual([])
  })
})

describe('the append lock', () => {
  it('breaks a lock left by a process that died (kill -9) and waits for one held by a live process', async () => {
    const {spawn, spawnSync} = await import('node:child_process')
    const {symlinkSync, unlinkSync} = await import('node:fs')
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const lock = join(dir, '.append.lock')
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!
    symlinkSync(String(dead), lock)
    await new LocalStreamWriter(dir).append(records(1))

    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'])
    symlinkSync(String(live.pid), lock)
    let written = false
    const pending = new LocalStreamWriter(dir).append(records(1, 1)).then(() => (written = true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(written).toBe(false)
    unlinkSync(lock)
    await pending
    live.kill('SIGKILL')
    expect((await readAll(new LocalStreamReader(dir, 'web'))).map((r) => r.seq)).toEqual([0, 1])
  })
})

describe('finding a producer mark far back', () => {
  it('finds a mark behind megabytes of other producers\u2019 batches, across read chunks and segments', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const replay = new LocalStreamWriter(dir, {producerId: 'replay', segmentBytes: 1 << 20})
    const generate = new LocalStreamWriter(dir, {producerId: 'generate', segmentBytes: 1 << 20})
    await replay.append(records(3), 'line=3')
    const payload = 'p'.repeat(1000)
    for (let i = 0; i < 30; i++) await generate.append(Array.from({length: 100}, (_, j) => ({data: `${i}-${j}-${payload}`, time: 0})), `g${i}`)
    expect(readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(1)
    expect(new LocalStreamWriter(dir, {producerId: 'replay'}).lastMark()).toBe('line=3')
    expect(new LocalStreamWriter(dir, {producerId: 'generate'}).lastMark()).toBe('g29')
  })
})

describe('large batches', () => {
  it('reads back one batch larger than the reader\u2019s first read', async () => {
    const ws = await workspace()
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const big = Array.from({length: 3000}, (_, i) => ({data: `${i}:${'d'.repeat(1000)}`, time: i}))
    await new LocalStreamWriter(dir).append(big)
    const got = await readAll(new LocalStreamReader(dir, 'web'))
    expect(got.map((r) => r.data)).toEqual(big.map((r) => r.data))
  })
})
