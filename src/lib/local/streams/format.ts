/**
 * The on-disk format of a local stream segment, kept readable with ordinary tools
 * (`tail -f`, `cut -f5`, `grep`). One line per record, tab-separated:
 *
 *     SEQ <TAB> TIME <TAB> SHARD <TAB> KEY <TAB> DATA
 *
 * SEQ is the stream's sequence number, TIME the record's clock (epoch ms), SHARD the shard the
 * partition key hashes to, KEY the partition key (empty when none), DATA the payload as written.
 * A KEY that starts with `"` or holds a tab, newline or carriage return, and DATA that starts with
 * `"` or holds a newline, are written as JSON strings instead, so every record stays on one line; other text is written raw.
 *
 * Control lines start with `#`. A batch ends with a commit line, and readers only deliver
 * records that a commit line follows, so a batch cut short by a crash is never seen:
 *
 *     #commit <TAB> NEXT_SEQ <TAB> WALL_MS <TAB> PRODUCER|- <TAB> MARK_JSON|-
 *     #sealed <TAB> NEXT_SEQ <TAB> WALL_MS <TAB> NEXT_SEGMENT
 */

export const COMMIT_PREFIX = '#commit\t'
export const SEALED_PREFIX = '#sealed\t'
const QUOTE = 34
const HASH = 35

/** Segment files are named by the first sequence number they hold, zero-padded so `ls` sorts them. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.log`
}

export function isSegmentName(name: string): boolean {
  return /^\d{20}\.log$/.test(name)
}

export function segmentFirstSeq(name: string): number {
  return Number(name.slice(0, 20))
}

/** Payloads are written raw unless that would break the line format. */
export function encodeData(data: string): string {
  // Only a newline breaks the format (readers split on it); a carriage return stays as written.
  if (data.charCodeAt(0) === QUOTE || data.includes('\n')) return JSON.stringify(data)
  return data
}

export function encodeKey(key: string | undefined): string {
  if (key === undefined || key === '') return ''
  if (key.charCodeAt(0) === QUOTE || key.includes('\t') || key.includes('\n') || key.includes('\r')) return JSON.stringify(key)
  return key
}

function decodeField(text: string): string {
  return text.charCodeAt(0) === QUOTE ? (JSON.parse(text) as string) : text
}

export interface StoredRecord {
  seq: number
  time: number
  shard: number
  key: string | undefined
  data: string
}

/** Parses one record line; undefined for a line that is not a record (a control line or damage). */
export function parseRecordLine(line: string): StoredRecord | undefined {
  return parseRecordAt(line, 0, line.length)
}

/**
 * Parses the record line text[from, to) without copying it first: the numbers are read digit by
 * digit and only the key and payload become strings.
 */
export function parseRecordAt(text: string, from: number, to: number): StoredRecord | undefined {
  const t1 = text.indexOf('\t', from)
  const t2 = t1 < 0 ? -1 : text.indexOf('\t', t1 + 1)
  const t3 = t2 < 0 ? -1 : text.indexOf('\t', t2 + 1)
  const t4 = t3 < 0 ? -1 : text.indexOf('\t', t3 + 1)
  if (t1 <= from || t4 < 0 || t4 >= to) return undefined
  const seq = digits(text, from, t1)
  const time = digits(text, t1 + 1, t2)
  const shard = digits(text, t2 + 1, t3)
  if (seq < 0 || shard < 0) return undefined
  const keyText = t4 > t3 + 1 ? text.slice(t3 + 1, t4) : ''
  return {
    seq,
    time: time >= 0 ? time : Number(text.slice(t1 + 1, t2)),
    shard,
    key: keyText === '' ? undefined : decodeField(keyText),
    data: decodeField(text.slice(t4 + 1, to)),
  }
}

/** A non-negative decimal integer in text[from, to), or -1 if it is not one. */
function digits(text: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1
  let n = 0
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

export interface CommitLine {
  type: 'commit'
  nextSeq: number
  wallMs: number
  producer: string | undefined
  mark: string | undefined
}

export interface SealedLine {
  type: 'sealed'
  nextSeq: number
  wallMs: number
  nextSegment: string
}

export type ControlLine = CommitLine | SealedLine

export function isControlLine(line: string): boolean {
  return line.charCodeAt(0) === HASH
}

export function formatCommitLine(nextSeq: number, wallMs: number, producer: string | undefined, mark: string | undefined): string {
  return `${COMMIT_PREFIX}${nextSeq}\t${wallMs}\t${producer === undefined ? '-' : encodeProducer(producer)}\t${mark === undefined ? '-' : JSON.stringify(mark)}\n`
}

export function formatSealedLine(nextSeq: number, wallMs: number, nextSegment: string): string {
  return `${SEALED_PREFIX}${nextSeq}\t${wallMs}\t${nextSegment}\n`
}

/** Producer ids are written as JSON strings so any id is safe on the line. */
export function encodeProducer(producer: string): string {
  return JSON.stringify(producer)
}

export function parseControlLine(line: string): ControlLine | undefined {
  const parts = line.split('\t')
  if (parts[0] === '#commit' && parts.length >= 5) {
    const producer = parts[3] === '-' ? undefined : (JSON.parse(parts[3]) as string)
    const mark = parts[4] === '-' ? undefined : (JSON.parse(parts.slice(4).join('\t')) as string)
    return {type: 'commit', nextSeq: Number(parts[1]), wallMs: Number(parts[2]), producer, mark}
  }
  if (parts[0] === '#sealed' && parts.length >= 4) {
    return {type: 'sealed', nextSeq: Number(parts[1]), wallMs: Number(parts[2]), nextSegment: parts[3]}
  }
  return undefined
}

/** FNV-1a over the key's UTF-16 code units: fast, stable across runs and platforms. */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % shards
}
