import {describe, expect, it} from 'vitest'
import {renderKdaDeploy, renderKdaStatus, type KdaApplicationStatus} from '../../../src/lib/kda/index.js'

const status: KdaApplicationStatus = {
  runtime: 'kda',
  name: 'sessions',
  arn: 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/sessions',
  status: 'READY',
  version: 3,
  createdAt: '2025-06-01T10:00:00.000Z',
  updatedAt: null,
  codeBytes: 120,
  inputs: [
    {
      id: '1.1',
      namePrefix: 'SOURCE_SQL_STREAM',
      inAppStreams: ['SOURCE_SQL_STREAM_001'],
      source: {kind: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks'},
      format: 'JSON',
      columns: [{name: 'user_id', sqlType: 'INTEGER', mapping: '$.user_id'}],
      startingPosition: null,
    },
  ],
  outputs: [{id: '2.1', stream: 'DESTINATION_SQL_STREAM', destination: {kind: 'firehose', arn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/out'}, format: 'JSON'}],
}

describe('rendering KDA applications for people', () => {
  it('status shows state, version, input and outputs', () => {
    expect(renderKdaStatus(status).split('\n')).toEqual([
      'application  sessions (Kinesis Data Analytics for SQL)',
      'status       READY',
      'version      3',
      'created      2025-06-01T10:00:00.000Z',
      'updated      -',
      'arn          arn:aws:kinesisanalytics:us-east-1:123456789012:application/sessions',
      'input 1.1    kinesis arn:aws:kinesis:us-east-1:123456789012:stream/clicks → SOURCE_SQL_STREAM_001 (JSON, 1 column)',
      'output 2.1   DESTINATION_SQL_STREAM → firehose arn:aws:firehose:us-east-1:123456789012:deliverystream/out (JSON)',
    ])
  })

  it('deploy says what changed and what to run next', () => {
    const text = renderKdaDeploy({
      runtime: 'kda',
      action: 'updated',
      name: 'sessions',
      arn: status.arn,
      schemaSource: 'existing',
      input: {source: status.inputs[0].source!, namePrefix: 'SOURCE_SQL_STREAM', columns: 1, format: 'JSON'},
      outputs: [{stream: 'DESTINATION_SQL_STREAM', destination: status.outputs[0].destination!, format: 'JSON', change: 'updated'}],
      removedOutputs: ['OLD'],
      application: status,
    })
    expect(text).toContain("Updated KDA application 'sessions' (version 3, READY)")
    expect(text).toContain('schema existing')
    expect(text).toContain('output  OLD removed')
    expect(text).toContain('Start it with: clickstream app start sessions --runtime kda')
  })
})
