import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/lib/core/errors.js'
import {normalizeInputSchema} from '../../../src/lib/kda/schema.js'

const columns = [{Name: 'user_id', SqlType: 'INTEGER', Mapping: '$.user_id'}]

describe('normalizeInputSchema: the --schema file as KDA receives it', () => {
  it('fills in what KDA defaults (JSON row path $, UTF-8) and leaves NamePrefix to the caller', () => {
    expect(normalizeInputSchema({RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: columns})).toEqual({
      schema: {
        RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
        RecordEncoding: 'UTF-8',
        RecordColumns: columns,
      },
    })
  })

  it('gives every JSON column its Mapping and spells types canonically', () => {
    const {schema} = normalizeInputSchema({RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'n', SqlType: 'int'}]})
    expect(schema.RecordColumns).toEqual([{Name: 'n', SqlType: 'INTEGER', Mapping: '$.n'}])
  })

  it('takes a saved DiscoverInputSchema response, and an Input with its NamePrefix', () => {
    expect(normalizeInputSchema({InputSchema: {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: columns}, ParsedInputRecords: []}).schema.RecordColumns).toEqual(columns)
    expect(normalizeInputSchema({NamePrefix: 'WASA', InputSchema: {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: columns}}).namePrefix).toBe('WASA')
  })

  it('gives CSV records their default delimiters and no mappings', () => {
    const {schema} = normalizeInputSchema({RecordFormat: {RecordFormatType: 'CSV'}, RecordColumns: [{Name: 'A', SqlType: 'VARCHAR(8)'}]})
    expect(schema.RecordFormat?.MappingParameters).toEqual({CSVMappingParameters: {RecordRowDelimiter: '\n', RecordColumnDelimiter: ','}})
    expect(schema.RecordColumns).toEqual([{Name: 'A', SqlType: 'VARCHAR(8)'}])
  })

  it.each([
    ['not an object', [], /top level/],
    ['no RecordFormat', {RecordColumns: columns}, /RecordFormat: missing/],
    ['an unknown format', {RecordFormat: {RecordFormatType: 'XML'}, RecordColumns: columns}, /RecordFormatType: expected JSON or CSV/],
    ['no columns', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: []}, /RecordColumns: expected a non-empty array/],
    ['an unknown type', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'a', SqlType: 'NUMBERISH'}]}, /RecordColumns\[0\]\.SqlType/],
    ['a repeated column', {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [...columns, ...columns]}, /RecordColumns\[1\]\.Name/],
    ['another encoding', {RecordFormat: {RecordFormatType: 'JSON'}, RecordEncoding: 'UTF-16', RecordColumns: columns}, /RecordEncoding/],
  ])('rejects %s, naming the field and the file', (_case, raw, message) => {
    const error = (() => {
      try {
        normalizeInputSchema(raw, 'schema.json')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).location?.file).toBe('schema.json')
    expect((error as Error).message).toMatch(message)
  })
})
