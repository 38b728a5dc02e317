import {isAscii} from 'node:buffer'
import {createHash} from 'node:crypto'
import {open, stat, type FileHandle} from 'node:fs/promises'
import type {Clock} from '../core/clock.js'
import {ExternalServiceError} from '../core/errors.js'
import {openFileStream} from '../targets/line-reader.js'

/** Which file a position belongs to: its path and identity (device, inode, first bytes). */
export interface FileIdentity {
  path: string
  dev: number
  ino: number
  /** SHA-1 of the file's first `headBytes` bytes: tells a new file from an old one that reused the inode. */
  head: string
  headBytes: number
}

/** Complete lines read from one file, with the byte range and line numbers they cover. */
export class LineChunk {
  private decoded: string | undefined

  constructor(
    readonly file: FileIdentity | undefined,
    /** Complete lines, each ending in `\n`, except a last line the file ends without. */
    readonly bytes: Buffer,
    /** Line number of the first line (1-based), and how many lines there are. */
    readonly firstLine: number,
    readonly lineCount: number,
    /** Byte offset of the chunk in the (decompressed) file. */
    readonly startOffset: number,
  ) {}

  get endOffset(): number {
    return this.startOffset + this.bytes.length
  }

  /** The lines as text, decoded once, when first asked for (parsing threads never need it here). */
  get text(): string {
    this.decoded ??= decodeLines(this.bytes)
    return this.decoded
  }

  /** The byte offset in the file of character `index` of `text`. */
  offsetOf(index: number): number {
    const text = this.text
    if (index >= text.length) return this.endOffset
    return this.startOffset + (text.length === this.bytes.length ? index : Buffer.byteLength(text.slice(0, index)))
  }
}

/**
 * Decodes lines read from a log. Logs are nearly always ASCII, and ASCII read as Latin-1 is the
 * same text, decoded without UTF-8's validation pass.
 */
export function decodeLines(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
}

export interface ReadPosition {
  offset: number
  line: number
}

export interface FollowOptions {
  clock: Clock
  signal?: AbortSignal
  /** How often to look for new data, rotation and truncation. */
  pollMs: number
  warn?: (message: string) => void
}

const CHUNK_BYTES = 256 * 1024
const HEAD_BYTES = 1024
const NEWLINE = 0x0a

/** The identity of the file now at `path`. */
export async function identify(path: string): Promise<FileIdentity> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    const st = await handle.stat()
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, st.size))
    const {bytesRead} = await handle.read(buf, 0, buf.length, 0)
    return {path, dev: st.dev, ino: st.ino, head: sha1(buf.subarray(0, bytesRead)), headBytes: bytesRead}
  } catch (error) {
    throw fsError(path, error)
  } finally {
    await handle?.close()
  }
}

/** True when `id` still names the file at its path (same inode and same first bytes). */
export async function sameFile(id: FileIdentity): Promise<boolean> {
  let handle: FileHandle | undefined
  try {
    handle = await open(id.path, 'r')
    const st = await handle.stat()
    if (st.dev !== id.dev || st.ino !== id.ino || st.size < id.headBytes) return false
    const buf = Buffer.alloc(id.headBytes)
    const {bytesRead} = await handle.read(buf, 0, buf.length, 0)
    return bytesRead === id.headBytes && sha1(buf) === id.head
  } catch {
    return false
  } finally {
    await handle?.close()
  }
}

/**
 * Splits a byte stream into chunks of complete lines. Decoding a whole chunk at once (not line
 * by line) is what makes replay fast; a newline byte never occurs inside a UTF-8 character, so
 * cutting at the last newline never splits one.
 */
class LineChunker {
  private carry: Buffer | undefined
  constructor(
    private offset: number,
    private line: number,
  ) {}

  get position(): ReadPosition {
    return {offset: this.offset, line: this.line}
  }

  push(file: FileIdentity | undefined, buf: Buffer): LineChunk | undefined {
    const data = this.carry ? Buffer.concat([this.carry, buf]) : buf
    const last = data.lastIndexOf(NEWLINE)
    if (last === -1) {
      this.carry = data
      return undefined
    }
    this.carry = last + 1 < data.length ? data.subarray(last + 1) : undefined
    return this.emit(file, data, last + 1)
  }

  /** The last line when the data ends without a newline; `undefined` when there is none. */
  end(file: FileIdentity | undefined): LineChunk | undefined {
    const rest = this.carry
    this.carry = undefined
    return rest && rest.length > 0 ? this.emit(file, rest, rest.length) : undefined
  }

  /** Forgets a partial line (the file was truncated under it). */
  reset(offset: number, line: number): void {
    this.carry = undefined
    this.offset = offset
    this.line = line
  }

  private emit(file: FileIdentity | undefined, data: Buffer, length: number): LineChunk {
    const bytes = data.subarray(0, length)
    let lines = 0
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) lines++
    if (length > 0 && bytes[length - 1] !== NEWLINE) lines++
    const chunk = new LineChunk(file, bytes, this.line + 1, lines, this.offset)
    this.offset += length
    this.line += lines
    return chunk
  }
}

/** Lines of a stream (stdin, or a gzip file), skipping to `from` by reading (streams cannot seek). */
export async function* readStreamChunks(input: AsyncIterable<Buffer | string>, file: FileIdentity | undefined, from: ReadPosition = {offset: 0, line: 0}): AsyncGenerator<LineChunk> {
  const chunker = new LineChunker(from.offset, from.line)
  let skip = from.offset
  for await (const piece of input) {
    let buf = typeof piece === 'string' ? Buffer.from(piece) : piece
    if (skip > 0) {
      const n = Math.min(skip, buf.length)
      skip -= n
      buf = buf.subarray(n)
      if (buf.length === 0) continue
    }
    const chunk = chunker.push(file, buf)
    if (chunk) yield chunk
  }
  const last = chunker.end(file)
  if (last) yield last
}

/** A gzip file's lines (offsets count decompressed bytes). */
export function readGzipChunks(file: FileIdentity, from?: ReadPosition): AsyncGenerator<LineChunk> {
  return readStreamChunks(openFileStream(file.path), file, from)
}

/**
 * A plain file's lines from `from`. With `follow`, keeps reading as the file grows, like
 * `tail -F`: when the path is renamed away or deleted and a new file appears (rotation), it
 * finishes the old file and continues with the new one from its start; when the file shrinks
 * under the read position (copytruncate), it starts again at the beginning. A partial last line
 * is held back until its newline arrives (or the file is rotated away).
 */
export async function* readFileChunks(file: FileIdentity, from: ReadPosition, follow?: FollowOptions): AsyncGenerator<LineChunk> {
  let current = file
  let handle = await openHandle(current.path)
  const chunker = new LineChunker(from.offset, from.line)
  let position = from.offset
  // The next read is under way while the caller works on the chunk just yielded.
  let pending = readAt(handle, position)
  try {
    while (true) {
      const bytes = await pending
      if (bytes.length > 0) {
        position += bytes.length
        pending = readAt(handle, position)
        const chunk = chunker.push(current, bytes)
        if (chunk) yield chunk
        continue
      }
      if (!follow) {
        const last = chunker.end(current)
        if (last) yield last
        return
      }
      if (follow.signal?.aborted) return
      const now = await statOrUndefined(current.path)
      const open = await handle.stat()
      if (now && (now.ino !== current.ino || now.dev !== current.dev)) {
        // Rotated: read what was appended to the old file before it moved; then it is complete,
        // and its last line needs no newline any more.
        for (let more = await readAt(handle, position); more.length > 0; more = await readAt(handle, position)) {
          position += more.length
          const chunk = chunker.push(current, more)
          if (chunk) yield chunk
        }
        const last = chunker.end(current)
        if (last) yield last
        follow.warn?.(`${current.path} was rotated; reading the new file from its start.`)
        await handle.close()
        handle = await openHandle(current.path)
        current = await identify(current.path)
        chunker.reset(0, 0)
        position = 0
        pending = readAt(handle, position)
        continue
      }
      if (open.size < position) {
        follow.warn?.(`${current.path} was truncated; reading it again from its start.`)
        chunker.reset(0, 0)
        position = 0
        current = await identify(current.path)
        pending = readAt(handle, position)
        continue
      }
      await follow.clock.sleep(follow.pollMs, follow.signal)
      pending = readAt(handle, position)
    }
  } finally {
    // A read may still be under way when the caller stops early.
    await pending.catch(() => undefined)
    await handle.close()
  }
}

async function readAt(handle: FileHandle, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES)
  const {bytesRead} = await handle.read(buf, 0, CHUNK_BYTES, position)
  return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead)
}

async function openHandle(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r')
  } catch (error) {
    throw fsError(path, error)
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path)
  } catch {
    return undefined
  }
}

function sha1(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex')
}

function fsError(path: string, error: unknown): ExternalServiceError {
  const message = error instanceof Error ? error.message : String(error)
  return new ExternalServiceError('file system', `cannot read ${path}: ${message}`, {cause: error})
}
