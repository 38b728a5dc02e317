import {formatAccessLogDocument, parseAccessLine} from '../access-log/index.js'
import {decodeLines} from './reader.js'

/** What parsing one chunk of lines gives, in a form that moves between threads without copying. */
export interface ChunkWork {
  /** The records (JSON documents, or the lines themselves for raw), each ending in a newline, as UTF-8. */
  out: Uint8Array
  /** How many records `out` holds. */
  records: number
  /** The earliest and latest log time of the records, epoch ms (NaN without records). */
  firstTime: number
  lastTime: number
  /** Rejected lines: index within the chunk (0-based), column, reason and the line. */
  rejects: Array<{index: number; column: number; reason: string; text: string}>
  /** Lines in the chunk. */
  lines: number
}

const NEWLINE = 0x0a

/**
 * Parses every line of a chunk (complete lines, `\n`-separated) and encodes its records as
 * UTF-8 lines, the way the main thread does it line by line: the same parser, the same
 * documents, the same rejects.
 */
export function workChunk(bytes: Uint8Array, json: boolean): ChunkWork {
  const text = decodeLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  // The records are written straight into one buffer, with no joined string in between; it grows
  // when a record might not fit (a UTF-16 unit takes at most three bytes). Documents are about
  // twice the size of their log lines.
  let out = new Uint8Array(Math.ceil(bytes.byteLength * (json ? 2.5 : 1)) + 4096)
  let view = Buffer.from(out.buffer)
  const rejects: ChunkWork['rejects'] = []
  let length = 0
  let records = 0
  let lines = 0
  let firstTime = Number.NaN
  let lastTime = Number.NaN
  let s = 0
  while (s < text.length) {
    const nl = text.indexOf('\n', s)
    const next = nl === -1 ? text.length : nl + 1
    let e = nl === -1 ? text.length : nl
    if (e > s && text.charCodeAt(e - 1) === 13) e--
    const parsed = parseAccessLine(text, s, e)
    if (parsed.ok) {
      const entry = parsed.entry
      if (!(entry.time >= firstTime)) firstTime = entry.time
      if (!(entry.time <= lastTime)) lastTime = entry.time
      const record = json ? formatAccessLogDocument(entry) : text.slice(s, e)
      if (length + record.length * 3 + 1 > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, length + record.length * 3 + 1))
        grown.set(out.subarray(0, length))
        out = grown
        view = Buffer.from(out.buffer)
      }
      length += view.write(record, length)
      out[length++] = NEWLINE
      records++
    } else {
      rejects.push({index: lines, column: parsed.column, reason: parsed.reason, text: text.slice(s, e)})
    }
    lines++
    s = next
  }
  return {out: out.subarray(0, length), records, firstTime, lastTime, rejects, lines}
}
