import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {createStream, LocalStreamReader, LocalStreamWriter, streamDir} from '../../../../src/lib/local/streams/index.js'
import {resolveWorkspace} from '../../../../src/lib/local/workspace.js'
import {useTempDir} from '../../../helpers/temp-dir.js'

// Child processes run the built library (npm run build), as the CLI does.
const DIST = fileURLToPath(new URL('../../../../dist/lib/local/streams/index.js', import.meta.url))
const tempDir = useTempDir()

/** A writer process: BATCHES batches of SIZE records, each batch marked with its number. */
function writerProcess(dir: string, producer: string, batches: number, size: number) {
  const code = `
    import {LocalStreamWriter} from ${JSON.stringify(DIST)}
    const writer = new LocalStreamWriter(${JSON.stringify(dir)}, {producerId: ${JSON.stringify(producer)}})
    const start = Number(writer.lastMark() ?? -1) + 1
    for (let b = start; b < ${batches}; b++) {
      const batch = Array.from({length: ${size}}, (_, i) => ({data: '{"p":"${producer}","b":' + b + ',"i":' + i + '}', time: b, partitionKey: 'k' + i}))
      await writer.append(batch, String(b))
      if (b === 0) process.stdout.write('started\\n')
    }
    process.stdout.write('done\\n')
  `
  return spawn(process.execPath, ['--input-type=module', '-e', code], {stdio: ['ignore', 'pipe', 'inherit']})
}

function exit(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(signal ? -1 : code)))
}

async function readAll(dir: string) {
  const out = []
  for await (const batch of new LocalStreamReader(dir, 'web').batches()) out.push(...batch)
  return out
}

describe('local streams shared by processes', () => {
  it('keeps every record of three concurrent writer processes exactly once, numbered without gaps, while a reader follows', async () => {
    const ws = resolveWorkspace({workspace: await tempDir()})
    createStream(ws, 'web', {shards: 4})
    const dir = streamDir(ws, 'web')
    const controller = new AbortController()
    const followed: number[] = []
    const follower = (async () => {
      for await (const batch of new LocalStreamReader(dir, 'web', {follow: true, signal: controller.signal, pollMs: 20}).batches()) {
        followed.push(...batch.map((r) => r.seq))
        if (followed.length === 3 * 100 * 50) controller.abort()
      }
    })()
    const codes = await Promise.all(['a', 'b', 'c'].map((p) => exit(writerProcess(dir, p, 100, 50))))
    expect(codes).toEqual([0, 0, 0])
    await follower
    const all = await readAll(dir)
    expect(all.map((r) => r.seq)).toEqual(Array.from({length: 15_000}, (_, i) => i))
    expect(new Set(all.map((r) => r.data)).size).toBe(15_000)
    expect(followed).toEqual(all.map((r) => r.seq))
    for (const p of ['a', 'b', 'c']) expect(new LocalStreamWriter(dir, {producerId: p}).lastMark()).toBe('99')
  })

  it('after kill -9 in the middle of writing, a resumed writer stores each batch exactly once', async () => {
    const ws = resolveWorkspace({workspace: await tempDir()})
    createStream(ws, 'web')
    const dir = streamDir(ws, 'web')
    const child = writerProcess(dir, 'replay', 100_000, 200)
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()))
    await new Promise((resolve) => setTimeout(resolve, 150))
    child.kill('SIGKILL')
    expect(await exit(child)).toBe(-1)
    const mark = Number(new LocalStreamWriter(dir, {producerId: 'replay'}).lastMark())
    const before = await readAll(dir)
    // Exactly the batches up to the stored mark, each complete.
    expect(before.length).toBe((mark + 1) * 200)
    // Resume to a smaller end so the test is quick: batches mark+1 .. mark+20.
    expect(await exit(writerProcess(dir, 'replay', mark + 21, 200))).toBe(0)
    const after = await readAll(dir)
    const keys = after.map((r) => r.data)
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys.length).toBe((mark + 21) * 200)
    expect(after.map((r) => r.seq)).toEqual(Array.from({length: keys.length}, (_, i) => i))
  })
})
