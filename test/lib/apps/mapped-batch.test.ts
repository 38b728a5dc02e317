import {describe, expect, it} from 'vitest'
import {BatchBuilder, MappedBatch} from '../../../src/lib/apps/mapped-batch.js'
import {CoercionFailure} from '../../../src/lib/sql/input/coerce.js'
import {NUMBER_COLUMN, TEXT_COLUMN, VALUE_COLUMN, WrittenRow} from '../../../src/lib/sql/input/mapper.js'
import type {Column, Row} from '../../../src/lib/sql/types.js'

const COLUMNS: Column[] = [
  {name: 'n', type: {name: 'DOUBLE'}},
  {name: 's', type: {name: 'VARCHAR', length: 64}},
  {name: 'b', type: {name: 'BOOLEAN'}},
  {name: 'bin', type: {name: 'VARBINARY', length: 8}},
  {name: 't', type: {name: 'TIMESTAMP'}},
]

/** Every row of a batch, unpacked as the application thread takes them. */
const rowsOf = (batch: MappedBatch): Row[] => Array.from({length: batch.packed.rows}, (_, j) => batch.row(j))

/** Packs records as the reading thread does, moves the batch as postMessage would, unpacks it. */
function roundTrip(records: Array<{rows: Row[]; rowtimes: number[]} | CoercionFailure>, withRowtimes = true): MappedBatch {
  const builder = new BatchBuilder(COLUMNS, {withRowtimes, withText: true})
  records.forEach((r, i) => builder.add(i + 1, (i + 1) * 10, `record ${i + 1}`, r))
  const {batch, transfer} = builder.take()
  const moved = structuredClone(batch, {transfer})
  expect(transfer.every((buffer) => buffer.byteLength === 0), 'the typed arrays were moved, not copied').toBe(true)
  return new MappedBatch(moved, 'in.ndjson', 42)
}

describe('packed batches', () => {
  it('give back every value as it was mapped: numbers, NULLs, long and multi-byte strings, booleans, bytes', () => {
    const rows: Row[] = [
      [1.5, 'short', true, new Uint8Array([1, 2]), 1_700_000_000_000],
      [-0, 'a string longer than thirteen characters', false, null, null],
      [null, null, null, new Uint8Array([]), 0],
      [Number.NaN, 'größe ✓ 日本語', true, null, -1],
      [Infinity, '', false, null, 2 ** 53 - 1],
    ]
    const batch = roundTrip(rows.map((row, i) => ({rows: [row], rowtimes: [i * 1000]})))
    const out = rowsOf(batch)
    expect(out).toEqual(rows)
    expect(Object.is(out[1][0], -0)).toBe(true)
    expect(Array.from(batch.packed.rowtimes!)).toEqual([0, 1000, 2000, 3000, 4000])
    expect(batch.packed.columns.map((c) => c.kind)).toEqual(['number', 'string', 'plain', 'plain', 'number'])
  })

  it('send a column as it is when a value does not fit its type, rather than alter it', () => {
    const rows: Row[] = [
      ['not a number', 7, null, null, 1],
      [2, 'text', null, null, 'not a time either'],
    ]
    const batch = roundTrip(rows.map((row) => ({rows: [row], rowtimes: [0]})))
    expect(rowsOf(batch)).toEqual(rows)
    expect(batch.packed.columns.map((c) => c.kind)).toEqual(['plain', 'plain', 'plain', 'plain', 'plain'])
  })

  it('keep which record gave which rows, which were set aside and why, and where each one is', () => {
    const batch = roundTrip([
      {rows: [[1, 'a', null, null, 1]], rowtimes: [5]},
      new CoercionFailure('not valid JSON'),
      {rows: [], rowtimes: []},
      {rows: [[2, 'b', null, null, 2], [3, 'c', null, null, 3]], rowtimes: [6, 7]},
    ])
    expect(batch.records).toBe(4)
    expect(Array.from(batch.packed.rowCounts)).toEqual([1, 0, 0, 2])
    expect(batch.packed.failures).toEqual([{record: 1, reason: 'not valid JSON', data: 'record 2'}])
    expect(rowsOf(batch).map((r) => r[1])).toEqual(['a', 'b', 'c'])
    expect([batch.position(0), batch.position(3)]).toEqual(['in.ndjson:1', 'in.ndjson:4'])
    expect([batch.data(1), batch.data(3)]).toEqual(['record 2', 'record 4'])
    expect(batch.arrival).toBe(42)
  })

  it('leave ROWTIMEs out when they are the arrival time', () => {
    expect(roundTrip([{rows: [[1, 'a', null, null, 1]], rowtimes: [0]}], false).packed.rowtimes).toBeUndefined()
  })
})

describe('packed batches of rows the row writer wrote', () => {
  /** A row of COLUMNS whose string is `text.slice(from, to)`, left in the text. */
  const written = (text: string, from: number, to: number, n: number, t: number) => {
    const row = new WrittenRow(COLUMNS.length)
    row.text = text
    row.tags.set([NUMBER_COLUMN, TEXT_COLUMN, VALUE_COLUMN, VALUE_COLUMN, NUMBER_COLUMN])
    row.numbers[0] = n
    row.from[1] = from
    row.to[1] = to
    row.values[2] = n > 1
    row.values[3] = null
    row.numbers[4] = t
    row.rowtime = t
    return row
  }

  const send = (builder: BatchBuilder) => {
    const {batch, transfer} = builder.take()
    return new MappedBatch(structuredClone(batch, {transfer}), 'in.ndjson', 0)
  }

  it('give back strings left in the text as strings made, Latin-1 or not, batch after batch', () => {
    const builder = new BatchBuilder(COLUMNS, {withRowtimes: true, withText: false})
    const text = '{"s":"plain"}\n{"s":"größe"}\n{"s":"日本語 ✓"}\n{"s":"\ud800"}\n'
    const spans = [...text.matchAll(/"s":"([^"]*)"/g)].map((m) => [m.index + 5, m.index + 5 + m[1].length])
    // Given rows whose strings are in the text, one of them a string made (with a multi-byte
    // character), and a NULL
    spans.forEach(([from, to], i) => builder.addWritten(i + 1, (i + 1) * 20, 13, undefined, written(text, from, to, i, 1000 + i)))
    builder.add(5, 100, '{"s":"ž"}', {rows: [[9, 'ž', null, null, 9]], rowtimes: [9]})
    builder.add(6, 120, '{"s":null}', {rows: [[10, null, null, null, 10]], rowtimes: [10]})
    const first = send(builder)
    // Then the strings are as made
    expect(rowsOf(first).map((r) => r[1])).toEqual(['plain', 'größe', '日本語 ✓', '\ud800', 'ž', null])
    expect(rowsOf(first)[2]).toEqual([2, '日本語 ✓', true, null, 1002])
    expect(Array.from(first.packed.rowtimes!)).toEqual([1000, 1001, 1002, 1003, 9, 10])
    expect(first.packed.columns[1].kind).toBe('string')
    // And the next batch starts afresh (in Latin-1 again)
    builder.addWritten(7, 140, 13, undefined, written(text, spans[0][0], spans[0][1], 7, 7))
    expect(rowsOf(send(builder))).toEqual([[7, 'plain', true, null, 7]])
  })

  it('send a column as it is when a value does not fit its type, wherever the value was', () => {
    const builder = new BatchBuilder(COLUMNS, {withRowtimes: false, withText: false})
    const text = '"abc"'
    builder.addWritten(1, 10, 5, undefined, written(text, 1, 4, 1, 1))
    const odd = written(text, 1, 4, 2, 2)
    odd.tags[1] = NUMBER_COLUMN
    odd.numbers[1] = 42
    builder.addWritten(2, 20, 5, undefined, odd)
    builder.addWritten(3, 30, 5, undefined, written(text, 2, 3, 3, 3))
    const batch = send(builder)
    expect(rowsOf(batch).map((r) => r[1])).toEqual(['abc', 42, 'b'])
    expect(batch.packed.columns[1].kind).toBe('plain')
  })

  it('leave out the columns the application does not read: their rows have NULL there', () => {
    const sent = [true, false, true, false, true]
    const builder = new BatchBuilder(COLUMNS, {withRowtimes: false, withText: false, sent})
    const text = '"abc"'
    builder.addWritten(1, 10, 5, undefined, written(text, 1, 4, 1, 1))
    builder.add(2, 20, 'record 2', {rows: [[2, 'made', true, new Uint8Array([1]), 2]], rowtimes: [0]})
    builder.addWritten(3, 30, 5, undefined, written(text, 2, 3, 3, 3))
    const batch = send(builder)
    expect(batch.packed.columns.map((c) => c.kind)).toEqual(['number', 'absent', 'plain', 'absent', 'number'])
    expect(rowsOf(batch)).toEqual([
      [1, null, false, null, 1],
      [2, null, true, null, 2],
      [3, null, true, null, 3],
    ])
    expect(batch.leavesColumnsOut).toBe(true)
    // Sent in full otherwise
    const all = new BatchBuilder(COLUMNS, {withRowtimes: false, withText: false})
    all.addWritten(1, 10, 5, undefined, written(text, 1, 4, 1, 1))
    const full = send(all)
    expect(rowsOf(full)).toEqual([[1, 'abc', false, null, 1]])
    expect(full.leavesColumnsOut).toBe(false)
  })
})
