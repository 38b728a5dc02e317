import {formatAccessLogDocument, parseAccessLine, verbOf, type AccessLogEntry} from '../access-log/index.js'

/** What parsing one chunk of lines gives, in a form cheap to pass between threads. */
export interface ChunkWork {
  /** The JSON documents, each followed by a newline (json transform); '' for raw. */
  out: string
  /** For each record: where its text ends in `out` (json), or its [start, end) in the chunk (raw, pairs). */
  bounds: Uint32Array
  /** Each record's log time, epoch ms. */
  times: Float64Array
  /** Each record's partition key (undefined: the target chooses). */
  keys: Array<string | undefined> | undefined
  /** Rejected lines: index within the chunk (0-based), column and reason. */
  rejects: Array<{index: number; column: number; reason: string}>
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
  const bounds = new Uint32Array(json ? lines : lines * 2)
  const keys: Array<string | undefined> | undefined = keyOf ? [] : undefined
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
      if (json) {
        const doc = formatAccessLogDocument(entry)
        parts.push(doc)
        outLength += doc.length + 1
        bounds[n] = outLength
      } else {
        bounds[2 * n] = s
        bounds[2 * n + 1] = e
      }
      keys?.push(keyOf?.(entry))
      n++
    } else {
      rejects.push({index, column: parsed.column, reason: parsed.reason})
    }
    index++
    s = next
  }
  const out = json && parts.length > 0 ? `${parts.join('\n')}\n` : ''
  return {out, bounds: bounds.subarray(0, json ? n : 2 * n), times: times.subarray(0, n), keys, rejects, lines}
}
