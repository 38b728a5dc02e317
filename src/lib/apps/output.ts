import {UsageError} from '../core/errors.js'
import type {StreamInfo} from '../sql/api.js'
import {ERROR_STREAM, ERROR_STREAM_COLUMNS} from '../sql/input/error-stream.js'
import {formatDate, formatTimestamp, type Column, type Row, type SqlValue} from '../sql/types.js'
import {parseTarget, type TargetSpec} from '../targets/spec.js'

/** `--output STREAM=TARGET`, as given. */
export interface OutputSpec {
  stream: string
  target: TargetSpec
  /** KDA's destination formats; JSON unless chosen. */
  format?: OutputFormat
}

export type OutputFormat = 'JSON' | 'CSV'

export function parseOutputFlag(text: string): OutputSpec {
  const eq = text.indexOf('=')
  if (eq <= 0 || eq === text.length - 1) {
    throw new UsageError(`--output '${text}': expected STREAM=TARGET, e.g. DESTINATION_SQL_STREAM=local:sessions.`)
  }
  const stream = text.slice(0, eq).trim().replace(/^"(.*)"$/, '$1')
  return {stream, target: parseTarget(text.slice(eq + 1), `--output ${stream}`)}
}

/** The streams an application can route: its in-application streams and error_stream. */
export interface RoutableStream {
  name: string
  columns: Column[]
}

export function routableStreams(streams: readonly StreamInfo[]): RoutableStream[] {
  return [...streams.filter((s) => !s.isSource).map((s) => ({name: s.name, columns: s.columns})), {name: ERROR_STREAM, columns: ERROR_STREAM_COLUMNS}]
}

/**
 * Finds the stream an output names. KDA matches output names exactly; we also accept a name
 * that differs only in case when it is unambiguous, since `destination_sql_stream` on a command
 * line plainly means DESTINATION_SQL_STREAM.
 */
export function resolveOutputStream(name: string, streams: readonly RoutableStream[]): RoutableStream {
  const exact = streams.find((s) => s.name === name)
  if (exact) return exact
  const folded = streams.filter((s) => s.name.toLowerCase() === name.toLowerCase())
  if (folded.length === 1) return folded[0]
  throw new UsageError(`--output: the application has no stream '${name}'.`, {
    suggestions: [`Streams that can be routed: ${streams.map((s) => s.name).join(', ')}.`],
  })
}

/** The streams that get stdout when no `--output` is given: those no pump reads from. */
export function terminalStreams(streams: readonly StreamInfo[]): StreamInfo[] {
  return streams.filter((s) => s.isTerminal && !s.isSource)
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n))

function formatValue(value: SqlValue, column: Column): unknown {
  if (value === null) return null
  switch (column.type.name) {
    case 'TIMESTAMP':
      return formatTimestamp(value as number)
    case 'DATE':
      return formatDate(value as number)
    case 'TIME': {
      const ms = value as number
      return `${pad2(Math.floor(ms / 3_600_000))}:${pad2(Math.floor(ms / 60_000) % 60)}:${pad2(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, '0')}`
    }
    case 'VARBINARY':
      return Buffer.from(value as Uint8Array).toString('base64')
    default:
      if (typeof value === 'number' && !Number.isFinite(value)) return null
      return value
  }
}

/**
 * One output row as KDA's JSON destination format writes it: an object keyed by the column names
 * as stored (unquoted names are upper-case), TIMESTAMPs as `YYYY-MM-DD HH:MM:SS.mmm` UTC, and
 * with `withRowtime` the row's ROWTIME first. For many rows, `rowFormatter`.
 */
export function formatRowJson(columns: readonly Column[], row: Row, rowtime: number, withRowtime: boolean): string {
  return jsonFormatter(columns, withRowtime)(row, rowtime)
}

/** A key that a JavaScript object would put elsewhere than where it was set (an array index), or not set at all. */
const reorderedKey = (name: string) => name === '__proto__' || (/^(0|[1-9]\d*)$/.test(name) && Number(name) < 2 ** 32 - 1)

/**
 * formatRowJson for one list of columns: the text JSON.stringify gives for the row's object,
 * written key by key (each key's text made once) rather than by building an object per row,
 * which cost ~0.7 µs a row. Names an object would reorder, and repeated names, keep the object.
 */
function jsonFormatter(columns: readonly Column[], withRowtime: boolean): (row: Row, rowtime: number) => string {
  const names = [...(withRowtime ? ['ROWTIME'] : []), ...columns.map((c) => c.name)]
  if (names.some(reorderedKey) || new Set(names).size !== names.length) {
    return (row, rowtime) => {
      const out: Record<string, unknown> = {}
      if (withRowtime) out.ROWTIME = formatTimestamp(rowtime)
      for (let i = 0; i < columns.length; i++) out[columns[i].name] = formatValue(row[i] ?? null, columns[i])
      return JSON.stringify(out)
    }
  }
  const keys = names.map((name, i) => (i === 0 ? '{' : ',') + JSON.stringify(name) + ':')
  return (row, rowtime) => {
    let text = withRowtime ? keys[0] + JSON.stringify(formatTimestamp(rowtime)) : ''
    const first = withRowtime ? 1 : 0
    for (let i = 0; i < columns.length; i++) text += keys[first + i] + JSON.stringify(formatValue(row[i] ?? null, columns[i]))
    return (names.length === 0 ? '{' : text) + '}'
  }
}

/** The row writer for a destination format and a stream's columns. */
export function rowFormatter(format: OutputFormat | undefined, columns: readonly Column[], withRowtime: boolean): (row: Row, rowtime: number) => string {
  return format === 'CSV' ? (r, t) => formatRowCsv(columns, r, t, withRowtime) : jsonFormatter(columns, withRowtime)
}

/** The same row as KDA's CSV destination format (values in column order, comma-separated). */
export function formatRowCsv(columns: readonly Column[], row: Row, rowtime: number, withRowtime: boolean): string {
  const cells: string[] = withRowtime ? [formatTimestamp(rowtime)] : []
  for (let i = 0; i < columns.length; i++) {
    const v = formatValue(row[i] ?? null, columns[i])
    cells.push(v === null ? '' : String(v))
  }
  return cells.join(',')
}
