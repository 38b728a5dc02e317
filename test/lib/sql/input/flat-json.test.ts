import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {Random} from '../../../../src/lib/core/random.js'
import {CoercionFailure} from '../../../../src/lib/sql/input/coerce.js'
import {createFlatJsonReader} from '../../../../src/lib/sql/input/flat-json.js'
import {createJsonParseMapper, createRecordMapper, createRowWriter, VALUE_COLUMN, WrittenRow, type RecordMapperOptions} from '../../../../src/lib/sql/input/mapper.js'
import {parseInputSchema} from '../../../../src/lib/sql/input/schema.js'

// The mapper of flat records (columns that are top-level keys) reads values out of the text with
// templates of the records' shape instead of JSON.parse. It must give what the JSON.parse mapper
// gives, for every input: these tests hold it to that.

const schema = (columns: Array<[string, string, string]>) =>
  parseInputSchema({
    RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
    RecordColumns: columns.map(([Name, SqlType, Mapping]) => ({Name, SqlType, Mapping})),
  })

/** The mapper under test and the JSON.parse mapper it must agree with. */
const pair = (columns: Array<[string, string, string]>, options: RecordMapperOptions = {}) => {
  const mapping = schema(columns)
  return {fast: createRecordMapper(mapping, options), reference: createJsonParseMapper(mapping, options)}
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('flat JSON records are mapped as JSON.parse maps them', () => {
  const columns: Array<[string, string, string]> = [
    ['u', 'VARCHAR(16)', '$.u'],
    ['n', 'DOUBLE', '$.n'],
    ['b', 'BOOLEAN', '$.b'],
  ]
  const teacher = '{"u":"a","n":1,"b":true,"t":1700000000000}'

  // Each record comes after one of the teacher's shape, so the mapper has a template for it.
  it.each([
    ['a record of the learned shape', '{"u":"abc","n":2.5,"b":false,"t":1700000000001}', [['abc', 2.5, false]]],
    ['the last of duplicate keys', '{"u":"a","n":1,"b":true,"t":1,"u":"b"}', [['b', 1, true]]],
    ['escapes, decoded', String.raw`{"u":"\u00e9\n\"\/","n":1,"b":true,"t":1}`, [['é\n"/', 1, true]]],
    ['a surrogate pair escape', String.raw`{"u":"\ud83d\ude00","n":1,"b":true,"t":1}`, [['😀', 1, true]]],
    ['a lone surrogate escape', String.raw`{"u":"\ud800","n":1,"b":true,"t":1}`, [['\ud800', 1, true]]],
    ['whitespace between tokens', ' {\t"u" : "a" ,\r\n"n":1 ,"b":true,"t":1 }\n', [['a', 1, true]]],
    ['-0', '{"u":"a","n":-0,"b":true,"t":1}', [['a', -0, true]]],
    ['an exponent', '{"u":"a","n":-2.5E-3,"b":true,"t":1}', [['a', -0.0025, true]]],
    ['a number beyond 2^53, rounded', '{"u":"a","n":9007199254740993,"b":true,"t":1}', [['a', 9007199254740992, true]]],
    ['null and a missing key', '{"u":null,"n":1,"t":1}', [[null, 1, null]]],
    ['a nested value', '{"u":{"x":[1]},"n":1,"b":true,"t":1}', [['{"x":[1]}', 1, true]]],
    ['keys in another order', '{"n":1,"u":"a","b":true,"t":1}', [['a', 1, true]]],
  ])('%s', (_, record, rows) => {
    const {fast, reference} = pair(columns)
    fast(teacher, 0)
    expect(fast(record, 0)).toStrictEqual({rows, rowtimes: [0]})
    expect(fast(record, 0)).toStrictEqual(reference(record, 0))
  })

  it.each([
    ['a trailing comma', '{"u":"a","n":1,"b":true,"t":1,}'],
    ['a missing quote', '{"u":"a,"n":1,"b":true,"t":1}'],
    ['a control character in a string', '{"u":"a\u0001","n":1,"b":true,"t":1}'],
    ['a raw tab in a string', '{"u":"a\t","n":1,"b":true,"t":1}'],
    ['garbage after the object', '{"u":"a","n":1,"b":true,"t":1}x'],
    ['a truncated record', '{"u":"a","n":1,"b":true,"t":17'],
    ['a leading zero', '{"u":"a","n":01,"b":true,"t":1}'],
    ['a bad escape', String.raw`{"u":"\x41","n":1,"b":true,"t":1}`],
    ['a top-level array', '[{"u":"a","n":1,"b":true,"t":1}]'],
    ['a value that does not coerce', '{"u":"a","n":"one","b":true,"t":1}'],
  ])('sets aside %s with the reason JSON.parse gives', (_, record) => {
    const {fast, reference} = pair(columns)
    fast(teacher, 0)
    const result = fast(record, 0)
    expect(result).toBeInstanceOf(CoercionFailure)
    expect(result).toStrictEqual(reference(record, 0))
  })

  it('reads ROWTIME from a top-level key of the template', () => {
    const {fast} = pair(columns, {rowtimeField: 't'})
    expect(fast(teacher, 5)).toStrictEqual({rows: [['a', 1, true]], rowtimes: [1700000000000]})
    expect(fast('{"u":"a","n":1,"b":true,"t":"2023-11-14 22:13:20"}', 5)).toStrictEqual({rows: [['a', 1, true]], rowtimes: [1700000000000]})
    expect((fast('{"u":"a","n":1,"b":true}', 5) as CoercionFailure).reason).toBe('ROWTIME field $.t is missing')
  })

  it('reads records of a learned shape without JSON.parse', () => {
    const {fast} = pair(columns, {rowtimeField: 't'})
    const parse = vi.spyOn(JSON, 'parse')
    for (let i = 0; i < 1000; i++) fast(`{"u":"u${i}","n":${i / 4},"b":${i % 2 === 0},"t":${1700000000000 + i}}`, 0)
    expect(parse.mock.calls.length).toBe(1)
  })

  it('gives strings of their own, not slices that keep the whole record alive', () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const read = createFlatJsonReader(['s'])
    const values: unknown[] = []
    const kept: unknown[] = []
    const record = (i: number) => `{"s":"a long enough value ${i}","pad":"${'p'.repeat(1_000_000 + i)}"}`
    gc()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < 40; i++) {
      read(record(i), values)
      kept.push(values[0])
    }
    gc()
    expect(kept[39]).toBe('a long enough value 39')
    // 40 records of 1 MB: slices of them would keep 40 MB.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(10_000_000)
  })

  it('reads a record that is a line of a larger text only as far as the line goes', () => {
    // Given a template that takes whitespace (learned from the first line), and lines whose
    // whitespace, or lack of a closing brace, would let a match run on into the next lines
    const mapping = schema([['a', 'INTEGER', '$.a'], ['b', 'VARCHAR(8)', '$.b']])
    const write = createRowWriter(mapping)
    const reference = createJsonParseMapper(mapping)
    const lines = ['{ "a": 1, "b": "x" }', '{ "a": 2, "b": "y"', '}', '{ "a": 3, "b": "z" }  ', '   ', '', '{ "a": 4,', '"b": "w" }', '{"a":5,"b":"v"} \r', '{ "a": 6, "b": "u" }']
    const text = lines.join('\n')
    const out = new WrittenRow(2)
    let from = 0
    for (const line of lines) {
      // When each is read where it is
      const result = write(text, from, from + line.length, 0, out)
      from += line.length + 1
      // Then it is read as the line alone is
      const actual = result === true ? {rows: [[out.value(0), out.value(1)]], rowtimes: [out.rowtime]} : result
      expect({line, actual}).toStrictEqual({line, actual: reference(line, 0)})
    }
  })

  it('leaves mappings that reach beyond top-level keys, or into Object.prototype, to JSON.parse', () => {
    for (const path of ['$.a.b', '$.a[0]', '$.constructor', '$.__proto__']) {
      const {fast} = pair([['c', 'VARCHAR(32)', path]])
      const parse = vi.spyOn(JSON, 'parse')
      fast('{"a":{"b":"x"},"constructor":"y","__proto__":"z"}', 0)
      fast('{"a":{"b":"x"},"constructor":"y","__proto__":"z"}', 0)
      expect(parse.mock.calls.length).toBe(2)
      vi.restoreAllMocks()
    }
  })
})

// ---- Differential test: many generated records, valid and not, against the JSON.parse mapper.

const WANTED = ['user_id', 'event_timestamp', 'event_name', 'n', 'flag', 'ts', 'ключ', 'a"b', 'x y', '', '1']
const UNWANTED = ['other', 'extra', '__proto__', '2', 'é', 'emoji😀', 'tab\there', 'long_unwanted_key_name']

const STRINGS = [
  '',
  'a',
  'u440',
  'checkout',
  'beer_product_detail_page',
  '12345',
  '-7',
  '1.5',
  ' 42 ',
  'true',
  'X\'0aff\'',
  '2023-11-14T22:13:20Z',
  '2023-11-14 22:13:20.5',
  '22:13:20',
  'é',
  '\u2028\u2029',
  'ключ',
  '😀',
  '\ud800',
  '\udc00x',
  'a"b',
  'back\\slash',
  'tab\there',
  'nul\u0000',
  'slash/',
  '\u007f\u0080\u00ff',
]
const NUMBER_TEXTS = [
  '0', '-0', '1', '-1', '42', '1714521600000', '9007199254740991', '9007199254740993', '123456789012345', '1234567890123456',
  '-999999999999999', '1e21', '1E2', '1e+2', '1e-2', '-0.0', '0e0', '1.000', '0.1', '0.30000000000000004', '2.5', '-2.25e-7',
  '123456789012345678901234567890', '27030783050163692', '-27030783050163692', '983272549434103272', '1e400', '-1e400', '1e-400', '5e-324', '1.7976931348623157e308', '127', '128', '-32769', '2147483648',
]
const NESTED = ['{}', '[]', '{"a":[1,{"b":null}]}', '[1,"x",true]', '{"a":{"b":{"c":[[[]]]}}}', '[ 1 , 2 ]']

type Value = {kind: 'string'; value: string} | {kind: 'raw'; text: string}

function randomValue(random: Random, nested = 0.1): Value {
  if (random.chance(nested)) return {kind: 'raw', text: random.pick(NESTED)}
  const roll = random.next()
  if (roll < 0.4) return {kind: 'string', value: random.chance(0.7) ? random.pick(STRINGS) : randomText(random)}
  if (roll < 0.75) return {kind: 'raw', text: random.chance(0.6) ? random.pick(NUMBER_TEXTS) : String(random.int(-1e6, 1e6) / random.pick([1, 1, 10, 1000]))}
  return {kind: 'raw', text: random.pick(['true', 'false', 'null'])}
}

function randomText(random: Random): string {
  const alphabet = ['a', 'z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0001', 'é', '\u2028', '\ud83d', '\ude00', 'ж', '{', '}', ',', ':']
  let s = ''
  for (let i = random.int(0, 12); i > 0; i--) s += random.pick(alphabet)
  return s
}

/** A JSON string literal for `s`, escaping what must be escaped and, at random, more. */
function stringLiteral(s: string, random: Random, escapeRate: number): string {
  let out = '"'
  for (const unit of Array.from({length: s.length}, (_, i) => s.charCodeAt(i))) {
    const c = String.fromCharCode(unit)
    const mustEscape = c === '"' || c === '\\' || unit < 0x20
    if (mustEscape || random.chance(escapeRate)) {
      const short: Record<string, string> = {'"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}
      out += short[c] !== undefined && random.chance(0.5) ? short[c] : `\\u${unit.toString(16).padStart(4, '0')}`
      if (short[c] === undefined && random.chance(0.5)) out = out.slice(0, -4) + out.slice(-4).toUpperCase()
    } else {
      out += c
    }
  }
  return out + '"'
}

interface Shape {
  keys: string[]
  values: Value[]
}

/**
 * Distinct keys (a duplicate is a mutation). An odd shape may have keys that records cannot hold
 * as they are (a quote, a tab), integer-like keys (JSON.parse lists those first) and nested
 * values: no template matches its records.
 */
function randomShape(random: Random, odd: boolean): Shape {
  const isOdd = (k: string) => /^[0-9]+$|["\t]/.test(k)
  const keys = [...WANTED, ...UNWANTED].filter((k) => (odd || !isOdd(k)) && random.chance(0.4)).sort(() => random.next() - 0.5)
  if (!keys.includes('ts') && random.chance(0.8)) keys.splice(random.int(0, keys.length), 0, 'ts')
  return {keys, values: keys.map(() => randomValue(random, odd ? 0.1 : 0))}
}

/** A record of `shape`: the same keys, values of the same kinds where possible. */
function recordOf(shape: Shape, random: Random, style: {spaces: number; escapes: number}): string {
  const space = () => (random.chance(style.spaces) ? random.pick([' ', '\t', '\n', '\r', '  ', ' \r\n']) : '')
  const members = shape.keys.map((key, i) => {
    const like = shape.values[i]
    let value: string
    if (random.chance(0.02)) value = valueText(randomValue(random), random, style.escapes)
    else if (like.kind === 'string') value = stringLiteral(random.chance(0.5) ? like.value : random.pick(STRINGS), random, style.escapes)
    else if (/^[-0-9]/.test(like.text)) value = random.pick(NUMBER_TEXTS)
    else value = like.text
    return `${space()}${stringLiteral(key, random, style.escapes / 200)}${space()}:${space()}${value}${space()}`
  })
  return `${space()}{${members.join(',')}${members.length === 0 ? space() : ''}}${space()}`
}

const valueText = (value: Value, random: Random, escapes: number) => (value.kind === 'string' ? stringLiteral(value.value, random, escapes) : value.text)

function mutate(line: string, random: Random): string {
  // Half the time at a token boundary or just inside a string, where a template looks hardest.
  const boundaries = [...line.matchAll(/[,:{"]/g)].map((m) => m.index + 1)
  const at = boundaries.length > 0 && random.chance(0.5) ? random.pick(boundaries) : random.int(0, line.length)
  const members = line.match(/"[^"\\]*"\s*:\s*("[^"\\]*"|[-0-9.eE+]+|true|false|null)/g)
  if (members !== null && random.chance(0.1)) return line.replace(/\}(\s*)$/, `,${random.pick(members)}}$1`)
  if (random.chance(0.3)) return line.slice(0, at) + random.pick(['\f', '\v', '\u00a0', '\ufeff', '\u2028', '\u0000', '\u001f', '\t', '\n', '\r', ' ']) + line.slice(at)
  const junk = random.pick([',', '"', '\\', '}', ']', '{', '[', ':', '\u0000', '\u0001', '\t', '\n', ' ', 'x', '0', '-', '.', 'e', '+', '\u2028', '\ud800', '\ufeff', 'true', 'nul'])
  switch (random.int(0, 5)) {
    case 0:
      return line.slice(0, at)
    case 1:
      return line.slice(0, at) + junk + line.slice(at)
    case 2:
      return line.slice(0, at) + line.slice(at + 1)
    case 3:
      return line.slice(0, at) + junk + line.slice(at + 1)
    case 4:
      return line + junk
    default:
      return junk + line
  }
}

/** Runs of records of a few shapes (so templates are learned and used), random ones, mutated ones. */
function records(seed: number, count: number): string[] {
  const random = new Random(seed)
  const shapes = Array.from({length: 10}, () => randomShape(random, false))
  const lines: string[] = []
  while (lines.length < count) {
    // Runs of one shape, of a few shapes in turn, of odd shapes never seen again.
    const phase = random.weighted(['one', 'few', 'odd'], [0.65, 0.2, 0.15])
    const run = phase === 'odd' ? random.int(20, 200) : random.int(50, 1500)
    const shape = random.pick(shapes)
    const few = [random.pick(shapes), random.pick(shapes), random.pick(shapes)]
    const style = {spaces: random.pick([0, 0, 0, 0.05, 0.5]), escapes: random.pick([0, 0, 0, 0.02, 0.3])}
    for (let i = 0; i < run; i++) {
      const own = phase === 'one' ? shape : phase === 'few' ? random.pick(few) : randomShape(random, true)
      let line = recordOf(own, random, style)
      if (random.chance(0.05)) line = mutate(line, random)
      if (random.chance(0.01)) line = random.pick(['', ' ', 'null', '1', '"x"', '[]', '[1]', '{}', '{"ts":1}{}'])
      lines.push(line)
    }
  }
  return lines
}

const COLUMN_SETS: Array<[string, Array<[string, string, string]>, RecordMapperOptions]> = [
  ['every wanted key as VARCHAR', WANTED.map((k, i): [string, string, string] => [`c${i}`, 'VARCHAR(64)', `$['${k}']`]), {}],
  [
    'typed columns, ROWTIME from ts',
    [
      ['user_id', 'VARCHAR(7)', '$.user_id'],
      ['event_timestamp', 'BIGINT', '$.event_timestamp'],
      ['event_name', 'CHAR(8)', '$.event_name'],
      ['n', 'DOUBLE', '$.n'],
      ['flag', 'BOOLEAN', '$.flag'],
      ['ts', 'TIMESTAMP', '$.ts'],
      ['cyr', 'VARCHAR(4)', '$.ключ'],
      ['quoted', 'INTEGER', `$['a"b']`],
    ] as Array<[string, string, string]>,
    {rowtimeField: 'ts'},
  ],
  [
    'more types',
    [
      ['n', 'REAL', '$.n'],
      ['x', 'DECIMAL(5,2)', "$['x y']"],
      ['e', 'TINYINT', "$['']"],
      ['one', 'DATE', '$.1'],
      ['t', 'TIME', '$.event_name'],
      ['b', 'VARBINARY(4)', '$.user_id'],
      ['i', 'SMALLINT', '$.event_timestamp'],
    ] as Array<[string, string, string]>,
    {rowtimeField: '$.ts'},
  ],
  ['the clickstream columns', [['user_id', 'VARCHAR(7)', '$.user_id'], ['event_timestamp', 'BIGINT', '$.event_timestamp'], ['event_name', 'VARCHAR(16)', '$.event_name']] as Array<[string, string, string]>, {rowtimeField: 'event_timestamp'}],
]

describe('the flat mapper agrees with the JSON.parse mapper on generated records', () => {
  const lines = records(20240501, 40_000)

  it('generates a mix the mapper can both use and refuse templates for', () => {
    const valid = lines.filter((line) => {
      try {
        JSON.parse(line)
        return true
      } catch {
        return false
      }
    })
    expect(valid.length).toBeGreaterThan(lines.length * 0.8)
    expect(valid.length).toBeLessThan(lines.length * 0.99)
    // Most records are read by a template, without JSON.parse.
    const {fast} = pair([['u', 'VARCHAR(8)', '$.user_id']])
    const parse = vi.spyOn(JSON, 'parse')
    for (const [i, line] of lines.entries()) fast(line, i)
    expect(parse.mock.calls.length).toBeLessThan(lines.length * 0.4)
  })

  it.each(COLUMN_SETS)('%s', (_, columns, options) => {
    const {fast, reference} = pair(columns, options)
    let mapped = 0
    for (const [i, line] of lines.entries()) {
      const expected = reference(line, i)
      const actual = fast(line, i)
      if (!(expected instanceof CoercionFailure)) mapped++
      // One expect per mismatch only, so that a failure names the record.
      if (!sameResult(actual, expected)) expect({line, result: actual}).toStrictEqual({line, result: expected})
    }
    expect(mapped).toBeGreaterThan(1000)
  })

  // The reading thread's writer reads each record where it is in the text it was decoded with:
  // here lines joined by LF or CRLF, so that a template's match can run on beyond a record (its
  // trailing whitespace into the next line), or stop short of it (a CR or LF inside it).
  it.each(COLUMN_SETS)('%s, read by the row writer where each record is in a larger text', (_, columns, options) => {
    const mapping = schema(columns)
    const write = createRowWriter(mapping, options)
    const reference = createJsonParseMapper(mapping, options)
    const random = new Random(5)
    let text = ''
    const ranges = lines.map((line) => {
      const from = text.length
      text += line + (random.chance(0.3) ? '\r\n' : '\n')
      return [from, from + line.length]
    })
    const out = new WrittenRow(columns.length)
    let written = 0
    let located = 0
    for (const [i, line] of lines.entries()) {
      const expected = reference(line, i)
      const result = write(text, ranges[i][0], ranges[i][1], i, out)
      if (result === true) written++
      // Rows whose values were found in the text rather than made.
      if (result === true && out.tags.some((tag) => tag !== VALUE_COLUMN)) located++
      const actual = result === true ? {rows: [columns.map((__, c) => out.value(c))], rowtimes: [out.rowtime]} : result
      if (!sameResult(actual, expected)) expect({line, result: actual}).toStrictEqual({line, result: expected})
    }
    expect(written).toBeGreaterThan(1000)
    expect(located).toBeGreaterThan(500)
  })
})

/** Deep equality as toStrictEqual has it (Object.is on numbers, so -0 is not 0), but cheap. */
function sameResult(a: unknown, b: unknown): boolean {
  if (a instanceof CoercionFailure || b instanceof CoercionFailure) return a instanceof CoercionFailure && b instanceof CoercionFailure && a.reason === b.reason
  const x = a as {rows: unknown[][]; rowtimes: number[]}
  const y = b as {rows: unknown[][]; rowtimes: number[]}
  if (x.rows.length !== y.rows.length || x.rowtimes.length !== y.rowtimes.length || Object.keys(x).length !== 2) return false
  if (!x.rowtimes.every((t, i) => Object.is(t, y.rowtimes[i]))) return false
  return x.rows.every((row, r) => row.length === y.rows[r].length && row.every((v, c) => sameValue(v, y.rows[r][c])))
}

const sameValue = (a: unknown, b: unknown) =>
  a instanceof Uint8Array && b instanceof Uint8Array ? a.length === b.length && a.every((x, i) => x === b[i]) : Object.is(a, b)
