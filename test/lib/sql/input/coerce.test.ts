import {describe, expect, it} from 'vitest'
import {CoercionFailure, coerceValue, coercerFor} from '../../../../src/lib/sql/input/coerce.js'
import {parseSqlType} from '../../../../src/lib/sql/types.js'

const ms = (iso: string) => Date.parse(iso)

describe('coerceValue follows KDA input coercion', () => {
  it.each([
    // [value, type, expected]
    [null, 'INTEGER', null],
    [undefined, 'VARCHAR(8)', null],
    ['200', 'INTEGER', 200],
    [' 42 ', 'BIGINT', 42],
    ['1700000000000', 'BIGINT', 1700000000000],
    [7, 'INTEGER', 7],
    [true, 'INTEGER', 1],
    [false, 'DOUBLE', 0],
    ['33.99', 'DOUBLE', 33.99],
    [1e3, 'DOUBLE', 1000],
    ['12.345', 'DECIMAL(5,2)', 12.35],
    ['True', 'BOOLEAN', true],
    ['yes', 'BOOLEAN', false],
    [0, 'BOOLEAN', false],
    ['beer_product_detail', 'VARCHAR(16)', 'beer_product_det'],
    [213, 'VARCHAR(8)', '213'],
    [true, 'VARCHAR(8)', 'true'],
    [{a: 1}, 'VARCHAR(32)', '{"a":1}'],
    [[1, 2], 'VARCHAR(32)', '[1,2]'],
    ['ab', 'CHAR(4)', 'ab  '],
    ['2019-01-10T21:34:05.123456', 'TIMESTAMP', ms('2019-01-10T21:34:05.123Z')],
    ['2019-01-10 21:34:05', 'TIMESTAMP', ms('2019-01-10T21:34:05Z')],
    ['2019-01-10 21:34:05.5', 'TIMESTAMP', ms('2019-01-10T21:34:05.500Z')],
    ['2019-01-10T21:34:05+02:00', 'TIMESTAMP', ms('2019-01-10T19:34:05Z')],
    ['1992-02-14', 'TIMESTAMP', ms('1992-02-14T00:00:00Z')],
    ['1547156045123', 'TIMESTAMP', 1547156045123],
    [1547156045123, 'TIMESTAMP', 1547156045123],
    ['1992-02-14 18:35:44.0', 'DATE', ms('1992-02-14T00:00:00Z')],
    ['18:35:44.250', 'TIME', ((18 * 60 + 35) * 60 + 44) * 1000 + 250],
  ])('%j as %s → %j', (value, type, expected) => {
    expect(coerceValue(value, parseSqlType(type)!)).toEqual(expected)
  })

  it.each([
    ['-', 'INTEGER', "cannot convert '-' to INTEGER (not a whole number)"],
    ['12.5', 'INTEGER', 'not a whole number'],
    [123.4, 'INTEGER', 'not a whole number'],
    [300, 'TINYINT', 'out of range'],
    ['3000000000', 'INTEGER', 'out of range'],
    ['abc', 'DOUBLE', 'not a number'],
    ['', 'BIGINT', 'not a whole number'],
    [true, 'TIMESTAMP', 'cannot convert true to TIMESTAMP'],
    ['yesterday', 'TIMESTAMP', 'expected YYYY-MM-DD HH:MM:SS[.fff], ISO 8601 or epoch milliseconds'],
    ['2021-02-30 10:00:00', 'TIMESTAMP', 'cannot convert'],
    [{a: 1}, 'INTEGER', 'cannot convert {"a":1} to INTEGER'],
  ])('%j as %s is a coercion failure (%s)', (value, type, reason) => {
    const result = coerceValue(value, parseSqlType(type)!)
    expect(result).toBeInstanceOf(CoercionFailure)
    expect((result as CoercionFailure).reason).toContain(reason)
  })
})

describe('coercerFor(type) is coerceValue(·, type) with the common cases first', () => {
  const types = ['VARCHAR(4)', 'VARCHAR', 'CHAR(3)', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'DOUBLE', 'REAL', 'DECIMAL(5,2)', 'BOOLEAN', 'TIMESTAMP', 'DATE', 'TIME', 'VARBINARY(4)']
  const values = [
    null, undefined, '', 'abc', 'abcd', 'abcde', ' 42 ', '-7', '1.5', 'true', "X'0aff'", '2023-11-14 22:13:20', '18:35:44', '1700000000000',
    0, -0, 1, -1, 127, 128, -129, 32768, 2147483648, 9007199254740991, 9007199254740992, 1.5, -2.5e-7, 1e21, Infinity, -Infinity, 1700000000000.9,
    true, false, {a: 1}, [1, 2],
  ]
  it.each(types)('%s', (text) => {
    const type = parseSqlType(text)!
    const coerce = coercerFor(type)
    for (const value of values) expect({value, result: coerce(value)}).toStrictEqual({value, result: coerceValue(value, type)})
  })
})
