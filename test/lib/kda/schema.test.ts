import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/lib/core/errors.js'
import {normalizeInputSchema} from '../../../src/lib/kda/schema.js'

const columns = [{Name: 'user_id', SqlType: 'INTEGER', Mapping: '$.user_id'}]

describe('normalizeInputSchema: the --schema file', () => {
  it('fills in what KDA defaults (JSON row path $, UTF-8)', () => {
    expect(normalizeInputSchema({RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: columns})).toEqual({
      RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
      RecordEncoding: 'UTF-8',
      RecordColumns: columns,
    })
  })

  it('takes a saved DiscoverInputSchema response as it is', () => {
    const schema = normalizeInputSchema({InputSchema: {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: columns}, ParsedInputRecords: []})
    expect(schema.RecordColumns).toEqual(columns)
  })

  it('gives CSV records their default delimiters and no mappings', () => {
    const schema = normalizeInputSchema({RecordFormat: {RecordFormatType: 'CSV'}, RecordColumns: [{Name: 'A', SqlType: 'VARCHAR(8)'}]})
    expect(schema.RecordFormat?.MappingParameters).toEqual({CSVMappingParameters: {RecordRowDelimiter: '\n', RecordColumnDelimiter: ','}})
    expect(schema.RecordColumns).toEqual([{Name: 'A', SqlType: 'VARCHAR(8)'}])
  })

  it.each([
    ['not an object', [], /the schema is not a JSON object/],
    ['no RecordFormat', {RecordColumns: columns}, /RecordFormat is missing/],
    ['an unknown format', {RecordFormat: {RecordFormatType: 'XML'}, RecordColumns: columns}, /RecordFormatType must be "JSON" or "CSV"/],
    ['no columns', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: []}, /RecordColumns must be a non-empty array/],
    ['a column without a type', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'a', Mapping: '$.a'}]}, /RecordColumns\[0\]\.SqlType/],
    ['a JSON column without a mapping', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'a', SqlType: 'INTEGER'}]}, /RecordColumns\[0\]\.Mapping is required/],
    ['a repeated column', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [...columns, ...columns]}, /RecordColumns\[1\]\.Name repeats/],
    ['another encoding', {RecordFormat: {RecordFormatType: 'JSON'}, RecordEncoding: 'UTF-16', RecordColumns: columns}, /RecordEncoding must be "UTF-8"/],
  ])('rejects %s, naming the file and the place', (_case, raw, message) => {
    const error = (() => {
      try {
        normalizeInputSchema(raw, 'schema.json')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(/^schema\.json: /)
    expect((error as Error).message).toMatch(message)
  })
})
