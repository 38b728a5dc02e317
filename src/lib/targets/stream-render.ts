import {renderPairs, renderTable} from '../cli/render.js'
import {formatBytes} from '../core/units.js'
import type {StreamDescription, StreamSummary} from './stream-admin.js'

export function renderStreamList(streams: StreamSummary[]): string {
  if (streams.length === 0) return 'No streams. Create one: clickstream streams create local:NAME'
  return renderTable(
    ['target', 'shards', 'retention', 'status'],
    streams.map((s) => [s.target, s.shards, `${s.retentionHours}h`, s.status]),
    {alignRight: [1, 2]},
  )
}

export function renderStreamDescription(d: StreamDescription): string {
  if (d.kind === 'kinesis') {
    const pairs: Array<[string, string | number]> = [
      ['stream', `kinesis:${d.name}`],
      ['arn', d.arn],
      ['status', d.status],
      ['shards', d.shards],
      ['retention', `${d.retentionHours}h`],
    ]
    if (d.mode) pairs.push(['mode', d.mode])
    if (d.createdAt) pairs.push(['created', d.createdAt])
    return renderPairs(pairs)
  }
  const pairs: Array<[string, string | number]> = [
    ['stream', `local:${d.name}`],
    ['path', d.path],
    ['shards', d.shards],
    ['retention', `${d.retentionHours}h (segments older than this are removed)`],
    ['records', d.records],
    ['sequence numbers', d.records > 0 ? `${d.firstSeq} to ${d.nextSeq - 1}` : `next is ${d.nextSeq}`],
    ['size', `${formatBytes(d.bytes)} in ${d.segments.length} segment${d.segments.length === 1 ? '' : 's'}`],
  ]
  if (d.oldestRecordTime) pairs.push(['oldest record time', d.oldestRecordTime])
  if (d.newestRecordTime) pairs.push(['newest record time', d.newestRecordTime])
  if (d.lastWrite) pairs.push(['last write', d.lastWrite])
  pairs.push(['created', d.createdAt])
  return renderPairs(pairs)
}
