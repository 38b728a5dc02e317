import {formatAccessLogDocument, parseAccessLine, verbOf, type AccessLogEntry} from '../access-log/index.js'

/** What parsing one chunk of lines gives, in a form cheap to pass between threads. */
export interface ChunkWork {
  /**
   * The records (JSON documents, or the lines themselves for raw), each followed by a newline,
   * as UTF-8 bytes: a buffer moves between threads without copying, where a string is serialized.
   */
  out: Uint8Array
  /** For each record, where it ends in `out` (in characters, just past its newline). */
  bounds: Uint32Array
  /** Each record's log time, epoch ms. */
  times: Float64Array
  /**
   * Each record's partition key, joined by newlines (one string crosses threads far faster than
   * an array of them); an empty key means none (the target chooses). Undefined without a key field.
   */
  keys: string | undefined
  /** Rejected lines: index within the chunk (0-based), column, reason and the line. */
  rejects: Array<{index: number; column: number; reason: string; text: string}>
  /** Lines in the chunk. */
  lines: number
}

/** The partition key of an entry, read from the document field the user named. */
export function keyReader(field: string): ((entry: AccessLogEntry) => string | undefined) | undefined {
  switch (field) {
    case 'host':
      return (e) => e.host
    case 'ident':
      return (e) => e.ident
    case 'authuser':
      return (e) => e.authuser
    case 'request':
      return (e) => e.request
    case 'response':
      return (e) => String(e.status)
    case 'referer':
      return (e) => e.referer ?? '-'
    case 'user-agent':
      return (e) => e.userAgent ?? '-'
    case 'username':
      return (e) => e.username
    case 'verb':
      return (e) => verbOf(e.request)
    default:
      return undefined
  }
}

/** Parses every line of a chunk (complete lines, `\n`-separated) and formats its records. */
export function workChunk(text: string, json: boolean, keyField: string): ChunkWork {
  const keyOf = keyReader(keyField)
  let lines = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
  if (text.length > 0 && text.charCodeAt(text.length - 1) !== 10) lines++
  const times = new Float64Array(lines)
  const bounds = new Uint32Array(lines)
  const keys: string[] | undefined = keyOf ? [] : undefined
  const rejects: ChunkWork['rejects'] = []
  const parts: string[] = []
  let outLength = 0
  let n = 0
  let index = 0
  let s = 0
  while (s < text.length) {
    const nl = text.indexOf('\n', s)
    const next = nl === -1 ? text.length : nl + 1
    let e = nl === -1 ? text.length : nl
    if (e > s && text.charCodeAt(e - 1) === 13) e--
    const parsed = parseAccessLine(text, s, e)
    if (parsed.ok) {
      const entry = parsed.entry
      times[n] = entry.time
      const record = json ? formatAccessLogDocument(entry) : text.slice(s, e)
      parts.push(record)
      outLength += record.length + 1
      bounds[n] = outLength
      keys?.push(keyOf?.(entry)?.replace(/[\r\n]/g, ' ') ?? '')
      n++
    } else {
      rejects.push({index, column: parsed.column, reason: parsed.reason, text: text.slice(s, e)})
    }
    index++
    s = next
  }
  return {out: encode(parts.length > 0 ? `${parts.join('\n')}\n` : ''), bounds: bounds.subarray(0, n), times: times.subarray(0, n), keys: keys?.join('\n'), rejects, lines}
}

/**
 * UTF-8 bytes in memory of V8's own (not Node's Buffer allocator): those move to another thread
 * several times faster.
 */
function encode(text: string): Uint8Array {
  const out = new Uint8Array(Buffer.byteLength(text))
  Buffer.from(out.buffer).write(text)
  return out
}
