import {createReadStream} from 'node:fs'
import {createGunzip} from 'node:zlib'

export interface Line {
  /** 1-based line number in the (decompressed) input. */
  line: number
  text: string
  /** Byte offset just past this line's newline in the (decompressed) input. */
  end: number
}

const NEWLINE = 0x0a

/**
 * Splits a byte stream into lines, yielding them in batches (one batch per chunk read), with
 * line numbers and byte offsets for checkpoints. Handles CRLF, a missing final newline and
 * lines split across chunks. UTF-8 is decoded per line, so multi-byte characters cut by a chunk
 * boundary survive.
 */
export async function* readLines(input: NodeJS.ReadableStream | AsyncIterable<Buffer | string>, startLine = 0, startOffset = 0): AsyncGenerator<Line[]> {
  let carry: Buffer | undefined
  let lineNo = startLine
  let offset = startOffset
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    const data = carry ? Buffer.concat([carry, buf]) : buf
    const batch: Line[] = []
    let start = 0
    let nl = data.indexOf(NEWLINE, start)
    while (nl !== -1) {
      const endOfText = nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl
      offset += nl + 1 - start
      batch.push({line: ++lineNo, text: data.toString('utf8', start, endOfText), end: offset})
      start = nl + 1
      nl = data.indexOf(NEWLINE, start)
    }
    carry = start < data.length ? data.subarray(start) : undefined
    if (batch.length > 0) yield batch
  }
  if (carry && carry.length > 0) {
    const endOfText = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length
    offset += carry.length
    yield [{line: ++lineNo, text: carry.toString('utf8', 0, endOfText), end: offset}]
  }
}

/** Opens a file for line reading, gunzipping `.gz` files. */
export function openFileStream(path: string, options: {start?: number} = {}): NodeJS.ReadableStream {
  const gz = path.endsWith('.gz')
  const raw = createReadStream(path, {highWaterMark: 256 * 1024, start: gz ? 0 : options.start})
  return gz ? raw.pipe(createGunzip()) : raw
}
