import {describe, expect, it} from 'vitest'
import {runApplication, type CheckpointData, type OutputRoute} from '../../../src/lib/apps/runner.js'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {createRecordMapper} from '../../../src/lib/sql/input/mapper.js'
import {parseInputSchema} from '../../../src/lib/sql/input/schema.js'
import type {InRecord, OutRecord, Sink} from '../../../src/lib/targets/types.js'
import {windowCountApp} from './fake-app.js'

const mapping = parseInputSchema({RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'user_id', SqlType: 'VARCHAR(16)', Mapping: '$.user_id'}]})

class MemorySink implements Sink {
  readonly records: OutRecord[] = []
  readonly marks: Array<string | undefined> = []
  constructor(readonly target = 'memory') {}
  async write(batch: readonly OutRecord[], mark?: string) {
    this.records.push(...batch)
    this.marks.push(mark)
  }
  async flush() {}
  async close() {
    return {target: this.target, delivered: this.records.length, bytes: 0, retried: 0, failed: 0}
  }
  lines() {
    return this.records.map((r) => JSON.parse(r.data))
  }
}

const record = (data: string, arrival: number, position: number): InRecord => ({data, arrival, position: String(position)})

async function* batchesOf(...batches: InRecord[][]) {
  for (const b of batches) yield b
}

const route = (stream: string, sink: Sink, extra: Partial<OutputRoute> = {}): OutputRoute => ({
  stream,
  columns: windowCountApp().streams.find((s) => s.name === stream)!.columns,
  sink,
  ...extra,
})

describe('runApplication', () => {
  it('runs a finite input to its end, closes the open window, and counts honestly', async () => {
    const counts = new MemorySink()
    const errors = new MemorySink()
    const report = await runApplication({
      app: windowCountApp(),
      sourceStream: 'SOURCE_SQL_STREAM_001',
      mapper: createRecordMapper(mapping),
      batches: batchesOf([record('{"user_id":"a"}', 1_000, 1), record('{"user_id":"b"}', 2_000, 2)], [record('not json', 3_000, 3), record('{"user_id":"a"}', 12_000, 4)]),
      routes: [route('COUNTS', counts), {stream: 'error_stream', columns: [], sink: errors}],
      withRowtime: true,
      clock: new ManualClock(0),
      finite: true,
    })
    expect(report.ended).toBe(true)
    expect(report.counters).toMatchObject({recordsIn: 4, rowsIn: 3, errors: 1, rowsOut: {COUNTS: 3, error_stream: 1}})
    expect(report.counters.firstErrors[0]).toMatch(/^3: not valid JSON/)
    expect(counts.lines()).toEqual([
      {ROWTIME: '1970-01-01 00:00:10.000', USER_ID: 'a', EVENTS: 1, WINDOW_START: '1970-01-01 00:00:00.000'},
      {ROWTIME: '1970-01-01 00:00:10.000', USER_ID: 'b', EVENTS: 1, WINDOW_START: '1970-01-01 00:00:00.000'},
      {ROWTIME: '1970-01-01 00:00:20.000', USER_ID: 'a', EVENTS: 1, WINDOW_START: '1970-01-01 00:00:10.000'},
    ])
    expect(counts.records.map((r) => r.time)).toEqual([10_000, 10_000, 20_000])
  })

  it('closes windows by heartbeat while an unbounded input is idle, and stops on the signal', async () => {
    const clock = new ManualClock(1_000)
    const counts = new MemorySink()
    const controller = new AbortController()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    async function* live() {
      yield [record('{"user_id":"a"}', 1_000, 1)]
      await gate
    }
    const done = runApplication({
      app: windowCountApp(),
      sourceStream: 'SOURCE_SQL_STREAM_001',
      mapper: createRecordMapper(mapping),
      batches: live(),
      routes: [route('COUNTS', counts)],
      withRowtime: false,
      clock,
      signal: controller.signal,
      finite: false,
      heartbeatMs: 1_000,
    })
    // Let the runner take the batch and wait; then time passes with no input.
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setImmediate(r))
      clock.advance(1_000)
    }
    await new Promise((r) => setImmediate(r))
    expect(counts.lines()).toEqual([{USER_ID: 'a', EVENTS: 1, WINDOW_START: '1970-01-01 00:00:00.000'}])
    controller.abort()
    release()
    const report = await done
    expect(report.ended).toBe(false)
  })

  it('resumes from a checkpoint: restored state, continued row numbers, rows already delivered dropped', async () => {
    const checkpoints: CheckpointData[] = []
    const first = new MemorySink()
    const input = [record('{"user_id":"a"}', 1_000, 1), record('{"user_id":"b"}', 2_000, 2), record('{"user_id":"a"}', 11_000, 3)]
    await runApplication({
      app: windowCountApp(),
      sourceStream: 'SOURCE_SQL_STREAM_001',
      mapper: createRecordMapper(mapping),
      batches: batchesOf(input.slice(0, 2)),
      position: () => '2',
      routes: [route('ECHO', first, {useMarks: true})],
      withRowtime: false,
      clock: new ManualClock(0),
      finite: false,
      onCheckpoint: async (c) => void checkpoints.push(JSON.parse(JSON.stringify(c))),
    })
    expect(first.marks).toEqual(['2'])
    const last = checkpoints.at(-1)!
    expect(last).toMatchObject({input: '2', state: {window: 0, counts: {a: 1, b: 1}}, counters: {recordsIn: 2, rowsOut: {ECHO: 2}}})

    // The second run re-reads record 2 (as after a crash before the checkpoint) and record 3.
    const second = new MemorySink()
    const counts = new MemorySink()
    const report = await runApplication({
      app: windowCountApp(),
      sourceStream: 'SOURCE_SQL_STREAM_001',
      mapper: createRecordMapper(mapping),
      batches: batchesOf(input.slice(2)),
      routes: [route('ECHO', second, {useMarks: true, deliveredThrough: 2}), route('COUNTS', counts)],
      withRowtime: false,
      clock: new ManualClock(0),
      finite: true,
      restore: last.state,
      counters: last.counters,
    })
    expect(second.lines()).toEqual([{USER_ID: 'a'}])
    expect(second.marks).toEqual(['3'])
    expect(counts.lines().map((r) => [r.USER_ID, r.EVENTS])).toEqual([['a', 1], ['b', 1], ['a', 1]])
    expect(report.counters.recordsIn).toBe(3)
  })

  it('drops rows numbered at or below the sink mark when a crash came after delivery', async () => {
    const sink = new MemorySink()
    await runApplication({
      app: windowCountApp(),
      sourceStream: 'SOURCE_SQL_STREAM_001',
      mapper: createRecordMapper(mapping),
      batches: batchesOf([record('{"user_id":"a"}', 1, 1), record('{"user_id":"b"}', 2, 2), record('{"user_id":"c"}', 3, 3)]),
      routes: [route('ECHO', sink, {useMarks: true, deliveredThrough: 2})],
      withRowtime: false,
      clock: new ManualClock(0),
      finite: true,
    })
    expect(sink.lines()).toEqual([{USER_ID: 'c'}])
  })

  it('delivers a stream routed to several outputs to each of them, with a mark per output', async () => {
    const stream = new MemorySink('local:sessions')
    const lake = new MemorySink('lake:sessions')
    const report = await runApplication({
      app: windowCountApp(),
      sourceStream: 'SOURCE_SQL_STREAM_001',
      mapper: createRecordMapper(mapping),
      batches: batchesOf([record('{"user_id":"a"}', 1, 1), record('{"user_id":"b"}', 2, 2), record('{"user_id":"c"}', 3, 3)]),
      routes: [route('ECHO', stream, {useMarks: true, deliveredThrough: 1}), route('ECHO', lake)],
      withRowtime: false,
      clock: new ManualClock(0),
      finite: true,
    })
    expect(report.counters.rowsOut).toEqual({ECHO: 3})
    expect(stream.lines()).toEqual([{USER_ID: 'b'}, {USER_ID: 'c'}])
    expect(stream.marks).toEqual(['3'])
    expect(lake.lines()).toEqual([{USER_ID: 'a'}, {USER_ID: 'b'}, {USER_ID: 'c'}])
  })
})
