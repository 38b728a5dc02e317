import {describe, expect, it} from 'vitest'
import {encodeData, encodeKey, formatCommitLine, parseControlLine, parseRecordLine, shardOf} from '../../../../src/lib/local/streams/format.js'

describe('segment line format', () => {
  it.each([
    ['a plain record', '7\t1700000000123\t2\tuser-1\t{"a":1}', {seq: 7, time: 1700000000123, shard: 2, key: 'user-1', data: '{"a":1}'}],
    ['no key', '0\t5\t0\t\tGET / 200', {seq: 0, time: 5, shard: 0, key: undefined, data: 'GET / 200'}],
    ['tabs inside the payload', '1\t5\t0\t\ta\tb', {seq: 1, time: 5, shard: 0, key: undefined, data: 'a\tb'}],
    ['a JSON-escaped payload and key', '2\t5\t0\t"k\\tey"\t"\\"x\\"\\ny"', {seq: 2, time: 5, shard: 0, key: 'k\tey', data: '"x"\ny'}],
    ['a negative record clock', '3\t-1000\t0\t\tx', {seq: 3, time: -1000, shard: 0, key: undefined, data: 'x'}],
    ['an empty payload', '4\t5\t0\t\t', {seq: 4, time: 5, shard: 0, key: undefined, data: ''}],
  ])('parses %s', (_label, line, expected) => {
    expect(parseRecordLine(line)).toEqual(expected)
  })

  it.each([
    ['too few fields', '1\t2\t3'],
    ['a sequence that is not a number', 'x\t1\t0\t\tdata'],
    ['an empty line', ''],
  ])('rejects %s', (_label, line) => {
    expect(parseRecordLine(line)).toBeUndefined()
  })

  it.each([
    ['{"a":1}', '{"a":1}'],
    ['line\nbreak', '"line\\nbreak"'],
    ['"starts with a quote', '"\\"starts with a quote"'],
    ['carriage\rreturn', 'carriage\rreturn'],
  ])('encodes the payload %j as %j', (data, encoded) => {
    expect(encodeData(data)).toBe(encoded)
  })

  it('round-trips keys and commit lines with any characters', () => {
    for (const key of ['plain', 'tab\there', '"quoted', 'új']) {
      expect(parseRecordLine(`0\t0\t0\t${encodeKey(key)}\tx`)?.key).toBe(key)
    }
    const line = formatCommitLine(10, 99, 'app:a\tb', 'offset=1\t"x"')
    expect(parseControlLine(line.trimEnd())).toEqual({type: 'commit', nextSeq: 10, wallMs: 99, producer: 'app:a\tb', mark: 'offset=1\t"x"'})
  })

  it('spreads keys over shards, the same key always to the same shard', () => {
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < 4000; i++) counts[shardOf(`user-${i}`, 4)]++
    for (const c of counts) expect(c).toBeGreaterThan(800)
    expect(shardOf('user-42', 4)).toBe(shardOf('user-42', 4))
  })
})
