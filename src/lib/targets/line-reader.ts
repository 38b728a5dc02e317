import {isAscii} from 'node:buffer'
import {createReadStream} from 'node:fs'
import {pipeline} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {InputError, NotFoundError} from '../core/errors.js'

export interface Line {
  /** 1-based line number in the (decompressed) input. */
  line: number
  text: string
  /** Byte offset just past this line's newline in the (decompressed) input. */
  end: number
}

const NEWLINE = 0x0a
const CR = 0x0d
const EMPTY = Buffer.alloc(0)
/**
 * Bytes decoded at a time with decodeTogether. V8 puts a string over 128 KiB in its large-object
 * space, where making one costs about 5 times as much per character (~110 ms per 120 MB).
 */
const DECODE_SEGMENT = 64 * 1024

/**
 * Splits a byte stream into lines, yielding them in batches (one batch per chunk read), with
 * line numbers and byte offsets for checkpoints. Handles CRLF, a missing final newline and
 * lines split across chunks. UTF-8 is decoded per line, so multi-byte characters cut by a chunk
 * boundary survive.
 */
export async function* readLines(input: NodeJS.ReadableStream | AsyncIterable<Buffer | string>, startLine = 0, startOffset = 0): AsyncGenerator<Line[]> {
  const lines = new LineSplitter({startLine, startOffset})
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    lines.push(chunk)
    const batch: Line[] = []
    while (lines.next()) batch.push({line: lines.line, text: lines.text, end: lines.end})
    if (batch.length > 0) yield batch
  }
  lines.finish()
  if (lines.next()) yield [{line: lines.line, text: lines.text, end: lines.end}]
}

export interface LineSplitterOptions {
  startLine?: number
  startOffset?: number
  /**
   * Decode the complete lines of up to 64 KiB at once, rather than line by line: one native call
   * for hundreds of lines, for a reader that goes through millions of short ones. A line is then
   * a range of that text (`source`, `from`, `to`), not cut out of it unless `text` is asked for;
   * the texts are the same (a UTF-8 sequence never spans a newline byte), but `text` is a slice
   * that keeps 64 KiB alive for as long as it lives.
   */
  decodeTogether?: boolean
}

/**
 * The line splitting of `readLines`, one line at a time and without an object per line: `push` a
 * chunk, then call `next()` until it returns false, reading `line`, `text` (or `source`, `from`
 * and `to`) and `end` after each true; after the last chunk, `finish()`, then `next()` once more
 * for a last line without a newline.
 */
export class LineSplitter {
  /** The current line's number (1-based) and end offset. */
  line: number
  end: number
  /**
   * The current line's text (without its LF, nor a CR before it) is `source.slice(from, to)`: with
   * decodeTogether, the line is not cut out of the decoded text unless `text` is asked for.
   */
  source = ''
  from = 0
  to = 0
  private readonly together: boolean
  /** The bytes after the last newline so far: the start of a line that a later chunk ends. */
  private carry: Buffer | undefined
  /** A line that began in earlier chunks and ends in this one, with its newline. */
  private spanning: Buffer | undefined
  /** This chunk's complete lines, from `pos` on (`data` ends with a newline, or is empty). */
  private data: Buffer = EMPTY
  private pos = 0
  /**
   * With decodeTogether: `data[segmentStart, segmentEnd)` decoded, and where `pos` is in it (at
   * `pos - segmentStart` when it is ASCII).
   */
  private decoded = ''
  private ascii = true
  private segmentStart = 0
  private segmentEnd = 0
  private charPos = 0
  private finished = false

  constructor(options: LineSplitterOptions = {}) {
    this.line = options.startLine ?? 0
    this.end = options.startOffset ?? 0
    this.together = options.decodeTogether ?? false
  }

  get text(): string {
    return this.from === 0 && this.to === this.source.length ? this.source : this.source.slice(this.from, this.to)
  }

  /**
   * Takes the next chunk; call once the lines of the previous one have all been read. Its bytes
   * must stay as they are until the next chunk is pushed (its last partial line is kept as is).
   */
  push(chunk: Buffer | string): void {
    let buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (this.carry !== undefined) {
      const nl = buf.indexOf(NEWLINE)
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, buf])
        this.data = EMPTY
        this.pos = 0
        return
      }
      this.spanning = Buffer.concat([this.carry, buf.subarray(0, nl + 1)])
      buf = buf.subarray(nl + 1)
    }
    const last = buf.lastIndexOf(NEWLINE)
    this.carry = last + 1 < buf.length ? buf.subarray(last + 1) : undefined
    this.data = buf.subarray(0, last + 1)
    this.pos = 0
    this.segmentStart = 0
    this.segmentEnd = 0
  }

  /** The input has ended: the next `next()` gives the last line if it has no newline. */
  finish(): void {
    this.finished = true
  }

  /** Moves to the next complete line; false when there is none before the next chunk. */
  next(): boolean {
    const spanning = this.spanning
    if (spanning !== undefined) {
      this.spanning = undefined
      this.setLine(spanning, spanning.length - 1)
      return true
    }
    const data = this.data
    const start = this.pos
    if (start < data.length) {
      if (this.together && start === this.segmentEnd) this.decodeSegment(start)
      const ascii = this.together && this.ascii
      const nl = ascii ? this.decoded.indexOf('\n', start - this.segmentStart) + this.segmentStart : data.indexOf(NEWLINE, start)
      const endOfText = nl > start && data[nl - 1] === CR ? nl - 1 : nl
      this.line++
      this.end += nl + 1 - start
      this.pos = nl + 1
      if (!this.together) this.setText(data.toString('utf8', start, endOfText))
      else if (ascii) {
        this.source = this.decoded
        this.from = start - this.segmentStart
        this.to = endOfText - this.segmentStart
      } else {
        // Whole lines decode to the same characters together as one by one: a newline byte is
        // never part of a UTF-8 sequence, and ends any sequence it cuts short.
        const charNl = this.decoded.indexOf('\n', this.charPos)
        this.source = this.decoded
        this.from = this.charPos
        this.to = charNl - (nl - endOfText)
        this.charPos = charNl + 1
      }
      return true
    }
    const carry = this.carry
    if (this.finished && carry !== undefined) {
      this.carry = undefined
      this.setLine(carry, carry.length)
      return true
    }
    return false
  }

  /** Decodes the complete lines of about DECODE_SEGMENT bytes from `start` (at least one line). */
  private decodeSegment(start: number): void {
    const data = this.data
    let end = data.length
    if (start + DECODE_SEGMENT < end) {
      end = data.lastIndexOf(NEWLINE, start + DECODE_SEGMENT - 1) + 1
      if (end <= start) end = data.indexOf(NEWLINE, start + DECODE_SEGMENT) + 1
    }
    const bytes = data.subarray(start, end)
    // ASCII: a character per byte, so that positions in the text are positions in the bytes.
    this.ascii = isAscii(bytes)
    this.decoded = bytes.toString(this.ascii ? 'latin1' : 'utf8')
    this.segmentStart = start
    this.segmentEnd = end
    this.charPos = 0
  }

  /** The line that `bytes` holds, with its newline at `nl` or without one (`nl` its length). */
  private setLine(bytes: Buffer, nl: number): void {
    const endOfText = nl > 0 && bytes[nl - 1] === CR ? nl - 1 : nl
    this.line++
    this.end += bytes.length
    this.setText(bytes.toString('utf8', 0, endOfText))
  }

  private setText(text: string): void {
    this.source = text
    this.from = 0
    this.to = text.length
  }
}

/**
 * A file's bytes for line reading, gunzipped for `.gz` files. Reading what is not a readable file
 * (damaged gzip, a directory) fails as bad input naming the file (see `fileReadError`).
 */
export async function* openFileStream(path: string, options: {start?: number} = {}): AsyncGenerator<Buffer> {
  const gz = path.endsWith('.gz')
  const raw = createReadStream(path, {highWaterMark: 256 * 1024, start: gz ? 0 : options.start})
  // (pipeline, not pipe: a failure to read the file must reach the stream read here.)
  const stream = gz ? pipeline(raw, createGunzip(), () => undefined) : raw
  try {
    for await (const chunk of stream) yield chunk as Buffer
  } catch (error) {
    throw fileReadError(error, path)
  }
}

/**
 * What reading `path` failed with, said as a user should hear it: a gzip file that is damaged or
 * not gzip, a directory, a file this user may not read, a file gone. Anything else as it is.
 */
export function fileReadError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const message = (error as Error | undefined)?.message
  if (code?.startsWith('Z_')) {
    return new InputError(`${path} is not valid gzip: ${message}`, {cause: error, suggestions: ['check it with gzip -t (the lines before the damage may have been read)']})
  }
  if (code === 'EISDIR') return new InputError(`${path} is a directory, not a file`, {cause: error})
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`cannot read ${path}: permission denied`, {cause: error})
  if (code === 'ENOENT') return new NotFoundError(`no such file: ${path}`, {cause: error})
  return error
}
