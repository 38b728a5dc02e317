import {describe, expect, it} from 'vitest'
import {InputError} from '../../../../src/lib/core/errors.js'
import {discoverInputSchema, discoveredColumnName} from '../../../../src/lib/sql/input/discover.js'

describe('discoverInputSchema', () => {
  it('types the seed 004 lab records: digit strings become BIGINT, text VARCHAR rounded up to a power of two', () => {
    const samples = [
      '{"user_id":"user1","event_timestamp":"1700000000000","event_name":"checkout","event_type":"click","device_type":"desktop"}',
      '{"user_id":"user3","event_timestamp":"1700000002000","event_name":"navigate","event_type":"click","device_type":"desktop"}',
    ]
    const {schema, sampled} = discoverInputSchema(samples)
    expect(sampled).toBe(2)
    expect(schema.RecordColumns).toEqual([
      {Name: 'user_id', SqlType: 'VARCHAR(8)', Mapping: '$.user_id'},
      {Name: 'event_timestamp', SqlType: 'BIGINT', Mapping: '$.event_timestamp'},
      {Name: 'event_name', SqlType: 'VARCHAR(8)', Mapping: '$.event_name'},
      {Name: 'event_type', SqlType: 'VARCHAR(8)', Mapping: '$.event_type'},
      {Name: 'device_type', SqlType: 'VARCHAR(8)', Mapping: '$.device_type'},
    ])
  })

  it('types the seed 001 records and leaves ISO timestamps as VARCHAR, as KDA does', () => {
    const {schema} = discoverInputSchema([
      '{"user_id": 213, "device_id": "mobile", "client_event": "beer_cart", "client_timestamp": "2019-01-10T21:34:05.123456"}',
      '{"user_id": 64, "device_id": "tablet", "client_event": "beer_product_detail", "client_timestamp": "2019-01-10T21:34:06.000001"}',
    ])
    expect(schema.RecordColumns.map((c) => [c.Name, c.SqlType])).toEqual([
      ['user_id', 'INTEGER'],
      ['device_id', 'VARCHAR(8)'],
      ['client_event', 'VARCHAR(32)'],
      ['client_timestamp', 'VARCHAR(32)'],
    ])
  })

  it('flattens nested objects into paths, widens mixed numbers to DOUBLE and mixed kinds to VARCHAR', () => {
    const {schema} = discoverInputSchema(['{"geo":{"lat":1,"city":"Oslo"},"n":1,"m":true}', '{"geo":{"lat":1.5},"n":2.5,"m":"x"}', '{"big":3000000000}'])
    expect(schema.RecordColumns).toEqual([
      {Name: 'geo_lat', SqlType: 'DOUBLE', Mapping: '$.geo.lat'},
      {Name: 'geo_city', SqlType: 'VARCHAR(4)', Mapping: '$.geo.city'},
      {Name: 'n', SqlType: 'DOUBLE', Mapping: '$.n'},
      {Name: 'm', SqlType: 'VARCHAR(4)', Mapping: '$.m'},
      {Name: 'big', SqlType: 'BIGINT', Mapping: '$.big'},
    ])
  })

  it('reads CSV with a header row (IN-DISCOVER-CSV)', () => {
    const {schema} = discoverInputSchema([
      'year,month,state,producer_type,energy_source,units,consumption',
      '2001,1,AK,TotalElectricPowerIndustry,Coal,ShortTons,47615',
      '2001,1,AK,ElectricGeneratorsElectricUtilities,Coal,ShortTons,16535',
      '2001,1,AL,TotalElectricPowerIndustry,Coal,ShortTons,3020601',
    ])
    expect(schema.RecordFormat.RecordFormatType).toBe('CSV')
    expect(schema.RecordColumns).toEqual([
      {Name: 'COL_year', SqlType: 'INTEGER'},
      {Name: 'COL_month', SqlType: 'INTEGER'},
      {Name: 'state', SqlType: 'VARCHAR(4)'},
      {Name: 'producer_type', SqlType: 'VARCHAR(64)'},
      {Name: 'energy_source', SqlType: 'VARCHAR(4)'},
      {Name: 'units', SqlType: 'VARCHAR(16)'},
      {Name: 'consumption', SqlType: 'INTEGER'},
    ])
  })

  it.each([
    ['USER', 'COL_USER'],
    ['USER@DOMAIN', 'COL_USERDOMAIN'],
    ['@@', 'COL_0'],
    ['year', 'COL_year'],
    ['1st', 'COL_1st'],
    ['user_id', 'user_id'],
  ])('renames %s to %s', (source, name) => {
    expect(discoveredColumnName(source, 0)).toBe(name)
  })

  it('fails with a suggestion when there is nothing to sample', () => {
    expect(() => discoverInputSchema(['', '  '], {what: 'local:clicks'})).toThrow(InputError)
    expect(() => discoverInputSchema([], {what: 'local:clicks'})).toThrow('local:clicks has no records yet')
  })
})
