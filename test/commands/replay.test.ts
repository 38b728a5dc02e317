import {spawn} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {formatAccessLine} from '../../src/lib/access-log/index.js'
import {ManualClock} from '../../src/lib/core/clock.js'
import {resolveWorkspace} from '../../src/lib/local/workspace.js'
import {openSource} from '../../src/lib/targets/index.js'
import {replay} from '../../src/lib/replay/replay.js'
import {APACHE_LOGS, BIN, runCli} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'

const tempDir = useTempDir('clickstream-replay-cli-')
const SHOP = new URL('../fixtures/access-log/unicorn-shop.log', import.meta.url).pathname
const MIXED = new URL('../fixtures/access-log/mixed.log', import.meta.url).pathname

/** `n` distinct log lines, one second apart. */
function logLines(n: number): string[] {
  return Array.from({length: n}, (_, i) =>
    formatAccessLine({host: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, ident: '-', authuser: '-', time: Date.UTC(2026, 0, 1) + i * 1000, timezone: '+0000', request: `GET /page/${i} HTTP/1.1`, status: 200, bytes: i, referer: '-', userAgent: 'kill test'}),
  )
}

async function exists(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined)
}

/** Starts `args`, waits until `ready()` holds, then kills the process with SIGKILL (no clean-up of any kind). */
async function killMidway(args: string[], cwd: string, ready: () => Promise<boolean>): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], {cwd, env: {...process.env, CI: '', CLICKSTREAM_HOME: join(cwd, '.clickstream')}, stdio: 'ignore'})
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let killed = false
  for (let i = 0; i < 600 && !killed; i++) {
    await new Promise((r) => setTimeout(r, 50))
    if (await ready()) {
      child.kill('SIGKILL')
      killed = true
    }
  }
  const code = await exited
  expect(killed, 'the replay was killed while it was running').toBe(true)
  expect(code).toBeNull()
}

describe('clickstream replay', () => {
  it('prints only records on stdout and the summary on stderr', async () => {
    const dir = await tempDir()
    const {code, stdout, stderr} = await runCli(['replay', SHOP, '--transform', 'json'], {cwd: dir})
    expect(code).toBe(0)
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).username)).toEqual(['anonymous', 'siskinstemson'])
    expect(stderr).toMatch(/delivered\s+2 records/)
  })

  it('with --json and records on stdout, keeps stdout for records and puts the JSON summary on stderr', async () => {
    const dir = await tempDir()
    const {code, stdout, stderr} = await runCli(['replay', MIXED, '--json'], {cwd: dir})
    expect(code).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(7)
    expect(JSON.parse(stderr)).toMatchObject({read: 12, delivered: 7, rejected: 5, failed: 0, target: '-'})
  })

  it('with --json and records in a file, prints the summary on stdout', async () => {
    const dir = await tempDir()
    const {code, stdout} = await runCli(['replay', MIXED, '--to', 'file:out.log', '--errors', 'bad.ndjson', '--json'], {cwd: dir})
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({delivered: 7, rejected: 5, errorsFile: 'bad.ndjson'})
    expect((await readFile(join(dir, 'bad.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(5)
  })

  it('parses on several threads into a file exactly as on one: the same records in order, the same rejects at the same lines', async () => {
    const dir = await tempDir()
    const real = (await readFile(APACHE_LOGS, 'utf8')).split('\n').filter((l) => l !== '')
    // Garbage between good lines, spread over many read chunks, plus a non-ASCII user agent.
    const lines = real.flatMap((line, i) => (i % 997 === 0 ? [line, `garbage line ${i}`] : i === 5000 ? [line.replace(/"[^"]*"$/, '"Mözilla/5.0 (Überphone)"')] : [line]))
    const input = join(dir, 'access_log')
    await writeFile(input, Array.from({length: 6}, () => lines.join('\n')).join('\n') + '\n')

    const threaded = await runCli(['replay', input, '--transform', 'json', '--to', `file:${join(dir, 'threads.ndjson')}`, '--errors', join(dir, 'threads-errors.ndjson'), '--json'], {cwd: dir})
    const single = await replay(
      {files: [input], cwd: dir, to: {kind: 'file', path: join(dir, 'one.ndjson'), gzip: false}, transform: 'json', speed: 'max', follow: false, from: 'start', partitionKey: 'host', errors: join(dir, 'one-errors.ndjson')},
      {workspace: resolveWorkspace({workspace: join(dir, '.clickstream')}), aws: {}, clock: new ManualClock(0)},
    )

    expect(threaded.code, threaded.stderr).toBe(0)
    const summary = JSON.parse(threaded.stdout)
    expect(summary).toMatchObject({read: single.read, delivered: single.delivered, rejected: single.rejected, firstRecordTime: single.firstRecordTime, lastRecordTime: single.lastRecordTime})
    expect(single.rejected).toBe(6 * 11)
    expect(await readFile(join(dir, 'threads.ndjson'), 'utf8')).toBe(await readFile(join(dir, 'one.ndjson'), 'utf8'))
    expect(await readFile(join(dir, 'threads-errors.ndjson'), 'utf8')).toBe(await readFile(join(dir, 'one-errors.ndjson'), 'utf8'))
  })

  it('names the flag in usage errors and exits 2', async () => {
    const dir = await tempDir()
    const {code, stderr} = await runCli(['replay', SHOP, '--speed', 'fast'], {cwd: dir})
    expect(code).toBe(2)
    expect(stderr).toContain('--speed expects a positive factor')
  })

  it('kill -9 during a replay into local:web, then the same command again: each line exactly once', async () => {
    const dir = await tempDir()
    const input = logLines(20_000)
    await writeFile(join(dir, 'access_log'), `${input.join('\n')}\n`)
    // 20,000 s of log at 5,000x: about 4 s, killed after the first part.
    const args = ['replay', 'access_log', '--to', 'local:web', '--checkpoint', 'replay.checkpoint', '--speed', '5000']
    await killMidway(args, dir, async () => {
      const cp = await exists(join(dir, 'replay.checkpoint'))
      return cp !== undefined && /"line":[1-9]\d{3,}/.test(cp)
    })
    const again = await runCli([...args, '--json'], {cwd: dir, env: {CLICKSTREAM_HOME: join(dir, '.clickstream')}})
    expect(again.code).toBe(0)
    const summary = JSON.parse(again.stdout)
    expect(summary.files[0].start).toBe('checkpoint')
    expect(summary.delivered).toBeLessThan(input.length)

    const source = await openSource({kind: 'local', name: 'web'}, {workspace: resolveWorkspace({workspace: join(dir, '.clickstream')}), aws: {}, clock: new ManualClock()})
    const stored: string[] = []
    for await (const batch of source.batches()) stored.push(...batch.map((r) => r.data))
    await source.close()
    expect(stored).toEqual(input)
  })

  it('kill -9 during a replay into a file, then the same command again: every line, repeats only from the batch in flight', async () => {
    const dir = await tempDir()
    const input = logLines(20_000)
    await writeFile(join(dir, 'access_log'), `${input.join('\n')}\n`)
    const args = ['replay', 'access_log', '--to', 'file:out.log', '--checkpoint', 'replay.checkpoint', '--speed', '5000']
    await killMidway(args, dir, async () => {
      const cp = await exists(join(dir, 'replay.checkpoint'))
      return cp !== undefined && /"line":[1-9]\d{3,}/.test(cp)
    })
    const again = await runCli(args, {cwd: dir})
    expect(again.code).toBe(0)
    const output = (await readFile(join(dir, 'out.log'), 'utf8')).split('\n').filter((l) => l !== '')
    expect(new Set(output)).toEqual(new Set(input))
    const repeated = output.length - input.length
    expect(repeated).toBeGreaterThanOrEqual(0)
    expect(repeated).toBeLessThanOrEqual(1000)
  })
})
