import {closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {ConflictError, NotFoundError, UsageError} from '../../core/errors.js'
import type {Workspace} from '../workspace.js'
import {CONFIG_FILE, DEFAULT_RETENTION_HOURS, DEFAULT_SHARDS, MAX_RETENTION_HOURS, MAX_SHARDS, readStreamConfig, type LocalStreamConfig} from './config.js'
import {isControlLine, parseRecordLine, segmentFirstSeq} from './format.js'
import {findLastControl, listSegments, readFully} from './segment-io.js'

const NAME = /^[A-Za-z0-9_.-]{1,128}$/

export interface CreateStreamOptions {
  shards?: number
  retentionHours?: number
}

export function streamDir(ws: Workspace, name: string): string {
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new UsageError(`'${name}' is not a stream name: use 1-128 letters, digits, _ . or -.`)
  }
  return join(ws.streams, name)
}

export function streamExists(ws: Workspace, name: string): boolean {
  return existsSync(join(streamDir(ws, name), CONFIG_FILE))
}

/**
 * Creates a local stream. The folder is prepared under a temporary name and renamed into place,
 * so a stream is never seen half made, and two processes creating one stream cannot both win.
 */
export function createStream(ws: Workspace, name: string, options: CreateStreamOptions = {}): LocalStreamConfig {
  const dir = streamDir(ws, name)
  const shards = options.shards ?? DEFAULT_SHARDS
  const retentionHours = options.retentionHours ?? DEFAULT_RETENTION_HOURS
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new UsageError(`--shards must be a whole number from 1 to ${MAX_SHARDS}; got ${shards}.`)
  if (!(retentionHours >= 1 && retentionHours <= MAX_RETENTION_HOURS)) {
    throw new UsageError(`--retention must be from 1 hour to ${MAX_RETENTION_HOURS} hours (365 days); got ${retentionHours} hours.`)
  }
  if (existsSync(dir)) throw new ConflictError(`local stream '${name}' exists already.`, {suggestions: [`Delete it first: clickstream streams delete local:${name}`]})
  mkdirSync(ws.streams, {recursive: true})
  const config: LocalStreamConfig = {name, shards, retentionHours, createdAt: new Date().toISOString(), format: 1}
  const temp = join(ws.streams, `.creating-${name}-${randomBytes(4).toString('hex')}`)
  mkdirSync(temp)
  writeFileSync(join(temp, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n')
  try {
    renameSync(temp, dir)
  } catch (error) {
    rmSync(temp, {recursive: true, force: true})
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new ConflictError(`local stream '${name}' exists already.`)
    throw error
  }
  return config
}

/** Creates the stream unless it exists (another process may create it at the same moment). */
export function ensureStream(ws: Workspace, name: string, options: CreateStreamOptions = {}): {config: LocalStreamConfig; created: boolean} {
  if (streamExists(ws, name)) return {config: readStreamConfig(streamDir(ws, name)), created: false}
  try {
    return {config: createStream(ws, name, options), created: true}
  } catch (error) {
    if (error instanceof ConflictError && streamExists(ws, name)) return {config: readStreamConfig(streamDir(ws, name)), created: false}
    throw error
  }
}

export function listStreams(ws: Workspace): LocalStreamConfig[] {
  if (!existsSync(ws.streams)) return []
  return readdirSync(ws.streams)
    .filter((name) => !name.startsWith('.') && existsSync(join(ws.streams, name, CONFIG_FILE)))
    .sort()
    .map((name) => readStreamConfig(join(ws.streams, name)))
}

export function notFound(ws: Workspace, name: string): NotFoundError {
  const names = listStreams(ws).map((s) => s.name)
  return new NotFoundError(`local stream '${name}' does not exist in ${ws.streams}.`, {
    suggestions: [
      names.length > 0 ? `Existing local streams: ${names.join(', ')}.` : 'There are no local streams yet.',
      `Create it: clickstream streams create local:${name}`,
    ],
  })
}

export interface SegmentInfo {
  name: string
  firstSeq: number
  bytes: number
  modified: string
}

export interface LocalStreamDescription extends LocalStreamConfig {
  kind: 'local'
  path: string
  segments: SegmentInfo[]
  bytes: number
  /** Records currently kept (committed, not yet removed by retention). */
  records: number
  firstSeq: number
  nextSeq: number
  /** The record clock of the oldest and newest records kept, ISO-8601; absent when empty. */
  oldestRecordTime?: string
  newestRecordTime?: string
  lastWrite?: string
}

export function describeStream(ws: Workspace, name: string): LocalStreamDescription {
  const dir = streamDir(ws, name)
  if (!streamExists(ws, name)) throw notFound(ws, name)
  const config = readStreamConfig(dir)
  const segments: SegmentInfo[] = listSegments(dir).map((file) => {
    const stat = statSync(join(dir, file))
    return {name: file, firstSeq: segmentFirstSeq(file), bytes: stat.size, modified: stat.mtime.toISOString()}
  })
  const firstSeq = segments[0]?.firstSeq ?? 0
  let nextSeq = firstSeq
  let lastWrite: string | undefined
  for (const segment of [...segments].reverse()) {
    const last = findLastControl(join(dir, segment.name), segment.bytes)
    if (last) {
      nextSeq = last.control.nextSeq
      lastWrite = new Date(last.control.wallMs).toISOString()
      break
    }
  }
  const description: LocalStreamDescription = {
    kind: 'local',
    ...config,
    path: dir,
    segments,
    bytes: segments.reduce((sum, s) => sum + s.bytes, 0),
    records: nextSeq - firstSeq,
    firstSeq,
    nextSeq,
  }
  if (lastWrite) description.lastWrite = lastWrite
  if (nextSeq > firstSeq) {
    const oldest = firstRecordTime(join(dir, segments[0].name))
    const newest = lastRecordTime(dir, segments)
    if (oldest !== undefined) description.oldestRecordTime = new Date(oldest).toISOString()
    if (newest !== undefined) description.newestRecordTime = new Date(newest).toISOString()
  }
  return description
}

export function deleteStream(ws: Workspace, name: string): void {
  const dir = streamDir(ws, name)
  if (!streamExists(ws, name)) throw notFound(ws, name)
  // Renamed away first, so writers and readers see it gone at once, however long removal takes.
  const doomed = join(ws.streams, `.deleting-${name}-${randomBytes(4).toString('hex')}`)
  renameSync(dir, doomed)
  rmSync(doomed, {recursive: true, force: true})
}

function firstRecordTime(path: string): number | undefined {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(64 * 1024)
    const n = readFully(fd, buf, 0)
    const text = buf.toString('utf8', 0, n)
    for (const line of text.split('\n')) {
      if (line && !isControlLine(line)) return parseRecordLine(line)?.time
    }
    return undefined
  } finally {
    closeSync(fd)
  }
}

function lastRecordTime(dir: string, segments: SegmentInfo[]): number | undefined {
  for (const segment of [...segments].reverse()) {
    const path = join(dir, segment.name)
    const last = findLastControl(path, segment.bytes, (line) => line.startsWith('#commit'))
    if (!last) continue
    const fd = openSync(path, 'r')
    try {
      const from = Math.max(0, last.end - 256 * 1024)
      const buf = Buffer.allocUnsafe(last.end - from)
      readFully(fd, buf, from)
      const lines = buf.toString('utf8').split('\n')
      for (let i = lines.length - 1; i >= 0; i--) {
        if (lines[i] && !isControlLine(lines[i])) {
          const record = parseRecordLine(lines[i])
          if (record) return record.time
        }
      }
    } finally {
      closeSync(fd)
    }
  }
  return undefined
}
