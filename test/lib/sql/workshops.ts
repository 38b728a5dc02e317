import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {SourceStreamDefinition} from '../../../src/lib/sql/api.js'
import {parseSqlType} from '../../../src/lib/sql/types.js'

/** The workshop applications (verbatim SQL in test/sql/workshops) with the input schemas they were written for. */
export interface Workshop {
  file: string
  sql: string
  sources: SourceStreamDefinition[]
}

const dir = fileURLToPath(new URL('../../sql/workshops/', import.meta.url))

const source = (name: string, columns: [string, string][]): SourceStreamDefinition => ({
  name,
  columns: columns.map(([n, t]) => ({name: n, type: parseSqlType(t)!})),
})

const sessionSchema = source('SOURCE_SQL_STREAM_001', [
  ['user_id', 'INTEGER'],
  ['device_id', 'VARCHAR(8)'],
  ['client_event', 'VARCHAR(16)'],
  ['client_timestamp', 'TIMESTAMP'],
])

export const WORKSHOPS: Workshop[] = [
  {
    file: 'web-metrics.sql',
    sources: [
      source('WASA_001', [
        ['host', 'VARCHAR(16)'],
        ['datetime', 'VARCHAR(32)'],
        ['request', 'VARCHAR(256)'],
        ['response', 'INTEGER'],
        ['bytes', 'INTEGER'],
        ['referrer', 'VARCHAR(32)'],
        ['agent', 'VARCHAR(128)'],
        ['event', 'VARCHAR(16)'],
        ['clientid', 'VARCHAR(256)'],
        ['page', 'VARCHAR(256)'],
        ['custom_metric_name', 'VARCHAR(256)'],
        ['custom_metric_int_value', 'INTEGER'],
        ['custom_metric_float_value', 'DOUBLE'],
        ['custom_metric_string_value', 'VARCHAR(256)'],
      ]),
    ],
  },
  {file: 'clickstream-sessions-stagger.sql', sources: [sessionSchema]},
  {file: 'seed-001-stagger-minute.sql', sources: [sessionSchema]},
  {file: 'ctr-anomaly.sql', sources: [source('SOURCE_SQL_STREAM_001', [['browseraction', 'VARCHAR(32)'], ['site', 'VARCHAR(32)']])]},
  {
    file: 'seed-004-lag-sessionization.sql',
    sources: [
      source('SOURCE_SQL_STREAM_001', [
        ['user_id', 'VARCHAR(7)'],
        ['event_timestamp', 'BIGINT'],
        ['event_name', 'VARCHAR(16)'],
        ['event_type', 'VARCHAR(8)'],
        ['device_type', 'VARCHAR(10)'],
      ]),
    ],
  },
].map((w) => ({...w, sql: readFileSync(dir + w.file, 'utf8')}))
