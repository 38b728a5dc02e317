import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, runCli} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'
import {startKinesalite, type Kinesalite} from '../helpers/kinesalite.js'
import {LocalStreamWriter, streamDir} from '../../src/lib/local/streams/index.js'
import {resolveWorkspace} from '../../src/lib/local/workspace.js'
import {openKinesisSink} from '../../src/lib/targets/kinesis.js'
import {systemClock} from '../../src/lib/core/clock.js'

const tempDir = useTempDir()

describe('clickstream streams (local)', () => {
  it('creates, lists, describes and deletes a local stream, with --json results', async () => {
    const cwd = await tempDir()
    const created = await runCli(['streams', 'create', 'web', '--shards', '2', '--retention', '7d', '--json'], {cwd})
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({kind: 'local', name: 'web', shards: 2, retentionHours: 168, records: 0})
    const listed = await runCli(['streams', 'list', '--json'], {cwd})
    expect(JSON.parse(listed.stdout)).toEqual({streams: [{kind: 'local', name: 'web', target: 'local:web', shards: 2, retentionHours: 168, status: 'ACTIVE'}]})
    const deleted = await runCli(['streams', 'delete', 'local:web', '--json'], {cwd})
    expect(JSON.parse(deleted.stdout)).toEqual({kind: 'local', name: 'web', deleted: true})
    expect(JSON.parse((await runCli(['streams', 'list', '--json'], {cwd})).stdout)).toEqual({streams: []})
  })

  it.each([
    ['a missing stream, naming the existing ones', ['streams', 'describe', 'wbe'], 4, /Existing local streams: web\./],
    ['a second create', ['streams', 'create', 'web'], 5, /exists already/],
    ['a firehose stream', ['streams', 'create', 'firehose:x'], 2, /the streams commands manage local:NAME/],
    ['a bad retention', ['streams', 'create', 'other', '--retention', 'soon'], 2, /--retention expects a duration/],
  ])('refuses %s with a clear error', async (_label, args, code, message) => {
    const cwd = await tempDir()
    await runCli(['streams', 'create', 'web'], {cwd})
    const result = await runCli(args, {cwd})
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
  })

  it('describes what a stream holds and tails its payloads one per line', async () => {
    const cwd = await tempDir()
    const env = {CLICKSTREAM_HOME: join(cwd, 'ws')}
    await runCli(['streams', 'create', 'web'], {cwd, env})
    const writer = new LocalStreamWriter(streamDir(resolveWorkspace({workspace: env.CLICKSTREAM_HOME}), 'web'))
    await writer.append([
      {data: '{"n":1}', time: Date.UTC(2026, 0, 1)},
      {data: '{"n":2}', time: Date.UTC(2026, 0, 2)},
    ])
    const described = JSON.parse((await runCli(['streams', 'describe', 'web', '--json'], {cwd, env})).stdout)
    expect(described).toMatchObject({records: 2, oldestRecordTime: '2026-01-01T00:00:00.000Z', newestRecordTime: '2026-01-02T00:00:00.000Z'})
    const tailed = await runCli(['streams', 'tail', 'local:web', '--no-follow'], {cwd, env})
    expect(tailed).toMatchObject({code: 0, stdout: '{"n":1}\n{"n":2}\n'})
    const latest = await runCli(['streams', 'tail', 'web', '--no-follow', '--from', 'latest', '--json'], {cwd, env})
    expect(JSON.parse(latest.stdout)).toMatchObject({records: 0, payloads: []})
  })

  it('follows a stream until interrupted, printing records appended while it waits', async () => {
    const cwd = await tempDir()
    const home = join(cwd, 'ws')
    await runCli(['streams', 'create', 'web'], {cwd, env: {CLICKSTREAM_HOME: home}})
    const child = spawn(process.execPath, [BIN, 'streams', 'tail', 'web'], {cwd, env: {...process.env, CLICKSTREAM_HOME: home}})
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    const writer = new LocalStreamWriter(streamDir(resolveWorkspace({workspace: home}), 'web'))
    // Appends until the tail has printed one, so the test does not depend on start-up time.
    for (let i = 0; !stdout.includes('hello'); i++) {
      if (i < 100) await writer.append([{data: `hello ${i}`, time: 0}])
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    child.kill('SIGINT')
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(stdout.split('\n')[0]).toBe('hello 0')
  })

  it('tails a file and stdin', async () => {
    const cwd = await tempDir()
    const fromStdin = await runCli(['streams', 'tail', '-', '--no-follow'], {cwd, input: 'a\nb\n'})
    expect(fromStdin.stdout).toBe('a\nb\n')
  })
})

describe('clickstream streams (Kinesis, on kinesalite)', () => {
  let kinesalite: Kinesalite
  beforeAll(async () => {
    kinesalite = await startKinesalite()
  })
  afterAll(async () => kinesalite?.close())

  it('creates a Kinesis stream, tails what was put on it, and names existing streams when one is missing', async () => {
    const cwd = await tempDir()
    const aws = ['--endpoint-url', kinesalite.endpoint, '--region', 'us-east-1']
    const env = {AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test'}
    const created = await runCli(['streams', 'create', 'kinesis:clicks', '--shards', '2', '--json', ...aws], {cwd, env})
    expect(JSON.parse(created.stdout)).toMatchObject({kind: 'kinesis', name: 'clicks', status: 'ACTIVE', shards: 2, retentionHours: 24})
    const sink = await openKinesisSink({name: 'clicks'}, {workspace: resolveWorkspace({cwd}), aws: {endpointUrl: kinesalite.endpoint, region: 'us-east-1'}, clock: systemClock})
    await sink.write([1, 2, 3].map((n) => ({data: `{"n":${n}}`, time: 0, partitionKey: 'same'})))
    const tailed = await runCli(['streams', 'tail', 'kinesis:clicks', '--no-follow', ...aws], {cwd, env})
    expect(tailed.stdout).toBe('{"n":1}\n{"n":2}\n{"n":3}\n')
    const missing = await runCli(['streams', 'describe', 'kinesis:clikcs', ...aws], {cwd, env})
    expect(missing.code).toBe(4)
    expect(missing.stderr).toContain('Existing Kinesis streams: clicks.')
    const listed = JSON.parse((await runCli(['streams', 'list', '--kind', 'all', '--json', ...aws], {cwd, env})).stdout)
    expect(listed.streams.map((s: {target: string}) => s.target)).toEqual(['kinesis:clicks'])
  })
})
