import {appendFile, copyFile, readFile, rename, truncate, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ManualClock, systemClock} from '../../../src/lib/core/clock.js'
import {formatAccessLine} from '../../../src/lib/access-log/index.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {openSource} from '../../../src/lib/targets/index.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {runReplay} from './helpers.js'

const tempDir = useTempDir('clickstream-checkpoint-')

/** `n` distinct log lines, one second apart, starting at `from`. */
function logLines(n: number, from = 0): string[] {
  return Array.from({length: n}, (_, i) =>
    formatAccessLine({host: `10.0.${Math.floor((from + i) / 250)}.${(from + i) % 250}`, ident: '-', authuser: '-', time: Date.UTC(2026, 0, 1) + (from + i) * 1000, timezone: '+0000', request: `GET /page/${from + i} HTTP/1.1`, status: 200, bytes: 100, referer: '-', userAgent: 'test'}),
  )
}

async function outputLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '')
}

async function streamLines(dir: string, name: string): Promise<string[]> {
  const source = await openSource({kind: 'local', name}, {workspace: resolveWorkspace({workspace: `${dir}/.clickstream`}), aws: {}, clock: new ManualClock()})
  const out: string[] = []
  for await (const batch of source.batches()) out.push(...batch.map((r) => r.data))
  await source.close()
  return out
}

describe('replay --checkpoint', () => {
  it('resumes a stopped replay into a file where it stopped: no line lost, none repeated', async () => {
    const dir = await tempDir()
    const input = logLines(5000)
    await writeFile(join(dir, 'access_log'), `${input.join('\n')}\n`)
    const controller = new AbortController()
    const first = await runReplay(dir, ['access_log'], {
      to: `file:${dir}/out.log`,
      checkpoint: `${dir}/replay.checkpoint`,
      batchLines: 100,
      signal: controller.signal,
      onProgress: (p) => p.read >= 1200 && controller.abort(),
    })
    expect(first.result.interrupted).toBe(true)
    expect(first.result.delivered).toBeLessThan(5000)

    const second = await runReplay(dir, ['access_log'], {to: `file:${dir}/out.log`, checkpoint: `${dir}/replay.checkpoint`, batchLines: 100})
    expect(second.result.files[0]).toMatchObject({start: 'checkpoint', startedAfterLine: first.result.delivered})
    expect(first.result.delivered + second.result.delivered).toBe(5000)
    expect(await outputLines(`${dir}/out.log`)).toEqual(input)
  })

  it('sends only the lines appended since the last run', async () => {
    const dir = await tempDir()
    const log = join(dir, 'access_log')
    await writeFile(log, `${logLines(10).join('\n')}\n`)
    await runReplay(dir, [log], {to: `file:${dir}/out.log`, checkpoint: `${dir}/cp`})
    await appendFile(log, `${logLines(5, 10).join('\n')}\n`)
    const again = await runReplay(dir, [log], {to: `file:${dir}/out.log`, checkpoint: `${dir}/cp`})
    expect(again.result.delivered).toBe(5)
    expect(await outputLines(`${dir}/out.log`)).toEqual(logLines(15))
  })

  it('replays a file from its start when it is not the file the checkpoint saw (rotated away)', async () => {
    const dir = await tempDir()
    const log = join(dir, 'access_log')
    await writeFile(log, `${logLines(10).join('\n')}\n`)
    await runReplay(dir, [log], {to: `file:${dir}/out.log`, checkpoint: `${dir}/cp`})
    await rename(log, `${log}.1`)
    await writeFile(log, `${logLines(3, 100).join('\n')}\n`)
    const again = await runReplay(dir, [log], {to: `file:${dir}/out.log`, checkpoint: `${dir}/cp`})
    expect(again.result.delivered).toBe(3)
    expect(again.warnings.join('\n')).toContain('not the file the checkpoint saw')
  })

  it("into a local stream, trusts the mark stored with the records over a checkpoint file left behind by a crash", async () => {
    const dir = await tempDir()
    const input = logLines(3000)
    await writeFile(join(dir, 'access_log'), `${input.join('\n')}\n`)
    const controller = new AbortController()
    let stale: Promise<void> | undefined
    await runReplay(dir, ['access_log'], {
      to: 'local:web',
      checkpoint: `${dir}/cp`,
      batchLines: 100,
      signal: controller.signal,
      onProgress: (p) => {
        // A copy of the checkpoint file as it was a few batches before the "crash".
        if (p.read === 500) stale = copyFile(`${dir}/cp`, `${dir}/cp.stale`)
        if (p.read >= 1500) controller.abort()
      },
    })
    await stale
    await rename(`${dir}/cp.stale`, `${dir}/cp`)
    await runReplay(dir, ['access_log'], {to: 'local:web', checkpoint: `${dir}/cp`, batchLines: 100})
    expect(await streamLines(dir, 'web')).toEqual(input)
  })

  it('starts afresh when the checkpoint file is deleted', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'access_log'), `${logLines(4).join('\n')}\n`)
    await runReplay(dir, ['access_log'], {to: 'local:web', checkpoint: `${dir}/cp`})
    await writeFile(`${dir}/cp`, '')
    await expect(runReplay(dir, ['access_log'], {to: 'local:web', checkpoint: `${dir}/cp`})).rejects.toThrow('is not a replay checkpoint')
    const {rm} = await import('node:fs/promises')
    await rm(`${dir}/cp`)
    const again = await runReplay(dir, ['access_log'], {to: 'local:web', checkpoint: `${dir}/cp`})
    expect(again.result.delivered).toBe(4)
    expect(await streamLines(dir, 'web')).toHaveLength(8)
  })
})

describe('replay --follow', () => {
  it('keeps reading as the file grows, through rotation and truncation, until stopped', async () => {
    const dir = await tempDir()
    const log = join(dir, 'access_log')
    await writeFile(log, `${logLines(3).join('\n')}\n`)
    const controller = new AbortController()
    const seen: number[] = []
    const waitFor = async (n: number) => {
      for (let i = 0; i < 500 && (seen.at(-1) ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 10))
      expect(seen.at(-1)).toBeGreaterThanOrEqual(n)
    }
    const running = runReplay(dir, [log], {to: `file:${dir}/out.log`, follow: true, pollMs: 10, clock: systemClock, signal: controller.signal, onProgress: (p) => seen.push(p.read)})
    await waitFor(3)
    // A line written in two parts is sent once it is complete.
    const [fourth, fifth] = logLines(2, 3)
    await appendFile(log, fourth.slice(0, 20))
    await new Promise((r) => setTimeout(r, 50))
    await appendFile(log, `${fourth.slice(20)}\n${fifth}\n`)
    await waitFor(5)
    // logrotate's default: rename, then a new file.
    await rename(log, `${log}.1`)
    await writeFile(log, `${logLines(2, 5).join('\n')}\n`)
    await waitFor(7)
    // copytruncate: the file is emptied in place and written again.
    await truncate(log, 0)
    await new Promise((r) => setTimeout(r, 50))
    await appendFile(log, `${logLines(1, 7).join('\n')}\n`)
    await waitFor(8)
    controller.abort()
    const {result, warnings} = await running
    expect(await outputLines(`${dir}/out.log`)).toEqual(logLines(8))
    expect(result).toMatchObject({read: 8, delivered: 8, interrupted: true})
    expect(warnings.join('\n')).toMatch(/rotated[\s\S]*truncated/)
  })

  it('checkpoints the position in the new file after a rotation, so the next run resumes there', async () => {
    const dir = await tempDir()
    const log = join(dir, 'access_log')
    await writeFile(log, `${logLines(2).join('\n')}\n`)
    const controller = new AbortController()
    let read = 0
    const running = runReplay(dir, [log], {to: `file:${dir}/out.log`, checkpoint: `${dir}/cp`, follow: true, pollMs: 10, clock: systemClock, signal: controller.signal, onProgress: (p) => (read = p.read)})
    for (let i = 0; i < 500 && read < 2; i++) await new Promise((r) => setTimeout(r, 10))
    await rename(log, `${log}.1`)
    await writeFile(log, `${logLines(3, 2).join('\n')}\n`)
    for (let i = 0; i < 500 && read < 5; i++) await new Promise((r) => setTimeout(r, 10))
    controller.abort()
    await running
    await appendFile(log, `${logLines(1, 5).join('\n')}\n`)
    const again = await runReplay(dir, [log], {to: `file:${dir}/out.log`, checkpoint: `${dir}/cp`})
    expect(again.result.files[0]).toMatchObject({start: 'checkpoint', startedAfterLine: 3})
    expect(await outputLines(`${dir}/out.log`)).toEqual(logLines(6))
  })

  it('starts at the end of the file with --from end', async () => {
    const dir = await tempDir()
    const log = join(dir, 'access_log')
    await writeFile(log, `${logLines(3).join('\n')}\n`)
    const controller = new AbortController()
    let read = 0
    const running = runReplay(dir, [log], {to: `file:${dir}/out.log`, follow: true, from: 'end', pollMs: 10, clock: systemClock, signal: controller.signal, onProgress: (p) => (read = p.read)})
    await new Promise((r) => setTimeout(r, 100))
    await appendFile(log, `${logLines(1, 3).join('\n')}\n`)
    for (let i = 0; i < 500 && read < 1; i++) await new Promise((r) => setTimeout(r, 10))
    controller.abort()
    const {result} = await running
    expect(await outputLines(`${dir}/out.log`)).toEqual(logLines(1, 3))
    expect(result.files[0]).toMatchObject({start: 'end', startedAfterLine: 3})
  })
})
