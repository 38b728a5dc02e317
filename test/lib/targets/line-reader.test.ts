import {describe, expect, it} from 'vitest'
import {readLines} from '../../../src/lib/targets/line-reader.js'

async function collect(chunks: string[]) {
  const out = []
  for await (const batch of readLines((async function* () { for (const c of chunks) yield Buffer.from(c) })())) out.push(...batch)
  return out
}

describe('readLines', () => {
  it('joins lines split across chunks and numbers them', async () => {
    const lines = await collect(['ab', 'c\nde', 'f\r\ng'])
    expect(lines.map((l) => [l.line, l.text, l.end])).toEqual([
      [1, 'abc', 4],
      [2, 'def', 9],
      [3, 'g', 10],
    ])
  })

  it('keeps multi-byte characters cut by a chunk boundary', async () => {
    const bytes = Buffer.from('héllo\n')
    const out = []
    for await (const batch of readLines((async function* () { yield bytes.subarray(0, 2); yield bytes.subarray(2) })())) out.push(...batch)
    expect(out[0].text).toBe('héllo')
  })
})
