import {describe, expect, it} from 'vitest'
import {Random} from '../../../src/lib/core/random.js'
import {LineSplitter} from '../../../src/lib/targets/line-reader.js'

// The reading thread cuts lines with the `file:` source's LineSplitter, but decodes many lines at
// once (decodeTogether) and reads each where it is in that text. Its lines must be the source's:
// the same numbers, texts and byte offsets, whatever the bytes and however they are chunked.

interface Cut {
  line: number
  text: string
  end: number
}

/** The lines of `bytes` by definition: split at LF, one CR before it dropped, each decoded alone. */
function expectedLines(bytes: Buffer): Cut[] {
  const lines: Cut[] = []
  let start = 0
  for (;;) {
    const nl = bytes.indexOf(0x0a, start)
    const stop = nl < 0 ? bytes.length : nl
    if (nl < 0 && start === bytes.length) break
    const endOfText = stop > start && bytes[stop - 1] === 0x0d ? stop - 1 : stop
    lines.push({line: lines.length + 1, text: bytes.toString('utf8', start, endOfText), end: nl < 0 ? bytes.length : nl + 1})
    if (nl < 0) break
    start = nl + 1
  }
  return lines
}

function splitTogether(chunks: Buffer[]): Cut[] {
  const lines = new LineSplitter({decodeTogether: true})
  const out: Cut[] = []
  const take = () => {
    while (lines.next()) out.push({line: lines.line, text: lines.text, end: lines.end})
  }
  for (const chunk of chunks) {
    lines.push(chunk)
    take()
  }
  lines.finish()
  take()
  return out
}

function chunked(bytes: Buffer, random: Random, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; ) {
    const size = random.int(0, maxChunk)
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  return chunks
}

const PIECES = ['{"user_id":"u1","n":1}', 'a', ' ', '\r', '\n', '\r\n', '\n\n', 'é', '日本語', '😀', '\u2028']
const BYTES = [0x0a, 0x0d, 0x80, 0xbf, 0xc3, 0xe2, 0xe6, 0xed, 0xf0, 0xff]

/** Text with lines of every kind, and now and then a byte that is not UTF-8 or a sequence cut short. */
function input(random: Random, size: number, ascii: boolean): Buffer {
  const parts: Buffer[] = []
  let length = 0
  while (length < size) {
    const part = ascii ? Buffer.from(random.pick(PIECES.slice(0, 6))) : random.chance(0.1) ? Buffer.from([random.pick(BYTES)]) : Buffer.from(random.pick(PIECES))
    parts.push(part)
    length += part.length
  }
  return Buffer.concat(parts)
}

describe('the reading thread cuts the lines the file source cuts', () => {
  it.each([
    {given: 'ASCII', ascii: true, size: 2_000, maxChunk: 50, rounds: 40},
    {given: 'UTF-8 and bytes that are not', ascii: false, size: 2_000, maxChunk: 50, rounds: 40},
    {given: 'ASCII past several 64 KiB segments', ascii: true, size: 300_000, maxChunk: 200_000, rounds: 6},
    {given: 'UTF-8 past several 64 KiB segments', ascii: false, size: 300_000, maxChunk: 200_000, rounds: 6},
  ])('$given, in chunks of any size', ({ascii, size, maxChunk, rounds}) => {
    const random = new Random(11)
    for (let round = 0; round < rounds; round++) {
      const bytes = input(random, random.int(0, size), ascii)
      expect(splitTogether(chunked(bytes, random, maxChunk))).toEqual(expectedLines(bytes))
    }
  })

  it('a line longer than a 64 KiB segment, and none after the last line', () => {
    const bytes = Buffer.from(`short\r\n${'x'.repeat(150_000)}\n${'é'.repeat(70_000)}\r\nlast`)
    const lines = splitTogether([bytes.subarray(0, 100_000), bytes.subarray(100_000)])
    expect(lines).toEqual(expectedLines(bytes))
    expect(lines.map((l) => l.text.length)).toEqual([5, 150_000, 70_000, 4])
  })
})
