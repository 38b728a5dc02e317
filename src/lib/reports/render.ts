import {bar, renderTable} from '../cli/render.js'
import {formatBytes, formatDuration} from '../core/units.js'
import type {QueryResultJson, QueryStats} from './engine.js'

export interface RenderOptions {
  /** Adds a bar column scaled to this numeric column (reports that read faster as a chart). */
  chart?: string
  /** Bars are for people at a terminal; pipes get the plain table. */
  interactive?: boolean
}

/** A query or report result as a table, numbers right-aligned, with an optional bar column. */
export function renderResultTable(result: QueryResultJson, options: RenderOptions = {}): string {
  const names = result.columns.map((c) => c.name)
  if (result.rows.length === 0) return `(no rows)  ${names.join(' | ')}`
  const numeric = names.map((name) => result.rows.every((r) => r[name] === null || typeof r[name] === 'number'))
  const chart = options.interactive && options.chart && names.includes(options.chart) ? options.chart : undefined
  const max = chart ? Math.max(0, ...result.rows.map((r) => (typeof r[chart] === 'number' ? (r[chart] as number) : 0))) : 0
  const head = chart ? [...names, ''] : names
  const rows = result.rows.map((r) => {
    const cells = names.map((name, i) => cell(r[name], numeric[i]))
    if (chart) cells.push(bar(typeof r[chart] === 'number' ? (r[chart] as number) : 0, max, 30))
    return cells
  })
  return renderTable(head, rows, {alignRight: numeric.flatMap((n, i) => (n ? [i] : []))})
}

function cell(value: unknown, numeric: boolean): string | number {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return numeric && !Number.isInteger(value) ? Number(value.toFixed(3)) : value
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  // Long text (user agents, URLs) would stretch the table past any terminal.
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text
}

const MAX_CELL = 80

/** RFC 4180 CSV with a header row; nested values as JSON. */
export function renderCsv(result: QueryResultJson): string {
  const names = result.columns.map((c) => c.name)
  const lines = [names.map(csvField).join(',')]
  for (const row of result.rows) lines.push(names.map((n) => csvField(row[n])).join(','))
  return lines.join('\n') + '\n'
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export interface PrintedResult {
  /** What goes to stdout: CSV, or the table (after a title line, when there is one). */
  out: string
  /** What goes to stderr: the stats line, for people at the table. */
  err?: string
}

/** What `query` and `report` print for people: CSV for other tools, or a table and its stats. */
export function renderResultOutput(result: QueryResultJson, options: RenderOptions & {format: string; title?: string}): PrintedResult {
  if (options.format === 'csv') return {out: renderCsv(result)}
  const title = options.title === undefined ? '' : `${options.title}\n`
  return {out: `${title}${renderResultTable(result, options)}\n`, err: `${renderStats(result.stats, result.rows.length)}\n`}
}

/** `3 rows in 12ms` (and, on Athena, the data scanned: what the query cost). */
export function renderStats(stats: QueryStats, rows: number): string {
  const parts = [`${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'} in ${formatDuration(stats.elapsedMs)}`]
  if (stats.bytesScanned !== undefined) parts.push(`${formatBytes(stats.bytesScanned)} scanned`)
  if (stats.queryId) parts.push(`query ${stats.queryId}`)
  return `${parts.join(', ')} (${stats.engine === 'athena' ? 'Athena' : 'DuckDB'})`
}
