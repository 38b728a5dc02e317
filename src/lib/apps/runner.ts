import type {Clock} from '../core/clock.js'
import {InputError} from '../core/errors.js'
import type {ApplicationRuntime, CompiledApplication} from '../sql/api.js'
import {CoercionFailure} from '../sql/input/coerce.js'
import {ERROR_STREAM, errorStreamRow} from '../sql/input/error-stream.js'
import type {RecordMapper} from '../sql/input/mapper.js'
import type {Column, Row} from '../sql/types.js'
import type {InRecord, OutRecord, Sink} from '../targets/types.js'
import {MappedBatch} from './mapped-batch.js'
import {rowFormatter} from './output.js'

/** Where one in-application stream's rows go. */
export interface OutputRoute {
  stream: string
  columns: readonly Column[]
  sink: Sink
  /**
   * Rows of this stream numbered up to here were delivered by an earlier run (the sink's last
   * mark): a resumed worker drops them instead of writing them twice.
   */
  deliveredThrough?: number
  /** Store the row number as the sink's mark with each write (local streams keep marks). */
  useMarks?: boolean
  /** Per row text, for `columns`; JSON unless given. */
  format?: (row: Row, rowtime: number) => string
}

/** Counts that survive restarts (kept in the worker's checkpoint). */
export interface RunCounters {
  /** Records read from the input. */
  recordsIn: number
  /** Rows pushed into the source stream (a record can give several, or none). */
  rowsIn: number
  /** Records set aside to error_stream. */
  errors: number
  /** Rows emitted per routed stream: also the number of the last row, for marks. */
  rowsOut: Record<string, number>
  lastRowtime?: number
  lastArrival?: number
  lastPosition?: string
  /** The first reasons records were set aside for, to show the user. */
  firstErrors: string[]
}

export interface CheckpointData {
  /** Source.checkpoint() after the last batch fully processed. */
  input: string | undefined
  state: unknown
  counters: RunCounters
}

export interface ApplicationRunOptions {
  app: CompiledApplication
  /** The source in-application stream rows are pushed into. */
  sourceStream: string
  mapper: RecordMapper
  /** Records to map with `mapper`, or records another thread has mapped already (a big file). */
  batches: AsyncIterable<InRecord[] | MappedBatch>
  /** The input's position token after the batches handed out so far. */
  position?: () => string | undefined
  routes: readonly OutputRoute[]
  withRowtime: boolean
  clock: Clock
  signal?: AbortSignal
  /** A finite input: at its end, close every window (runtime.end()). */
  finite: boolean
  /** Idle input: advance time by the clock every so often so windows close. Default 1000 ms. */
  heartbeatMs?: number
  restore?: unknown
  counters?: RunCounters
  /** Called with a consistent checkpoint after outputs are delivered, at most every `checkpointEveryMs`, and at the end. */
  onCheckpoint?: (data: CheckpointData) => Promise<void>
  checkpointEveryMs?: number
  /** After every batch or heartbeat (for status files and progress). */
  onProgress?: (counters: RunCounters) => void
  /** Checked after every batch: true ends the run early (e.g. every reader went away). */
  shouldStop?: () => boolean
}

export interface ApplicationRunReport {
  counters: RunCounters
  /** The input ended (finite input read to its end) rather than being stopped. */
  ended: boolean
}

const MAX_FIRST_ERRORS = 5
const TICK = Symbol('tick')

export function emptyCounters(): RunCounters {
  return {recordsIn: 0, rowsIn: 0, errors: 0, rowsOut: {}, firstErrors: []}
}

/**
 * Runs a compiled application over a stream of input batches: maps each record to rows of the
 * source stream (records that do not map go to error_stream with the reason), pushes them with
 * their ROWTIME, routes emitted rows to their sinks, and keeps honest counts. While the input is
 * idle, heartbeats move time forward (from the last ROWTIME, at the clock's pace) so windows
 * close. Outputs are delivered before each checkpoint, so a checkpoint never claims rows that
 * were not written.
 */
export async function runApplication(options: ApplicationRunOptions): Promise<ApplicationRunReport> {
  const {clock, signal} = options
  const counters = options.counters ?? emptyCounters()
  // One stream may go to several outputs (KDA allows that): rows are numbered per stream, and
  // each output keeps its own pending rows and mark.
  const routes = new Map<string, OutputRoute[]>()
  for (const r of options.routes) {
    counters.rowsOut[r.stream] ??= 0
    const list = routes.get(r.stream)
    if (list) list.push(r)
    else routes.set(r.stream, [r])
  }
  const pending = new Map<OutputRoute, OutRecord[]>(options.routes.map((r) => [r, []]))
  const formats = new Map(options.routes.map((r) => [r, r.format ?? rowFormatter('JSON', r.columns, options.withRowtime)]))
  const marks = new Map<OutputRoute, number>()
  // Nothing read and nothing emitted since the last checkpoint: an idle worker writes none.
  let changed = false

  const emit = (stream: string, row: Row, rowtime: number) => {
    const targets = routes.get(stream)
    if (!targets) return
    const seq = ++counters.rowsOut[stream]
    for (const route of targets) {
      if (route.deliveredThrough !== undefined && seq <= route.deliveredThrough) continue
      const data = formats.get(route)!(row, rowtime)
      pending.get(route)!.push({data, time: rowtime})
      marks.set(route, seq)
    }
    changed = true
  }

  // Rows a pump could not evaluate (division by zero, a bad CAST) reach error_stream from the
  // runtime itself: counted with the records the mapping set aside.
  const onRow = (stream: string, row: Row, rowtime: number) => {
    if (stream === ERROR_STREAM) {
      counters.errors++
      if (counters.firstErrors.length < MAX_FIRST_ERRORS) counters.firstErrors.push(`${row[6] ?? 'pump'}: ${row[3]}`)
    }
    emit(stream, row, rowtime)
  }
  // The row being pushed from a batch another thread mapped, which may leave out the columns no
  // query reads: should a pump refuse it, error_stream shows the whole row, its record mapped again.
  let pushingBatch: MappedBatch | undefined
  let pushingRecord = 0
  let pushingRow = 0
  const wholeRow = (_stream: string, row: Row): Row => {
    if (pushingBatch === undefined || !pushingBatch.leavesColumnsOut) return row
    const mapped = options.mapper(pushingBatch.data(pushingRecord), pushingBatch.arrival)
    return mapped instanceof CoercionFailure ? row : (mapped.rows[pushingRow] ?? row)
  }
  const runtime: ApplicationRuntime = options.app.createRuntime({onRow, restore: options.restore, wholeRow, reported: [...routes.keys()]})

  const setAside = (record: InRecord, reason: string, rowtime: number) => {
    counters.errors++
    if (counters.firstErrors.length < MAX_FIRST_ERRORS) counters.firstErrors.push(`${record.position}: ${reason}`)
    emit(ERROR_STREAM, errorStreamRow({errorTime: clock.now(), message: reason, data: record.data, dataRowtime: rowtime}), rowtime)
  }

  const deliver = async () => {
    for (const [route, list] of pending) {
      if (list.length === 0) continue
      pending.set(route, [])
      await route.sink.write(list, route.useMarks ? String(marks.get(route)) : undefined)
    }
  }

  let lastCheckpointAt = -Infinity
  const checkpoint = async (force: boolean) => {
    if (!options.onCheckpoint || (!changed && !force)) return
    if (!force && clock.now() - lastCheckpointAt < (options.checkpointEveryMs ?? 1000)) return
    changed = false
    for (const r of options.routes) await r.sink.flush()
    await options.onCheckpoint({input: options.position?.(), state: runtime.snapshot(), counters})
    lastCheckpointAt = clock.now()
  }

  let lastRowWall = clock.now()
  /** Pushes one row into the source stream; returns why the SQL refused it, if it did. */
  const push = (row: Row, rowtime: number): string | undefined => {
    try {
      runtime.push(options.sourceStream, row, rowtime)
    } catch (error) {
      // A row the SQL cannot evaluate (KDA: error_stream) must not stop the application.
      if (!(error instanceof InputError)) throw error
      return error.message
    }
    counters.rowsIn++
    counters.lastRowtime = rowtime
    return undefined
  }

  const processBatch = (batch: InRecord[]) => {
    changed = true
    for (const record of batch) {
      counters.recordsIn++
      counters.lastArrival = record.arrival
      counters.lastPosition = record.position
      const mapped = options.mapper(record.data, record.arrival)
      if (mapped instanceof CoercionFailure) {
        setAside(record, mapped.reason, counters.lastRowtime ?? record.arrival)
        continue
      }
      for (let i = 0; i < mapped.rows.length; i++) {
        const rowtime = Math.max(mapped.rowtimes[i], counters.lastRowtime ?? -Infinity)
        const refused = push(mapped.rows[i], rowtime)
        if (refused !== undefined) setAside(record, refused, rowtime)
      }
    }
    lastRowWall = clock.now()
  }

  // The same steps for records mapped on another thread: the same rows, ROWTIMEs and records
  // set aside, in the same order. Positions and texts are only built for records set aside.
  const processMapped = (batch: MappedBatch) => {
    if (batch.records === 0) return
    changed = true
    const {rowCounts, failures, rowtimes} = batch.packed
    const arrival = batch.arrival
    const recordAt = (r: number): InRecord => ({data: batch.data(r), arrival, position: batch.position(r)})
    let failure = 0
    let j = 0
    pushingBatch = batch
    for (let r = 0; r < batch.records; r++) {
      counters.recordsIn++
      if (failure < failures.length && failures[failure].record === r) {
        const {reason, data} = failures[failure++]
        setAside({data, arrival, position: batch.position(r)}, reason, counters.lastRowtime ?? arrival)
        continue
      }
      pushingRecord = r
      for (const first = j, end = j + rowCounts[r]; j < end; j++) {
        const rowtime = Math.max(rowtimes ? rowtimes[j] : arrival, counters.lastRowtime ?? -Infinity)
        pushingRow = j - first
        const refused = push(batch.row(j), rowtime)
        if (refused !== undefined) setAside(recordAt(r), refused, rowtime)
      }
    }
    pushingBatch = undefined
    counters.lastArrival = arrival
    counters.lastPosition = batch.position(batch.records - 1)
    lastRowWall = clock.now()
  }

  const heartbeat = () => {
    if (counters.lastRowtime === undefined) return
    const t = counters.lastRowtime + (clock.now() - lastRowWall)
    runtime.advanceTime(t)
  }

  const heartbeatMs = options.heartbeatMs ?? 1000
  const iterator = options.batches[Symbol.asyncIterator]()
  let ended = false
  const aborted = new Promise<typeof TICK>((resolve) => {
    if (signal?.aborted) resolve(TICK)
    signal?.addEventListener('abort', () => resolve(TICK), {once: true})
  })
  try {
    let next = iterator.next()
    while (!signal?.aborted) {
      let result: IteratorResult<InRecord[] | MappedBatch> | typeof TICK
      if (options.finite) {
        result = await Promise.race([next, aborted])
      } else {
        const timer = new AbortController()
        result = await Promise.race([next, aborted, clock.sleep(heartbeatMs, timer.signal).then((): typeof TICK => TICK)])
        timer.abort()
      }
      if (signal?.aborted) break
      if (result === TICK) {
        heartbeat()
      } else if (result.done) {
        ended = true
        break
      } else {
        if (result.value instanceof MappedBatch) processMapped(result.value)
        else processBatch(result.value)
        next = iterator.next()
      }
      await deliver()
      options.onProgress?.(counters)
      await checkpoint(false)
      if (options.shouldStop?.()) break
    }
    if (ended && options.finite) runtime.end()
    await deliver()
    await checkpoint(true)
    options.onProgress?.(counters)
  } finally {
    // Ends a source that is still waiting for data (following) without waiting for it.
    void iterator.return?.()
  }
  return {counters, ended}
}
