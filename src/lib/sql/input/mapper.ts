import {UsageError} from '../../core/errors.js'
import type {Row, SqlValue} from '../types.js'
import {CoercionFailure, coerceValue, coercerFor} from './coerce.js'
import {followSteps, ownValue, parseJsonPath, type JsonPath, type PathStep} from './json-path.js'
import {createFlatJsonReaders, createSpans, NOT_AN_OBJECT, NUMBER_VALUE, spanValue, TEXT, VALUES} from './flat-json.js'
import type {InputMapping, MappedColumn} from './schema.js'
import {readTimeValue} from './timestamps.js'

/** The rows one record became, each with its ROWTIME. */
export interface MappedRecord {
  rows: Row[]
  rowtimes: number[]
}

export interface RecordMapperOptions {
  /**
   * `--rowtime FIELD`: take ROWTIME from this field of each record (a name, or a JSON path for
   * JSON records) instead of the arrival time.
   */
  rowtimeField?: string
}

/** Maps one record's text to rows of the source stream, or says why it cannot. */
export type RecordMapper = (data: string, arrival: number) => MappedRecord | CoercionFailure

/**
 * Builds the mapper for an input schema. Records that are not valid JSON / CSV, or hold a value
 * that does not coerce to its column's type, come back as a CoercionFailure: the caller sends
 * them to error_stream and goes on.
 */
export function createRecordMapper(mapping: InputMapping, options: RecordMapperOptions = {}): RecordMapper {
  if (mapping.format !== 'JSON') return csvMapper(mapping, options)
  const parsing = createJsonParseMapper(mapping, options)
  return flatJsonMapper(mapping, options, parsing) ?? parsing
}

function parseRowtimePath(options: RecordMapperOptions): JsonPath | undefined {
  if (options.rowtimeField === undefined) return undefined
  const p = parseJsonPath(options.rowtimeField.startsWith('$') ? options.rowtimeField : `$.${options.rowtimeField}`)
  if (typeof p === 'string') throw new UsageError(`--rowtime '${options.rowtimeField}': ${p}`)
  return p
}

const rowtimeFailure = (path: JsonPath, raw: unknown) =>
  new CoercionFailure(
    raw === undefined || raw === null
      ? `ROWTIME field ${path.text} is missing`
      : `ROWTIME field ${path.text}: cannot read ${JSON.stringify(raw)} as a time (expected epoch milliseconds, ISO 8601 or YYYY-MM-DD HH:MM:SS)`,
  )

const columnFailure = (column: MappedColumn, failure: CoercionFailure) => new CoercionFailure(`column "${column.name}" (${column.path!.text}): ${failure.reason}`)

/** The one key of a `$.name` / `$['name']` path, else undefined. */
const topLevelKey = (path: JsonPath | undefined) => (path !== undefined && path.steps.length === 1 && path.steps[0].kind === 'key' ? path.steps[0].name : undefined)

/** How a WrittenRow holds column c: */
/** `values[c]` */
export const VALUE_COLUMN = 0
/** `numbers[c]` */
export const NUMBER_COLUMN = 1
/** The string `text.slice(from[c], to[c])`, not made. */
export const TEXT_COLUMN = 2

/**
 * The one row a RowWriter wrote, column by column. A string may be left in the record's text, for
 * a caller that copies its characters somewhere anyway (and so need not have it made first).
 */
export class WrittenRow {
  readonly tags: Uint8Array
  readonly values: Row
  readonly numbers: Float64Array
  readonly from: Int32Array
  readonly to: Int32Array
  text = ''
  rowtime = 0

  constructor(columns: number) {
    this.tags = new Uint8Array(columns)
    this.values = new Array<SqlValue>(columns).fill(null)
    this.numbers = new Float64Array(columns)
    this.from = new Int32Array(columns)
    this.to = new Int32Array(columns)
  }

  /** Column c's value. */
  value(c: number): SqlValue {
    const tag = this.tags[c]
    return tag === VALUE_COLUMN ? this.values[c] : tag === NUMBER_COLUMN ? this.numbers[c] : this.text.slice(this.from[c], this.to[c])
  }
}

/**
 * Maps the record `text.slice(from, to)` as a RecordMapper does, for a caller that packs rows as
 * they come (the reading thread of a file input, whose records are lines of a larger text): a
 * record that becomes one row (the common case) is written into `out` and true returned, with no
 * object made for it; anything else comes back as the RecordMapper's result.
 */
export type RowWriter = (text: string, from: number, to: number, arrival: number, out: WrittenRow) => true | MappedRecord | CoercionFailure

/** The RowWriter of an input schema: what it writes and returns is exactly what `createRecordMapper` gives. */
export function createRowWriter(mapping: InputMapping, options: RecordMapperOptions = {}): RowWriter {
  const write = mapping.format === 'JSON' ? flatJsonWriter(mapping, options, createJsonParseMapper(mapping, options)) : undefined
  if (write !== undefined) return write
  const mapper = createRecordMapper(mapping, options)
  return (text, from, to, arrival) => mapper(text.slice(from, to), arrival)
}

/**
 * What the flat mappers share: the columns (and ROWTIME) are top-level keys, whose values are read
 * out of the text (flat-json.ts) instead of building each record with JSON.parse (1M clickstream
 * events: 690 -> 260 ms). Undefined when the mapping needs more than top-level keys.
 */
function flatJsonColumns(mapping: InputMapping, options: RecordMapperOptions) {
  if (mapping.rowPath !== undefined && mapping.rowPath.steps.length > 0) return undefined
  const columns = mapping.columns
  const n = columns.length
  const rowtimePath = parseRowtimePath(options)
  const columnKeys = columns.map((c) => topLevelKey(c.path))
  const rowtimeKey = topLevelKey(rowtimePath)
  if (columnKeys.includes(undefined) || (rowtimePath !== undefined && rowtimeKey === undefined)) return undefined
  const keys = [...new Set([...(columnKeys as string[]), ...(rowtimeKey === undefined ? [] : [rowtimeKey])])]
  const slots = columnKeys.map((k) => keys.indexOf(k!))
  const rowtimeSlot = rowtimeKey === undefined ? -1 : keys.indexOf(rowtimeKey)
  const coercers = columns.map((c) => coercerFor(c.type))
  /** The ROWTIME of a record whose ROWTIME key holds `raw`, or why it has none. */
  const rowtimeOf = (raw: unknown): number | CoercionFailure => {
    const t = typeof raw === 'number' && Number.isFinite(raw) ? Math.trunc(raw) : readTimeValue(raw)
    return t === undefined ? rowtimeFailure(rowtimePath!, raw) : t
  }
  /** Coerces a record's values (by slot) into `row`; returns its ROWTIME, or why it is set aside. */
  const coerce = (values: unknown[], arrival: number, row: Row): number | CoercionFailure => {
    const rowtime = rowtimeSlot >= 0 ? rowtimeOf(values[rowtimeSlot]) : arrival
    if (typeof rowtime !== 'number') return rowtime
    for (let i = 0; i < n; i++) {
      const v = coercers[i](values[slots[i]])
      // (typeof first: instanceof on every string and number costs ~10 ms per 1M records)
      if (typeof v === 'object' && v instanceof CoercionFailure) return columnFailure(columns[i], v)
      row[i] = v
    }
    return rowtime
  }
  return {columns, n, keys, slots, rowtimeSlot, coercers, rowtimeOf, coerce, ...createFlatJsonReaders(keys)}
}

/**
 * The mapper for the common case, flat records (flatJsonColumns). A record it is not sure of goes
 * to `parsing`, the JSON.parse mapper, which gives the same result for everything.
 */
function flatJsonMapper(mapping: InputMapping, options: RecordMapperOptions, parsing: RecordMapper): RecordMapper | undefined {
  const flat = flatJsonColumns(mapping, options)
  if (flat === undefined) return undefined
  const {n, coerce, read} = flat
  const values: unknown[] = new Array(flat.keys.length)
  return (data, arrival) => {
    if (typeof data !== 'string' || !read(data, values)) return parsing(data, arrival)
    const row: Row = new Array(n)
    const rowtime = coerce(values, arrival, row)
    return typeof rowtime === 'number' ? {rows: [row], rowtimes: [rowtime]} : rowtime
  }
}

/**
 * flatJsonMapper as a RowWriter. Its records are read where they are in the text, and for those
 * a template matches, a string for a VARCHAR column is left there, cut to the column's length as
 * coercion would; every other value is made and coerced as flatJsonMapper does.
 */
function flatJsonWriter(mapping: InputMapping, options: RecordMapperOptions, parsing: RecordMapper): RowWriter | undefined {
  const flat = flatJsonColumns(mapping, options)
  if (flat === undefined) return undefined
  const {n, slots, rowtimeSlot, coercers, columns, rowtimeOf, coerce, readSpans} = flat
  const spans = createSpans(flat.keys.length)
  const {kinds, numbers} = spans
  const textLimits = Float64Array.from(columns, (c) => (c.type.name === 'VARCHAR' ? (c.type.length ?? Infinity) : -1))
  return (text, from, to, arrival, out) => {
    const read = readSpans(text, from, to, spans)
    if (read === NOT_AN_OBJECT) return parsing(text.slice(from, to), arrival)
    const tags = out.tags
    if (read === VALUES) {
      const rowtime = coerce(spans.values, arrival, out.values)
      if (typeof rowtime !== 'number') return rowtime
      for (let i = 0; i < n; i++) tags[i] = VALUE_COLUMN
      out.rowtime = rowtime
      return true
    }
    let rowtime = arrival
    if (rowtimeSlot >= 0) {
      const t = kinds[rowtimeSlot] === NUMBER_VALUE ? numbers[rowtimeSlot] : NaN
      const r = Number.isFinite(t) ? Math.trunc(t) : rowtimeOf(spanValue(spans, rowtimeSlot, text))
      if (typeof r !== 'number') return r
      rowtime = r
    }
    const {from: starts, to: ends} = out
    for (let i = 0; i < n; i++) {
      const slot = slots[i]
      const kind = kinds[slot]
      const limit = textLimits[i]
      if (kind === TEXT && limit >= 0) {
        const start = spans.from[slot]
        tags[i] = TEXT_COLUMN
        starts[i] = start
        ends[i] = Math.min(spans.to[slot], start + limit)
        continue
      }
      const v = coercers[i](kind === NUMBER_VALUE ? numbers[slot] : spanValue(spans, slot, text))
      if (typeof v === 'number') {
        tags[i] = NUMBER_COLUMN
        out.numbers[i] = v
      } else if (typeof v === 'object' && v instanceof CoercionFailure) return columnFailure(columns[i], v)
      else {
        tags[i] = VALUE_COLUMN
        out.values[i] = v
      }
    }
    out.text = text
    out.rowtime = rowtime
    return true
  }
}

/**
 * The JSON mapper that parses each record with JSON.parse and follows any path: the general case,
 * and the reference the flat mapper must agree with (exported for its tests).
 */
export function createJsonParseMapper(mapping: InputMapping, options: RecordMapperOptions = {}): RecordMapper {
  const columns = mapping.columns
  const n = columns.length
  const steps = columns.map((c) => c.path!.steps)
  const simpleKey = steps.map((s) => (s.length === 1 && s[0].kind === 'key' ? s[0].name : undefined))
  const flatten = columns.map((c) => c.path!.flattenAt >= 0 && c.path!.flattenAt < c.path!.steps.length - 1)
  const flattenColumn = flatten.indexOf(true)
  const arraySteps: PathStep[] | undefined = flattenColumn >= 0 ? steps[flattenColumn].slice(0, columns[flattenColumn].path!.flattenAt) : undefined
  const rowPath = mapping.rowPath
  const rowsFromArray = rowPath !== undefined && rowPath.flattenAt === rowPath.steps.length - 1
  const rootIsRecord = rowPath === undefined || rowPath.steps.length === 0
  const rowtimePath = parseRowtimePath(options)

  const cell = (i: number, value: unknown, row: Row): CoercionFailure | undefined => {
    const v = coerceValue(value, columns[i].type)
    if (v instanceof CoercionFailure) return columnFailure(columns[i], v)
    row[i] = v as SqlValue
    return undefined
  }

  const mapRoot = (root: unknown, arrival: number, out: MappedRecord): CoercionFailure | undefined => {
    if (typeof root !== 'object' || root === null || Array.isArray(root)) {
      return new CoercionFailure(`expected a JSON object as the row${rootIsRecord ? '' : ` at ${rowPath!.text}`}, found ${root === null ? 'null' : Array.isArray(root) ? 'an array' : typeof root}`)
    }
    let rowtime = arrival
    if (rowtimePath) {
      const raw = followSteps(root, rowtimePath.steps)
      const t = readTimeValue(raw)
      if (t === undefined) return rowtimeFailure(rowtimePath, raw)
      rowtime = t
    }
    const base: Row = new Array(n)
    for (let i = 0; i < n; i++) {
      if (flatten[i]) continue
      const key = simpleKey[i]
      const failure = cell(i, key === undefined ? followSteps(root, steps[i]) : ownValue(root as Record<string, unknown>, key), base)
      if (failure) return failure
    }
    if (!arraySteps) {
      out.rows.push(base)
      out.rowtimes.push(rowtime)
      return undefined
    }
    const array = followSteps(root, arraySteps)
    const elements = Array.isArray(array) && array.length > 0 ? array : [undefined]
    for (const element of elements) {
      const row = base.slice()
      for (let i = 0; i < n; i++) {
        if (!flatten[i]) continue
        const failure = cell(i, followSteps(element, steps[i], columns[i].path!.flattenAt + 1), row)
        if (failure) return failure
      }
      out.rows.push(row)
      out.rowtimes.push(rowtime)
    }
    return undefined
  }

  return (data, arrival) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch (error) {
      return new CoercionFailure(`not valid JSON: ${(error as Error).message}`)
    }
    const out: MappedRecord = {rows: [], rowtimes: []}
    if (rootIsRecord) {
      const failure = mapRoot(parsed, arrival, out)
      return failure ?? out
    }
    const root = followSteps(parsed, rowPath!.steps, 0, rowsFromArray ? rowPath!.steps.length - 1 : rowPath!.steps.length)
    if (rowsFromArray) {
      if (!Array.isArray(root)) return new CoercionFailure(`expected an array at ${rowPath!.text}`)
      for (const element of root) {
        const failure = mapRoot(element, arrival, out)
        if (failure) return failure
      }
      return out
    }
    return mapRoot(root, arrival, out) ?? out
  }
}

function csvMapper(mapping: InputMapping, options: RecordMapperOptions): RecordMapper {
  const columns = mapping.columns
  const n = columns.length
  const characterColumn = columns.map((c) => c.type.name === 'CHAR' || c.type.name === 'VARCHAR')
  let rowtimeIndex = -1
  if (options.rowtimeField !== undefined) {
    const f = options.rowtimeField
    rowtimeIndex = columns.findIndex((c) => c.name === f)
    if (rowtimeIndex < 0) rowtimeIndex = columns.findIndex((c) => c.name.toLowerCase() === f.toLowerCase())
    if (rowtimeIndex < 0 && /^\d+$/.test(f)) rowtimeIndex = Number(f) - 1
    if (rowtimeIndex < 0 || rowtimeIndex >= n) {
      throw new UsageError(`--rowtime '${f}': CSV input has no such column (columns: ${columns.map((c) => c.name).join(', ')}).`)
    }
  }
  const rowDelimiter = mapping.rowDelimiter
  const columnDelimiter = mapping.columnDelimiter
  return (data, arrival) => {
    const out: MappedRecord = {rows: [], rowtimes: []}
    const lines = rowDelimiter === '\n' || rowDelimiter === '\r\n' ? data.split(/\r?\n/) : data.split(rowDelimiter)
    for (const line of lines) {
      if (line.length === 0) continue
      const fields = line.split(columnDelimiter)
      const row: Row = new Array(n)
      for (let i = 0; i < n; i++) {
        const field = fields[i]
        if (field === undefined || (field === '' && !characterColumn[i])) {
          row[i] = null
          continue
        }
        const v = coerceValue(field, columns[i].type)
        if (v instanceof CoercionFailure) return new CoercionFailure(`column "${columns[i].name}" (field ${i + 1}): ${v.reason}`)
        row[i] = v
      }
      let rowtime = arrival
      if (rowtimeIndex >= 0) {
        const t = readTimeValue(fields[rowtimeIndex] ?? '')
        if (t === undefined) return new CoercionFailure(`ROWTIME field ${rowtimeIndex + 1}: cannot read '${fields[rowtimeIndex] ?? ''}' as a time`)
        rowtime = t
      }
      out.rows.push(row)
      out.rowtimes.push(rowtime)
    }
    return out
  }
}
