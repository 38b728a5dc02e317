import {describe, expect, it} from 'vitest'
import {CoercionFailure} from '../../../../src/lib/sql/input/coerce.js'
import {createJsonParseMapper, createRecordMapper} from '../../../../src/lib/sql/input/mapper.js'
import {parseInputSchema} from '../../../../src/lib/sql/input/schema.js'

const json = (columns: Array<[string, string, string]>, rowPath = '$') =>
  parseInputSchema({
    RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: rowPath}}},
    RecordColumns: columns.map(([Name, SqlType, Mapping]) => ({Name, SqlType, Mapping})),
  })

// The customer/orders record of the KDA JSONPath documentation (made valid JSON).
const customer = JSON.stringify({
  customerName: 'John Doe',
  address: {streetAddress: {number: '123', street: 'AnyStreet'}, city: 'Anytown'},
  orders: [
    {orderId: '23284', itemName: 'Widget', itemPrice: '33.99'},
    {orderId: '63122', itemName: 'Gadget', itemPrice: '22.50'},
    {orderId: '77284', itemName: 'Sprocket', itemPrice: '12.00'},
  ],
})

describe('JSON record mapping (dev/about-json-path)', () => {
  it.each([
    ['$.customerName', 'John Doe'],
    ['$.customername', null],
    ['$.customerId', null],
    ['$.address.city', 'Anytown'],
    ['$.address.streetAddress.street', 'AnyStreet'],
    ["$['customerName']", 'John Doe'],
    ['$.orders[1].itemName', 'Gadget'],
    ['$.orders[0:]', JSON.stringify(JSON.parse(customer).orders)],
  ])('%s → %j', (path, expected) => {
    const result = createRecordMapper(json([['c', 'VARCHAR(512)', path]]))(customer, 0)
    expect(result).toEqual({rows: [[expected]], rowtimes: [0]})
  })

  it('flattens one array into one row per element, repeating the other columns', () => {
    const map = createRecordMapper(json([['name', 'VARCHAR(16)', '$.customerName'], ['order_id', 'INTEGER', '$.orders[0:].orderId'], ['price', 'DOUBLE', '$.orders[0:].itemPrice']]))
    expect(map(customer, 5)).toEqual({
      rows: [['John Doe', 23284, 33.99], ['John Doe', 63122, 22.5], ['John Doe', 77284, 12]],
      rowtimes: [5, 5, 5],
    })
  })

  it("reads keys named like Object.prototype's members only from the record itself", () => {
    // constructor, toString and __proto__ are ordinary keys of a JSON record
    const map = createRecordMapper(json([['c', 'VARCHAR(16)', '$.constructor'], ['t', 'VARCHAR(16)', '$.a.toString'], ['p', 'VARCHAR(16)', '$.__proto__']]))
    expect(map('{"constructor":"x","a":{"toString":"y"},"__proto__":"z"}', 0)).toEqual({rows: [['x', 'y', 'z']], rowtimes: [0]})
    expect(map('{"a":{}}', 0)).toEqual({rows: [[null, null, null]], rowtimes: [0]})
    expect(map('{}', 0)).toEqual({rows: [[null, null, null]], rowtimes: [0]})
  })

  it("reads top-level keys named like Object.prototype's members as the parsing mapper does, shape after shape", () => {
    const mapping = json([['c', 'VARCHAR(16)', '$.constructor'], ['t', 'VARCHAR(16)', '$.toString'], ['p', 'VARCHAR(16)', '$.__proto__'], ['h', 'VARCHAR(16)', '$.hasOwnProperty']])
    const map = createRecordMapper(mapping)
    const parsing = createJsonParseMapper(mapping)
    const records = ['{"constructor":"x","toString":"y","__proto__":"z","hasOwnProperty":"w"}', '{"a":1}', '{}', '{"constructor":"x2"}', '{"__proto__":null}']
    // Each shape many times over: the reader makes templates of the shapes it sees again.
    for (let k = 0; k < 50; k++) for (const r of records) expect(map(r, 0), r).toEqual(parsing(r, 0))
    expect(map('{"a":1}', 0)).toEqual({rows: [[null, null, null, null]], rowtimes: [0]})
  })

  it('reads rows under a RecordRowPath', () => {
    const map = createRecordMapper(json([['id', 'INTEGER', '$.orderId']], '$.orders[0:]'))
    expect(map(customer, 0)).toEqual({rows: [[23284], [63122], [77284]], rowtimes: [0, 0, 0]})
  })

  it.each([
    ['{"user_id": "-"}', 'column "user_id" ($.user_id): cannot convert \'-\' to INTEGER (not a whole number)'],
    ['{"user_id": ', 'not valid JSON'],
    ['[1,2]', 'expected a JSON object as the row, found an array'],
    ['"text"', 'expected a JSON object as the row, found string'],
  ])('sets aside %s: %s', (data, reason) => {
    const result = createRecordMapper(json([['user_id', 'INTEGER', '$.user_id']]))(data, 0)
    expect(result).toBeInstanceOf(CoercionFailure)
    expect((result as CoercionFailure).reason).toContain(reason)
  })
})

describe('ROWTIME from a record field (--rowtime)', () => {
  const schema = json([['u', 'VARCHAR(8)', '$.u']])
  it.each([
    ['{"u":"a","t":1700000000000}', 1700000000000],
    ['{"u":"a","t":"1700000000000"}', 1700000000000],
    ['{"u":"a","t":"2023-11-14T22:13:20Z"}', 1700000000000],
    ['{"u":"a","t":"2023-11-14 22:13:20"}', 1700000000000],
    ['{"u":"a","t":"2023-11-14T22:13:20.000000"}', 1700000000000],
  ])('%s → %d', (data, rowtime) => {
    expect(createRecordMapper(schema, {rowtimeField: 't'})(data, 99)).toEqual({rows: [['a']], rowtimes: [rowtime]})
  })

  it.each([
    ['{"u":"a"}', 'ROWTIME field $.t is missing'],
    ['{"u":"a","t":"soon"}', 'ROWTIME field $.t: cannot read "soon" as a time'],
  ])('sets aside %s', (data, reason) => {
    const result = createRecordMapper(schema, {rowtimeField: 't'})(data, 99)
    expect((result as CoercionFailure).reason).toContain(reason)
  })

  it('defaults to the arrival time', () => {
    expect(createRecordMapper(schema)('{"u":"a","t":1}', 99)).toEqual({rows: [['a']], rowtimes: [99]})
  })
})

describe('CSV record mapping', () => {
  const csv = parseInputSchema({
    RecordFormat: {RecordFormatType: 'CSV', MappingParameters: {CSVMappingParameters: {RecordRowDelimiter: '\n', RecordColumnDelimiter: ','}}},
    RecordColumns: [
      {Name: 'year', SqlType: 'INTEGER'},
      {Name: 'state', SqlType: 'VARCHAR(4)'},
      {Name: 'consumption', SqlType: 'INTEGER'},
    ],
  })

  it.each([
    ['2001,AK,47615', [[2001, 'AK', 47615]]],
    ['2001,AK', [[2001, 'AK', null]]],
    ['2001,AK,47615,extra', [[2001, 'AK', 47615]]],
    [',,', [[null, '', null]]],
    ['2001,AK,1\r\n2002,AL,2', [[2001, 'AK', 1], [2002, 'AL', 2]]],
  ])('%j → %j', (data, rows) => {
    expect((createRecordMapper(csv)(data, 0) as {rows: unknown}).rows).toEqual(rows)
  })

  it('sets aside a header row that does not coerce', () => {
    const result = createRecordMapper(csv)('year,state,consumption', 0)
    expect((result as CoercionFailure).reason).toBe('column "year" (field 1): cannot convert \'year\' to INTEGER (not a whole number)')
  })
})
