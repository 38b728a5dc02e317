import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {InputError, NotFoundError} from '../../../src/lib/core/errors.js'
import {openFileStream, readLines} from '../../../src/lib/targets/line-reader.js'
import {useTempDir} from '../../helpers/temp-dir.js'

async function collect(chunks: string[]) {
  const out = []
  for await (const batch of readLines((async function* () { for (const c of chunks) yield Buffer.from(c) })())) out.push(...batch)
  return out
}

describe('readLines', () => {
  it('joins lines split across chunks and numbers them', async () => {
    const lines = await collect(['ab', 'c\nde', 'f\r\ng'])
    expect(lines.map((l) => [l.line, l.text, l.end])).toEqual([
      [1, 'abc', 4],
      [2, 'def', 9],
      [3, 'g', 10],
    ])
  })

  it('keeps multi-byte characters cut by a chunk boundary', async () => {
    const bytes = Buffer.from('héllo\n')
    const out = []
    for await (const batch of readLines((async function* () { yield bytes.subarray(0, 2); yield bytes.subarray(2) })())) out.push(...batch)
    expect(out[0].text).toBe('héllo')
  })
})

describe('openFileStream', () => {
  const tempDir = useTempDir('clickstream-line-reader-')
  const linesOf = async (path: string) => {
    const out: string[] = []
    for await (const batch of readLines(openFileStream(path))) out.push(...batch.map((l) => l.text))
    return out
  }

  it('reads a gzip file, and says a damaged one is not valid gzip, having given lines from before the damage', async () => {
    const dir = await tempDir()
    const text = Array.from({length: 20_000}, (_, i) => `line ${i} ${(i * 7919) % 104729}`)
    const good = gzipSync(Buffer.from(text.join('\n') + '\n'))
    await writeFile(join(dir, 'ok.log.gz'), good)
    expect(await linesOf(join(dir, 'ok.log.gz'))).toEqual(text)
    await writeFile(join(dir, 'damaged.log.gz'), Buffer.concat([good, Buffer.from('not gzip at all')]))
    const lines: string[] = []
    const read = async () => {
      for await (const batch of readLines(openFileStream(join(dir, 'damaged.log.gz')))) lines.push(...batch.map((l) => l.text))
    }
    const error = await read().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect(error).toMatchObject({message: `${join(dir, 'damaged.log.gz')} is not valid gzip: incorrect header check`, exitCode: 3})
    expect(lines.length).toBeGreaterThan(0)
    expect(lines).toEqual(text.slice(0, lines.length))
  })

  it.each(['folder', 'folder.gz'])('says a directory is not a file (%s)', async (name) => {
    const dir = await tempDir()
    await mkdir(join(dir, name))
    await expect(linesOf(join(dir, name))).rejects.toThrow(new InputError(`${join(dir, name)} is a directory, not a file`))
  })

  it('says a file that is not there is not found', async () => {
    const dir = await tempDir()
    await expect(linesOf(join(dir, 'gone.log.gz'))).rejects.toThrow(NotFoundError)
  })
})
