import {describe, expect, it} from 'vitest'
import {InputError} from '../../../../src/lib/core/errors.js'
import {parseInputSchema, sourceStreamOf, toInputSchemaJson} from '../../../../src/lib/sql/input/schema.js'

const lab = {
  RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
  RecordEncoding: 'UTF-8',
  RecordColumns: [
    {Name: 'user_id', SqlType: 'VARCHAR(8)', Mapping: '$.user_id'},
    {Name: 'event_timestamp', SqlType: 'BIGINT', Mapping: '$.event_timestamp'},
  ],
}

describe('parseInputSchema', () => {
  it('names the source stream <NamePrefix>_001 and keeps column case (KDA creates them quoted)', () => {
    const mapping = parseInputSchema(lab)
    expect(sourceStreamOf(mapping)).toEqual({
      name: 'SOURCE_SQL_STREAM_001',
      columns: [
        {name: 'user_id', type: {name: 'VARCHAR', length: 8}},
        {name: 'event_timestamp', type: {name: 'BIGINT'}},
      ],
    })
  })

  it('accepts the Input wrapper with its NamePrefix', () => {
    expect(parseInputSchema({NamePrefix: 'WASA', InputSchema: lab}).streamName).toBe('WASA_001')
  })

  it('round-trips through toInputSchemaJson', () => {
    const mapping = parseInputSchema(lab)
    expect(parseInputSchema(toInputSchemaJson(mapping))).toEqual(mapping)
  })

  it('reads CSV delimiters and maps columns by position', () => {
    const mapping = parseInputSchema({
      RecordFormat: {RecordFormatType: 'CSV', MappingParameters: {CSVMappingParameters: {RecordRowDelimiter: '\r\n', RecordColumnDelimiter: '|'}}},
      RecordColumns: [
        {Name: 'a', SqlType: 'INTEGER'},
        {Name: 'b', SqlType: 'VARCHAR(4)'},
      ],
    })
    expect([mapping.rowDelimiter, mapping.columnDelimiter, mapping.columns.map((c) => c.position)]).toEqual(['\r\n', '|', [0, 1]])
  })

  it.each([
    [[], 'top level: expected a JSON object'],
    [{RecordColumns: lab.RecordColumns}, 'RecordFormat: missing'],
    [{...lab, RecordFormat: {RecordFormatType: 'XML'}}, 'RecordFormat.RecordFormatType: expected JSON or CSV, found "XML"'],
    [{...lab, RecordColumns: []}, 'RecordColumns: expected a non-empty array'],
    [{...lab, RecordColumns: [{Name: 'a', SqlType: 'STRING', Mapping: '$.a'}]}, "RecordColumns[0].SqlType: unknown type 'STRING'"],
    [{...lab, RecordColumns: [{Name: 'a', SqlType: 'INTEGER', Mapping: 'a'}]}, "RecordColumns[0].Mapping: a mapping starts with '$'"],
    [{...lab, RecordColumns: [{Name: 'a', SqlType: 'INTEGER', Mapping: '$.a'}, {Name: 'a', SqlType: 'INTEGER', Mapping: '$.b'}]}, "RecordColumns[1].Name: 'a' is used twice"],
    [
      {...lab, RecordColumns: [{Name: 'a', SqlType: 'INTEGER', Mapping: '$.x[0:].a'}, {Name: 'b', SqlType: 'INTEGER', Mapping: '$.y[0:].b'}]},
      'only one array per schema may be flattened',
    ],
    [{...lab, RecordEncoding: 'latin1'}, 'RecordEncoding: only UTF-8 is supported'],
  ])('rejects %j with "%s"', (json, message) => {
    expect(() => parseInputSchema(json, 'app.schema.json')).toThrow(InputError)
    expect(() => parseInputSchema(json, 'app.schema.json')).toThrow(message)
  })
})
