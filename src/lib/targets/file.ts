import {createWriteStream} from 'node:fs'
import {mkdir, stat} from 'node:fs/promises'
import {dirname} from 'node:path'
import {finished} from 'node:stream/promises'
import {createGzip} from 'node:zlib'
import {NotFoundError} from '../core/errors.js'
import {openFileStream, readLines} from './line-reader.js'
import {LineStreamSink} from './stream-writer.js'
import type {InRecord, Sink, SinkOptions, Source, TargetContext} from './types.js'

/** `file:PATH`: one record per line; gzip when the name ends in `.gz`. */
export async function openFileSink(path: string, gzip: boolean, options: SinkOptions = {}): Promise<Sink> {
  await mkdir(dirname(path), {recursive: true})
  const file = createWriteStream(path, {flags: options.append ? 'a' : 'w', highWaterMark: 1 << 20})
  const target = `file:${path}`
  if (!gzip) {
    return new LineStreamSink(target, file, async () => {
      file.end()
      await finished(file)
    })
  }
  const zip = createGzip({level: 6})
  zip.pipe(file)
  return new LineStreamSink(target, zip, async () => {
    zip.end()
    await finished(file)
  })
}

export async function openFileSource(path: string, ctx: TargetContext): Promise<Source> {
  try {
    await stat(path)
  } catch {
    throw new NotFoundError(`no such file: ${path}`)
  }
  let last: string | undefined
  return {
    target: `file:${path}`,
    async *batches(): AsyncIterable<InRecord[]> {
      for await (const lines of readLines(openFileStream(path))) {
        const arrival = ctx.clock.now()
        last = String(lines[lines.length - 1].line)
        yield lines.map((l) => ({data: l.text, arrival, position: `${path}:${l.line}`}))
      }
    },
    checkpoint: () => last,
    async close() {},
  }
}
