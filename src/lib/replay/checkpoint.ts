import {randomUUID} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {ExternalServiceError, InputError} from '../core/errors.js'
import {writeFileAtomic} from '../core/files.js'
import type {FileIdentity} from './reader.js'

/** How far replay got in one input file. */
export interface FileProgress {
  file: FileIdentity
  /** Byte offset just past the last line delivered or set aside. */
  offset: number
  /** Number of that last line. A later run reads on from here, so lines appended since are replayed too. */
  line: number
}

/**
 * What `--checkpoint FILE` holds, and the mark replay stores with each batch in sinks that keep
 * marks (local streams). `producer` names this replay to those sinks: it is made when the
 * checkpoint file is first written, so the same command resumes as the same producer, and
 * deleting the checkpoint file starts afresh.
 */
export interface ReplayCheckpoint {
  version: 1
  producer: string
  files: FileProgress[]
}

export function newCheckpoint(): ReplayCheckpoint {
  return {version: 1, producer: `replay-${randomUUID()}`, files: []}
}

/** Reads a checkpoint file; `undefined` when there is none yet. */
export async function loadCheckpoint(path: string): Promise<ReplayCheckpoint | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ExternalServiceError('file system', `cannot read the checkpoint ${path}: ${(error as Error).message}`, {cause: error})
  }
  const parsed = parseCheckpoint(text)
  if (!parsed) {
    throw new InputError(`${path} is not a replay checkpoint.`, {
      location: {file: path},
      suggestions: ['Name another --checkpoint file, or delete this one to replay from the start.'],
    })
  }
  return parsed
}

/** Parses a checkpoint (or a stored mark); `undefined` when the text is not one. */
export function parseCheckpoint(text: string): ReplayCheckpoint | undefined {
  try {
    const value = JSON.parse(text) as ReplayCheckpoint
    if (value?.version !== 1 || typeof value.producer !== 'string' || !Array.isArray(value.files)) return undefined
    return value
  } catch {
    return undefined
  }
}

/** Writes the checkpoint atomically: a crash leaves the old file or the new one, never half of one. */
export async function saveCheckpoint(path: string, checkpoint: ReplayCheckpoint): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(checkpoint)}\n`)
}
