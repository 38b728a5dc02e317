import {describe, expect, it} from 'vitest'
import {BatchBuilder, MappedBatch} from '../../../src/lib/apps/mapped-batch.js'
import {CoercionFailure} from '../../../src/lib/sql/input/coerce.js'
import type {Column, Row} from '../../../src/lib/sql/types.js'

const COLUMNS: Column[] = [
  {name: 'n', type: {name: 'DOUBLE'}},
  {name: 's', type: {name: 'VARCHAR', length: 64}},
  {name: 'b', type: {name: 'BOOLEAN'}},
  {name: 'bin', type: {name: 'VARBINARY', length: 8}},
  {name: 't', type: {name: 'TIMESTAMP'}},
]

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
    const out = batch.rows()
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
    expect(batch.rows()).toEqual(rows)
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
    expect(batch.rows().map((r) => r[1])).toEqual(['a', 'b', 'c'])
    expect([batch.position(0), batch.position(3)]).toEqual(['in.ndjson:1', 'in.ndjson:4'])
    expect([batch.data(1), batch.data(3)]).toEqual(['record 2', 'record 4'])
    expect(batch.arrival).toBe(42)
  })

  it('leave ROWTIMEs out when they are the arrival time', () => {
    expect(roundTrip([{rows: [[1, 'a', null, null, 1]], rowtimes: [0]}], false).packed.rowtimes).toBeUndefined()
  })
})
