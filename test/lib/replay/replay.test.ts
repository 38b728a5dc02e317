import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {FIXTURES, runReplay} from './helpers.js'

const tempDir = useTempDir('clickstream-replay-')
const MIXED = join(FIXTURES, 'mixed.log')
const SHOP = join(FIXTURES, 'unicorn-shop.log')
const GOOD_LINES_OF_MIXED = [1, 3, 4, 6, 9, 10, 12]
const BAD_LINES_OF_MIXED = [
  {line: 2, reason: 'time field'},
  {line: 5, reason: 'time is not'},
  {line: 7, reason: 'empty line'},
  {line: 8, reason: 'not an HTTP status'},
  {line: 11, reason: 'inside the request'},
]

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '')
}

describe('replay', () => {
  it('delivers every good line and lists every bad one with its line number and reason', async () => {
    const dir = await tempDir()
    const source = (await readFile(MIXED, 'utf8')).split('\n')
    const {result} = await runReplay(dir, [MIXED], {to: `file:${dir}/out.log`, errors: `${dir}/errors.ndjson`})

    expect(await lines(`${dir}/out.log`)).toEqual(GOOD_LINES_OF_MIXED.map((n) => source[n - 1]))
    const errors = (await lines(`${dir}/errors.ndjson`)).map((l) => JSON.parse(l))
    expect(errors.map((e) => e.line)).toEqual(BAD_LINES_OF_MIXED.map((b) => b.line))
    for (const [i, bad] of BAD_LINES_OF_MIXED.entries()) {
      expect(errors[i]).toMatchObject({file: MIXED, line: bad.line, text: source[bad.line - 1]})
      expect(errors[i].reason).toContain(bad.reason)
      expect(errors[i].column).toBeGreaterThan(0)
    }
    expect(result).toMatchObject({read: 12, delivered: 7, rejected: 5, failed: 0, retried: 0, interrupted: false})
    expect(result.read).toBe(result.delivered + result.failed + result.rejected)
  })

  it("writes seed 000's documents with --transform json, record time = the log line's time", async () => {
    const dir = await tempDir()
    const {stdout, result} = await runReplay(dir, [SHOP], {transform: 'json'})
    const docs = stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(docs).toHaveLength(2)
    expect(docs[1]).toEqual({
      host: '187.74.103.143',
      ident: '-',
      authuser: '-',
      '@timestamp': '2018-11-03T04:29:29',
      request: 'GET products/Meeqeos/ HTTP/1.1',
      response: 403,
      bytes: 37679,
      referer: 'www.unicornshop.com/home/',
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
      username: 'siskinstemson',
      verb: 'GET',
      timezone: '+0000',
      '@timestamp_utc': '2018-11-03T04:29:29+00:00',
    })
    expect(result.firstRecordTime).toBe('2018-11-03T04:29:26.000Z')
    expect(result.lastRecordTime).toBe('2018-11-03T04:29:29.000Z')
  })

  it('stamps each record in a local stream with the log time, in every mode', async () => {
    const dir = await tempDir()
    await runReplay(dir, [SHOP], {to: 'local:web', transform: 'json'})
    const {openSource} = await import('../../../src/lib/targets/index.js')
    const {resolveWorkspace} = await import('../../../src/lib/local/workspace.js')
    const source = await openSource({kind: 'local', name: 'web'}, {workspace: resolveWorkspace({workspace: `${dir}/.clickstream`}), aws: {}, clock: new ManualClock()})
    const arrivals: number[] = []
    for await (const batch of source.batches()) arrivals.push(...batch.map((r) => r.arrival))
    await source.close()
    expect(arrivals).toEqual([Date.UTC(2018, 10, 3, 4, 29, 26), Date.UTC(2018, 10, 3, 4, 29, 29)])
  })

  it("paces records by the log's own timestamps, N times faster", async () => {
    const dir = await tempDir()
    const clock = new ManualClock(1_000_000, true)
    // mixed.log's good lines span 10:05:03 .. 10:06:17 (74 s), with one line out of order.
    const {result} = await runReplay(dir, [MIXED], {to: `file:${dir}/out.log`, speed: 2, clock})
    expect(result.elapsedMs).toBe(37_000)
    expect(result.delivered).toBe(7)
  })

  it('sends as fast as possible with --speed max (no clock time passes)', async () => {
    const dir = await tempDir()
    const {result} = await runReplay(dir, [MIXED], {to: `file:${dir}/out.log`, clock: new ManualClock(0, true)})
    expect(result.elapsedMs).toBe(0)
  })

  it('reads .gz files, patterns in name order, and standard input', async () => {
    const dir = await tempDir()
    const shop = await readFile(SHOP)
    await writeFile(join(dir, 'access_log.2.gz'), gzipSync(shop))
    await writeFile(join(dir, 'access_log.1'), shop)
    const {result} = await runReplay(dir, ['access_log.*', '-'], {to: `file:${dir}/out.log`, stdin: shop.toString()})
    expect(result.files.map((f) => f.file)).toEqual([join(dir, 'access_log.1'), join(dir, 'access_log.2.gz'), '-'])
    expect(result.delivered).toBe(6)
    expect(result.bytesRead).toBe(shop.length * 3)
  })

  it('routes records by the chosen document field', async () => {
    const dir = await tempDir()
    const {createStream} = await import('../../../src/lib/local/streams/index.js')
    const {resolveWorkspace} = await import('../../../src/lib/local/workspace.js')
    const workspace = resolveWorkspace({workspace: `${dir}/.clickstream`})
    createStream(workspace, 'web', {shards: 4})
    await runReplay(dir, [SHOP, SHOP], {to: 'local:web', partitionKey: 'username'})
    const {openSource} = await import('../../../src/lib/targets/index.js')
    const source = await openSource({kind: 'local', name: 'web'}, {workspace, aws: {}, clock: new ManualClock()})
    const keys: Array<string | undefined> = []
    for await (const batch of source.batches()) keys.push(...batch.map((r) => r.partitionKey))
    await source.close()
    expect(keys.sort()).toEqual(['anonymous', 'siskinstemson'])
  })

  it.each([
    [{follow: true}, [MIXED, SHOP], '--follow follows one file'],
    [{checkpoint: 'cp.json'}, ['-'], 'cannot resume standard input'],
    [{follow: true}, [join(FIXTURES, 'mixed.log.gz')], 'cannot follow a .gz file'],
    [{from: 'end' as const}, [MIXED], '--from end only makes sense with --follow'],
    [{partitionKey: 'cookie'}, [MIXED], "--partition-key 'cookie'"],
    [{}, ['no-such-*.log'], 'no file matches no-such-*.log'],
    [{}, ['missing.log'], 'no such file: missing.log'],
    [{}, [], 'name at least one log file'],
  ])('refuses %j with %j: %s', async (options, files, message) => {
    const dir = await tempDir()
    await expect(runReplay(dir, files, options)).rejects.toThrow(message)
  })
})
