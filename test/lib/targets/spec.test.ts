import {describe, expect, it} from 'vitest'
import {formatTarget, parseTarget} from '../../../src/lib/targets/spec.js'

describe('parseTarget', () => {
  it.each([
    ['-', {kind: 'stdio'}],
    ['file:out.log', {kind: 'file', path: 'out.log', gzip: false}],
    ['file:/tmp/x.ndjson.gz', {kind: 'file', path: '/tmp/x.ndjson.gz', gzip: true}],
    ['local:web', {kind: 'local', name: 'web'}],
    ['kinesis:clicks', {kind: 'kinesis', name: 'clicks'}],
    ['firehose:to-s3', {kind: 'firehose', name: 'to-s3'}],
    ['lake:web', {kind: 'lake', table: 'web'}],
    [
      'kinesis:arn:aws:kinesis:eu-west-1:123456789012:stream/clicks',
      {kind: 'kinesis', name: 'clicks', arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks'},
    ],
  ])('reads %s', (text, spec) => {
    expect(parseTarget(text, '--to')).toEqual(spec)
    expect(formatTarget(parseTarget(text, '--to'))).toBe(text)
  })

  it.each([
    ['s3:bucket', /unknown kind 's3'/],
    ['local:', /local stream name/],
    ['lake:1web', /lake table name/],
    ['kinesis:arn:aws:firehose:eu-west-1:123456789012:deliverystream/x', /not a kinesis stream ARN/],
    ['web', /names its kind/],
  ])('refuses %s, naming the flag', (text, why) => {
    expect(() => parseTarget(text, '--to')).toThrow(why)
    expect(() => parseTarget(text, '--to')).toThrow(/--to/)
  })
})
