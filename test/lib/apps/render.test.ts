import {describe, expect, it} from 'vitest'
import {renderRunSummary} from '../../../src/lib/apps/render.js'
import type {AppRunResult} from '../../../src/lib/apps/run.js'

const RESULT: AppRunResult = {
  application: 'app.sql',
  input: 'file:clicks.ndjson',
  sourceStream: 'SOURCE_SQL_STREAM_001',
  schema: {origin: 'file', file: 'app.schema.json', columns: []},
  rowtime: 'field event_timestamp',
  recordsIn: 1_000_000,
  rowsIn: 1_000_000,
  errors: 0,
  firstErrors: [],
  outputs: [{stream: 'DESTINATION_SQL_STREAM', target: 'file:sessions.ndjson', rows: 213_478}],
  ended: true,
  reading: {secondThread: false, columnsNotPassedOn: []},
  elapsedMs: 1_380,
}

describe('the app run summary', () => {
  it('says when the input was read on a second thread, and which columns it did not pass on', () => {
    const text = renderRunSummary({...RESULT, reading: {secondThread: true, columnsNotPassedOn: ['event_name', 'event_type']}})
    expect(text).toContain('Input read and mapped on a second thread; columns no query reads were checked but not passed on: "event_name", "event_type".')
    expect(renderRunSummary({...RESULT, reading: {secondThread: true, columnsNotPassedOn: []}})).toContain('Input read and mapped on a second thread.')
  })

  it('says nothing of threads when the input was read here', () => {
    const text = renderRunSummary(RESULT)
    expect(text).not.toContain('thread')
    expect(text.split('\n')).toEqual([expect.stringMatching(/^Input ended after .*: 1,000,000 records in \(1,000,000 rows into SOURCE_SQL_STREAM_001\), 0 sent to error_stream\.$/), '  DESTINATION_SQL_STREAM → file:sessions.ndjson: 213,478 rows'])
  })
})
