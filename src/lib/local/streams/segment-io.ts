import {isAscii} from 'node:buffer'
import {closeSync, openSync, readSync, readdirSync, statSync} from 'node:fs'
import {isSegmentName, parseControlLine, parseRecordAt, type ControlLine, type StoredRecord} from './format.js'

// The last control line is almost always within the last few KiB: read backwards in small steps.
const CHUNK = 64 * 1024
const NEWLINE = 10
const CONTROL_START = Buffer.from('\n#')

/** The segment files of a stream folder, oldest first. */
export function listSegments(dir: string): string[] {
  return readdirSync(dir).filter(isSegmentName).sort()
}

export interface LastControl {
  control: ControlLine
  /** Byte offset just after the control line: the end of the committed data. */
  end: number
}

/**
 * Finds the last control line of a segment by reading backwards from `size`. `match` narrows the
 * search (e.g. commits of one producer). Undefined when the segment has none.
 */
export function findLastControl(path: string, size: number, match: (line: string) => boolean = () => true): LastControl | undefined {
  const fd = openSync(path, 'r')
  try {
    let pos = size
    // Bytes of the line that straddles the chunk boundary, carried to the next (earlier) chunk.
    let carry = Buffer.alloc(0)
    while (pos > 0) {
      const start = Math.max(0, pos - CHUNK)
      const chunk = Buffer.allocUnsafe(pos - start)
      readFully(fd, chunk, start)
      const buf = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk
      // Jump from one control line to the one before it; record lines are never looked at.
      let from = buf.length
      for (;;) {
        const hit = from > 0 ? buf.lastIndexOf(CONTROL_START, from - 1) : -1
        const lineStart = hit >= 0 ? hit + 1 : start === 0 && buf[0] === 35 && from > 0 ? 0 : -1
        if (lineStart < 0) break
        const lineEnd = buf.indexOf(NEWLINE, lineStart)
        if (lineEnd >= 0) {
          const line = buf.toString('utf8', lineStart, lineEnd)
          if (match(line)) {
            const control = parseControlLine(line)
            if (control) return {control, end: start + lineEnd + 1}
          }
        }
        if (lineStart === 0) break
        from = hit
      }
      const firstNewline = buf.indexOf(NEWLINE)
      carry = firstNewline < 0 ? buf : buf.subarray(0, firstNewline + 1)
      pos = start
    }
    return undefined
  } finally {
    closeSync(fd)
  }
}

export function readFully(fd: number, buffer: Buffer, position: number): number {
  let done = 0
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

export function fileSize(path: string): number {
  return statSync(path).size
}

/**
 * Parses the committed records in `buf` (whole lines). Returns the records and the offset just
 * after the last control line, which is how far a reader may advance; records after it belong
 * to a batch not yet committed.
 */
export function parseCommitted(buf: Buffer): {records: StoredRecord[]; end: number; sealed?: string} {
  let lastControl = -1
  // Find the last control line that ends in this buffer.
  let searchFrom = buf.length
  for (;;) {
    const i = buf.lastIndexOf('\n#', searchFrom - 1)
    const j = i < 0 && buf[0] === 35 ? 0 : i < 0 ? -1 : i + 1
    if (j < 0) break
    const lineEnd = buf.indexOf(NEWLINE, j)
    if (lineEnd >= 0) {
      lastControl = j
      break
    }
    if (j === 0) break
    searchFrom = i
  }
  if (lastControl < 0) return {records: [], end: 0}
  const end = buf.indexOf(NEWLINE, lastControl) + 1
  // ASCII (most clickstream data) decodes several times faster as latin1, with the same result.
  const text = isAscii(buf.subarray(0, end)) ? buf.toString('latin1', 0, end) : buf.toString('utf8', 0, end)
  const records: StoredRecord[] = []
  let sealed: string | undefined
  let from = 0
  while (from < text.length) {
    let to = text.indexOf('\n', from)
    if (to < 0) to = text.length
    if (to > from) {
      if (text.charCodeAt(from) === 35) {
        const control = parseControlLine(text.slice(from, to))
        if (control?.type === 'sealed') sealed = control.nextSegment
      } else {
        const record = parseRecordAt(text, from, to)
        if (record) records.push(record)
      }
    }
    from = to + 1
  }
  return {records, end, sealed}
}
