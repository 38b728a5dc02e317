import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {InputError} from '../../core/errors.js'

/** `stream.json`: what `streams create` decided. */
export interface LocalStreamConfig {
  name: string
  shards: number
  retentionHours: number
  /** ISO-8601 time of creation. */
  createdAt: string
  /** Segment format version, so a later release can read old streams or refuse them clearly. */
  format: 1
}

export const CONFIG_FILE = 'stream.json'
export const LOCK_FILE = '.append.lock'
export const DEFAULT_SHARDS = 1
/** Kinesis' default retention, so moving a pipeline to AWS keeps its behaviour. */
export const DEFAULT_RETENTION_HOURS = 24
export const MAX_RETENTION_HOURS = 8760
export const MAX_SHARDS = 1024
/** A segment is closed and a new one started past this size; retention deletes whole segments. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024

export function readStreamConfig(dir: string): LocalStreamConfig {
  const path = join(dir, CONFIG_FILE)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as Error).message}`, {cause: error})
  }
  try {
    const config = JSON.parse(text) as LocalStreamConfig
    if (!Number.isInteger(config.shards) || config.shards < 1) throw new Error('shards must be a positive integer')
    if (!(config.retentionHours > 0)) throw new Error('retentionHours must be positive')
    return config
  } catch (error) {
    throw new InputError(`${path} is damaged: ${(error as Error).message}`, {location: {file: path}, cause: error})
  }
}
