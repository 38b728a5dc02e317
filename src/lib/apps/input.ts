import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {InputError, NotFoundError} from '../core/errors.js'
import {DISCOVERY_SAMPLE_SIZE, discoverInputSchema} from '../sql/input/discover.js'
import {parseInputSchema, type InputMapping, type InputSchemaJson} from '../sql/input/schema.js'
import type {InRecord} from '../targets/types.js'

/** Where the input schema came from, for summaries. */
export type SchemaOrigin = 'file' | 'discovered'

export interface ResolvedSchema {
  mapping: InputMapping
  json: InputSchemaJson | unknown
  origin: SchemaOrigin
  file?: string
}

export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${what} not found: ${path}`)
    throw new InputError(`cannot read ${what} ${path}: ${(error as Error).message}`, {location: {file: path}})
  }
}

export async function loadSchemaFile(path: string): Promise<ResolvedSchema> {
  const text = await readTextFile(path, 'input schema')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new InputError(`input schema is not valid JSON: ${(error as Error).message}`, {location: {file: path}})
  }
  return {mapping: parseInputSchema(json, path), json, origin: 'file', file: path}
}

/** The templates' convention: `APP.sql` ships with `APP.schema.json` beside it. */
export function adjacentSchemaFile(sqlFile: string): string | undefined {
  const candidate = sqlFile.replace(/\.sql$/i, '') + '.schema.json'
  return candidate !== sqlFile && existsSync(candidate) ? candidate : undefined
}

export interface Peeked {
  samples: string[]
  /** The same batches, the sampled ones first: nothing read for discovery is lost. */
  batches: AsyncIterable<InRecord[]>
}

/** Reads the first `count` records (or to the end) for discovery, keeping them for the run. */
export async function peekRecords(source: AsyncIterable<InRecord[]>, count = DISCOVERY_SAMPLE_SIZE): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]()
  const buffered: InRecord[][] = []
  const samples: string[] = []
  let done = false
  while (samples.length < count) {
    const next = await iterator.next()
    if (next.done) {
      done = true
      break
    }
    buffered.push(next.value)
    for (const r of next.value) if (samples.length < count) samples.push(r.data)
  }
  return {
    samples,
    batches: {
      async *[Symbol.asyncIterator]() {
        try {
          yield* buffered
          if (done) return
          while (true) {
            const next = await iterator.next()
            if (next.done) return
            yield next.value
          }
        } finally {
          await iterator.return?.()
        }
      },
    },
  }
}

export function discoverSchema(samples: string[], what: string): ResolvedSchema {
  const {schema, mapping} = discoverInputSchema(samples, {what})
  return {mapping, json: schema, origin: 'discovered'}
}
