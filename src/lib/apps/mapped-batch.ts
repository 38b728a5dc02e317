import {closeSync, openSync, readSync} from 'node:fs'
import {generatedFunction} from '../core/generated-code.js'
import {ownString} from '../core/strings.js'
import {CoercionFailure} from '../sql/input/coerce.js'
import {NUMBER_COLUMN, TEXT_COLUMN, type MappedRecord, type WrittenRow} from '../sql/input/mapper.js'
import type {Column, Row, SqlValue} from '../sql/types.js'

/**
 * Records read and mapped to rows by another thread, packed so that handing them over is cheap:
 * a structured clone of rows as arrays of arrays costs the receiving thread about as much as
 * mapping them itself, while typed arrays move for free and one long string is one copy. Numbers
 * travel as a Float64Array per column, strings as one joined string and end offsets per column;
 * anything else (BOOLEAN, VARBINARY, a value of an unexpected kind) as a plain array. A column
 * the application never reads is not sent at all: its rows arrive with NULL there.
 */
export interface PackedBatch {
  /** Line number of the first record; the others follow one per line. */
  firstLine: number
  records: number
  /** Byte offset in the input where the first record starts. */
  firstByte: number
  /** Byte offset just past each record's newline: its text can be read again if needed. */
  byteEnds: Float64Array
  /**
   * The records' text joined by newlines (lines never hold one), for inputs that cannot be read
   * again at an offset (gzip). Otherwise left out: copying every record's text would cost the
   * receiving thread ~85 ms per 1M records, for texts it almost never needs (records the mapping
   * set aside carry their own).
   */
  text?: string
  /** Rows each record became; 0 for a record set aside. */
  rowCounts: Uint32Array
  /** Records the mapping set aside, in order, by their index in this batch. */
  failures: Array<{record: number; reason: string; data: string}>
  rows: number
  columns: PackedColumn[]
  /** ROWTIME of each row, when taken from a field; otherwise every row's is the arrival time. */
  rowtimes?: Float64Array
}

export type PackedColumn =
  | {kind: 'number'; values: Float64Array; nulls?: Uint8Array}
  | {kind: 'string'; text: string; ends: Uint32Array; nulls?: Uint8Array}
  | {kind: 'plain'; values: SqlValue[]}
  | {kind: 'absent'}

type ColumnKind = PackedColumn['kind']

const NUMBER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL', 'REAL', 'DOUBLE', 'DATE', 'TIME', 'TIMESTAMP', 'INTERVAL_DAY_TIME', 'INTERVAL_YEAR_MONTH'])

function kindOf(column: Column): ColumnKind {
  if (NUMBER_TYPES.has(column.type.name)) return 'number'
  return column.type.name === 'CHAR' || column.type.name === 'VARCHAR' ? 'string' : 'plain'
}

/** Growable typed arrays: a batch's size is known only when it is taken. */
function grown<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2))
  bigger.set(array)
  return bigger
}

/** Code units per String.fromCharCode call when a column's text is made from UTF-16. */
const FROM_CHAR_CODES = 8192

/**
 * A string column's text, written character by character as values come and made one string
 * when the batch is taken. Appending to a string instead (`+=`) makes a rope of thousands of
 * pieces that postMessage must flatten, and joining an array of them costs as much (~100 ms per
 * 1M records of 4 string columns); nor is anything kept alive meanwhile. Characters are Latin-1
 * bytes until a value needs more, then UTF-16 code units (lone surrogates included). The buffer
 * serves batch after batch.
 */
class ColumnText {
  private bytes = new Uint8Array(4096)
  private units: Uint16Array | undefined
  length = 0

  append(value: string): void {
    this.appendRange(value, 0, value.length)
  }

  /** Appends the characters `text[from, to)`: `append(text.slice(from, to))`, without the slice. */
  appendRange(text: string, from: number, to: number): void {
    const start = this.length - from
    if (this.units === undefined) {
      if (start + to > this.bytes.length) this.bytes = grown(this.bytes, start + to)
      const bytes = this.bytes
      let i = from
      for (; i < to; i++) {
        const code = text.charCodeAt(i)
        if (code > 0xff) break
        bytes[start + i] = code
      }
      if (i === to) {
        this.length = start + to
        return
      }
      this.widen()
    }
    this.appendUnits(text.slice(from, to))
  }

  private appendUnits(value: string): void {
    const n = value.length
    let at = this.length
    if (at + n > this.units!.length) this.units = grown(this.units!, at + n)
    const units = this.units!
    for (let i = 0; i < n; i++) units[at++] = value.charCodeAt(i)
    this.length = at
  }

  private widen(): void {
    const units = new Uint16Array(Math.max(this.bytes.length, 1024))
    units.set(this.bytes.subarray(0, this.length))
    this.units = units
  }

  clear(): void {
    this.length = 0
    this.units = undefined
  }

  /** The text so far; the column starts over. */
  take(): string {
    const length = this.length
    const units = this.units
    this.clear()
    if (units === undefined) return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, length).toString('latin1')
    let text = ''
    for (let i = 0; i < length; i += FROM_CHAR_CODES) text += String.fromCharCode(...units.subarray(i, Math.min(i + FROM_CHAR_CODES, length)))
    return text
  }
}

const NUMBER = 0
const STRING = 1
const PLAIN = 2
const ABSENT = 3

/** Rows a batch's columns have room for at first, when the batch before it was smaller. */
const MIN_CAPACITY = 1024

/**
 * Collects mapped records on the reading thread and packs their rows as they come (while each
 * row is still in the cache). Each column is packed by its SQL type; should a value not fit (the
 * mapper is the judge of values, not this module), that column of that batch goes as a plain
 * array instead, so nothing is ever altered.
 */
export class BatchBuilder {
  private readonly kinds: number[]
  private readonly n: number
  // Per record
  private records_ = 0
  private rowCounts = new Uint32Array(1024)
  private byteEnds = new Float64Array(1024)
  private texts: string[] = []
  private failures: Array<{record: number; reason: string; data: string}> = []
  // Per row, per column (the column's mode for this batch: NUMBER, STRING or PLAIN)
  private rows = 0
  private capacity = 0
  /** The rows of the last batch: the next one is likely as large. */
  private lastRows = 0
  private modes: number[] = []
  private numbers: Float64Array[] = []
  private readonly strings: ColumnText[]
  private ends: Uint32Array[] = []
  private nulls: Array<Uint8Array | undefined> = []
  private plains: SqlValue[][] = []
  private rowtimes = new Float64Array(0)
  private firstLine = 0
  private firstByte = 0
  private lastByte = 0
  /** Characters of record text collected so far (to bound a batch's size). */
  chars = 0

  constructor(
    columns: readonly Column[],
    private readonly options: {
      withRowtimes: boolean
      withText: boolean
      /** Per column, whether to send it (the application reads it); all are sent unless given. */
      sent?: readonly boolean[]
    },
  ) {
    this.kinds = columns.map((c, i) => {
      if (options.sent !== undefined && !options.sent[i]) return ABSENT
      return kindOf(c) === 'number' ? NUMBER : kindOf(c) === 'string' ? STRING : PLAIN
    })
    this.n = columns.length
    this.strings = this.kinds.map(() => new ColumnText())
    this.reset()
  }

  get records(): number {
    return this.records_
  }

  /** Adds the record on line `line`, ending at byte `end`, as the mapper mapped it. */
  add(line: number, end: number, text: string, mapped: MappedRecord | CoercionFailure): void {
    const record = this.addRecord(line, end, text.length, text)
    if (mapped instanceof CoercionFailure) {
      this.rowCounts[record] = 0
      this.failures.push({record, reason: mapped.reason, data: text})
      return
    }
    const rows = mapped.rows
    this.rowCounts[record] = rows.length
    for (let i = 0; i < rows.length; i++) this.addRow(rows[i], mapped.rowtimes[i])
  }

  /**
   * Adds a record of `length` characters that became the one row `row` (which the caller may then
   * reuse), as `add` would. Its `text` is needed only when the batch carries texts (`withText`).
   */
  addWritten(line: number, end: number, length: number, text: string | undefined, row: WrittenRow): void {
    const record = this.addRecord(line, end, length, text)
    this.rowCounts[record] = 1
    if (this.rows === this.capacity) this.grow()
    const j = this.rows++
    if (this.options.withRowtimes) this.rowtimes[j] = row.rowtime
    const modes = this.modes
    for (let c = 0; c < this.n; c++) {
      const tag = row.tags[c]
      const mode = modes[c]
      if (mode === ABSENT) continue
      if (tag === TEXT_COLUMN && mode === STRING) {
        const columnText = this.strings[c]
        columnText.appendRange(row.text, row.from[c], row.to[c])
        this.ends[c][j] = columnText.length
      } else if (tag === NUMBER_COLUMN && mode === NUMBER) this.numbers[c][j] = row.numbers[c]
      else this.addValue(c, j, row.value(c))
    }
  }

  private addRecord(line: number, end: number, length: number, text: string | undefined): number {
    const record = this.records_++
    if (record === 0) {
      this.firstLine = line
      this.firstByte = this.lastByte
    }
    if (record === this.rowCounts.length) {
      this.rowCounts = grown(this.rowCounts, record + 1)
      this.byteEnds = grown(this.byteEnds, record + 1)
    }
    this.byteEnds[record] = end
    this.lastByte = end
    this.chars += length + 1
    if (this.options.withText) this.texts.push(text!)
    return record
  }

  private addRow(row: Row, rowtime: number): void {
    if (this.rows === this.capacity) this.grow()
    const j = this.rows++
    if (this.options.withRowtimes) this.rowtimes[j] = rowtime
    for (let c = 0; c < this.n; c++) this.addValue(c, j, row[c])
  }

  /** Column `c` of row `j`. */
  private addValue(c: number, j: number, v: SqlValue): void {
    const mode = this.modes[c]
    if (mode === NUMBER) {
      if (typeof v === 'number') this.numbers[c][j] = v
      else if (v === null) (this.nulls[c] ??= new Uint8Array(this.capacity))[j] = 1
      else this.toPlain(c, j, v)
    } else if (mode === STRING) {
      if (typeof v === 'string') {
        const text = this.strings[c]
        text.append(v)
        this.ends[c][j] = text.length
      } else if (v === null) {
        const nulls = (this.nulls[c] ??= new Uint8Array(this.capacity))
        nulls[j] = 1
        this.ends[c][j] = this.strings[c].length
      } else this.toPlain(c, j, v)
    } else if (mode === PLAIN) {
      this.plains[c].push(v)
    }
  }

  /** Column `c` goes plain in this batch from row `j` on: the rows packed so far are unpacked. */
  private toPlain(c: number, j: number, value: SqlValue): void {
    const values = unpackColumn(this.column(c, j), j)
    values.push(value)
    this.plains[c] = values
    this.modes[c] = PLAIN
  }

  /** Column `c` of the first `rows` rows, packed; a string column's text is taken. */
  private column(c: number, rows: number): PackedColumn {
    const nulls = this.nulls[c]?.subarray(0, rows)
    if (this.modes[c] === NUMBER) {
      const values = this.numbers[c].subarray(0, rows)
      return nulls ? {kind: 'number', values, nulls} : {kind: 'number', values}
    }
    if (this.modes[c] === STRING) {
      const ends = this.ends[c].subarray(0, rows)
      const text = this.strings[c].take()
      return nulls ? {kind: 'string', text, ends, nulls} : {kind: 'string', text, ends}
    }
    return this.modes[c] === ABSENT ? {kind: 'absent'} : {kind: 'plain', values: this.plains[c]}
  }

  private grow(): void {
    const length = this.rows + 1
    this.capacity = Math.max(length, this.capacity * 2, this.lastRows, MIN_CAPACITY)
    for (let c = 0; c < this.n; c++) {
      if (this.modes[c] === NUMBER) this.numbers[c] = grown(this.numbers[c], this.capacity)
      else if (this.modes[c] === STRING) this.ends[c] = grown(this.ends[c], this.capacity)
      const nulls = this.nulls[c]
      if (nulls) this.nulls[c] = grown(nulls, this.capacity)
    }
    if (this.options.withRowtimes) this.rowtimes = grown(this.rowtimes, this.capacity)
  }

  private reset(): void {
    this.lastRows = this.rows
    this.records_ = 0
    this.texts = []
    this.failures = []
    this.rows = 0
    this.capacity = 0
    this.modes = this.kinds.slice()
    this.numbers = this.kinds.map(() => new Float64Array(0))
    for (const text of this.strings) text.clear()
    this.ends = this.kinds.map(() => new Uint32Array(0))
    this.nulls = this.kinds.map(() => undefined)
    this.plains = this.kinds.map(() => [])
    this.rowtimes = new Float64Array(0)
    this.chars = 0
  }

  /** The batch so far, with the buffers to transfer rather than copy; the builder starts over. */
  take(): {batch: PackedBatch; transfer: ArrayBuffer[]} {
    const m = this.rows
    const records = this.records_
    // Exact copies of the per-record arrays: those buffers are kept for the next batch.
    const batch: PackedBatch = {
      firstLine: this.firstLine,
      records,
      firstByte: this.firstByte,
      byteEnds: this.byteEnds.slice(0, records),
      text: this.options.withText ? this.texts.join('\n') : undefined,
      rowCounts: this.rowCounts.slice(0, records),
      failures: this.failures,
      rows: m,
      columns: this.kinds.map((_, c) => this.column(c, m)),
      rowtimes: this.options.withRowtimes ? this.rowtimes.subarray(0, m) : undefined,
    }
    const transfer: ArrayBuffer[] = [batch.byteEnds.buffer as ArrayBuffer, batch.rowCounts.buffer as ArrayBuffer]
    if (batch.rowtimes) transfer.push(batch.rowtimes.buffer as ArrayBuffer)
    for (const col of batch.columns) {
      if (col.kind === 'plain' || col.kind === 'absent') continue
      transfer.push((col.kind === 'number' ? col.values.buffer : col.ends.buffer) as ArrayBuffer)
      if (col.nulls) transfer.push(col.nulls.buffer as ArrayBuffer)
    }
    this.reset()
    return {batch, transfer}
  }
}

/** The values of a packed column, as they were before packing. */
function unpackColumn(col: PackedColumn, m: number): SqlValue[] {
  const out: SqlValue[] = new Array(m)
  if (col.kind === 'number') {
    const {values, nulls} = col
    for (let j = 0; j < m; j++) out[j] = nulls !== undefined && nulls[j] === 1 ? null : values[j]
  } else if (col.kind === 'string') {
    const {text, ends, nulls} = col
    let start = 0
    for (let j = 0; j < m; j++) {
      out[j] = nulls !== undefined && nulls[j] === 1 ? null : ownString(text.slice(start, ends[j]))
      start = ends[j]
    }
  } else if (col.kind === 'plain') {
    for (let j = 0; j < m; j++) out[j] = col.values[j]
  } else {
    out.fill(null)
  }
  return out
}


/** A batch as the thread running the application receives it. */
export class MappedBatch {
  constructor(
    readonly packed: PackedBatch,
    /** The input as positions name it (`PATH` of `PATH:LINE`). */
    private readonly path: string,
    /** When this thread took the batch: the arrival time of its records. */
    readonly arrival: number,
  ) {}

  get records(): number {
    return this.packed.records
  }

  /** Some columns were not sent (no query reads them): rows have NULL there. */
  get leavesColumnsOut(): boolean {
    return this.packed.columns.some((col) => col.kind === 'absent')
  }

  /** The position of record `i`, as the `file:` source gives it. */
  position(i: number): string {
    return `${this.path}:${this.packed.firstLine + i}`
  }

  /**
   * The text of record `i`: carried by a record set aside, else in the batch (gzip), else read
   * again from the file at its offsets (only for a row the SQL refuses, which is rare).
   */
  data(i: number): string {
    const {failures, text, byteEnds, firstByte} = this.packed
    const failure = failures.find((f) => f.record === i)
    if (failure) return failure.data
    if (text !== undefined) return text.split('\n')[i]
    return readRecordText(this.path, i === 0 ? firstByte : byteEnds[i - 1], byteEnds[i])
  }

  /**
   * Unpacks row `j`. Rows are made one at a time, just before the engine takes them: unpacking
   * a whole batch first costs the application thread more in garbage collection and cache
   * misses than the unpacking itself.
   */
  row(j: number): Row {
    this.unpackRow ??= unpackerFor(this.packed.columns)
    return this.unpackRow(j)
  }

  private unpackRow: ((j: number) => Row) | undefined
}

type Unpacker = (columns: readonly PackedColumn[], own: (s: string) => string) => (j: number) => Row
const unpackers = new Map<string, Unpacker>()

/**
 * A row unpacker for a batch's column layout (kinds, and which have nulls), generated once per
 * layout: one array literal per row, no loop over columns of different shapes.
 */
function unpackerFor(columns: readonly PackedColumn[]): (j: number) => Row {
  const layout = columns.map((col) => (col.kind === 'plain' ? 'p' : col.kind === 'absent' ? 'a' : (col.kind === 'number' ? 'n' : 's') + (col.nulls === undefined ? '' : '0'))).join(',')
  let make = unpackers.get(layout)
  if (make === undefined) {
    const locals: string[] = []
    const values: string[] = []
    columns.forEach((col, c) => {
      if (col.kind === 'absent') {
        values.push('null')
        return
      }
      const isNull = col.kind !== 'plain' && col.nulls !== undefined ? `nulls${c}[j] === 1 ? null : ` : ''
      if (isNull) locals.push(`const nulls${c} = columns[${c}].nulls`)
      if (col.kind === 'string') {
        locals.push(`const text${c} = columns[${c}].text`, `const ends${c} = columns[${c}].ends`)
        values.push(`${isNull}own(text${c}.slice(j === 0 ? 0 : ends${c}[j - 1], ends${c}[j]))`)
      } else {
        locals.push(`const values${c} = columns[${c}].values`)
        values.push(`${isNull}values${c}[j]`)
      }
    })
    const row = `return function row(j) { return [${values.join(', ')}] }`
    make = generatedFunction<Unpacker>('unpacker', ['columns', 'own'], {}, [...locals, row])
    unpackers.set(layout, make)
  }
  return make(columns, ownString)
}

/** A line's text from its bytes, as the line reader cuts it: without its LF, nor a CR before it. */
function readRecordText(path: string, start: number, end: number): string {
  const bytes = Buffer.alloc(end - start)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, bytes, 0, bytes.length, start)
  } finally {
    closeSync(fd)
  }
  let length = bytes.length
  if (length > 0 && bytes[length - 1] === 0x0a) length--
  if (length > 0 && bytes[length - 1] === 0x0d) length--
  return bytes.toString('utf8', 0, length)
}
