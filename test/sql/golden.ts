import {readFileSync} from 'node:fs'
import {ClickstreamError} from '../../src/lib/core/errors.js'
import {parseTimestampText} from '../../src/lib/sql/datetime.js'
import {compileApplication, ERROR_STREAM, ERROR_STREAM_COLUMNS} from '../../src/lib/sql/index.js'
import {formatTimestamp, parseSqlType, type Column, type Row, type SqlType, type SqlValue} from '../../src/lib/sql/types.js'

/**
 * The golden-file format for the SQL engine (`*.sqltest`, one feature per file):
 *
 *   # comments (provenance, notes)
 *   == source NAME                        a source stream, then one `column TYPE` per line
 *   == sql                                the application (several statements; blank lines allowed)
 *   == input NAME                         rows `ROWTIME | v1 | v2 ...`; `heartbeat TS`; `end`
 *   == output NAME                        expected rows `ROWTIME | v1 | ...`, in emission order
 *   == error                              `ErrorClass LINE:COLUMN message-fragment`
 *
 * Values: NULL, numbers, TRUE/FALSE, timestamps `YYYY-MM-DD HH:MM:SS[.mmm]`, text (JSON-quoted
 * when it has edge spaces, `|`, or could be read as something else). `UPDATE_GOLDEN=1` rewrites
 * the output and error sections from what the engine produced.
 */
export interface Section {
  kind: 'source' | 'sql' | 'input' | 'output' | 'error' | 'comment'
  arg: string
  lines: string[]
}

export function parseGolden(text: string): Section[] {
  const sections: Section[] = []
  let current: Section = {kind: 'comment', arg: '', lines: []}
  sections.push(current)
  for (const line of text.split('\n')) {
    const m = /^== (source|sql|input|output|error)\s*(.*)$/.exec(line)
    if (m) {
      current = {kind: m[1] as Section['kind'], arg: m[2].trim(), lines: []}
      sections.push(current)
    } else current.lines.push(line)
  }
  return sections
}

export function formatGolden(sections: Section[]): string {
  return sections
    .map((s) => (s.kind === 'comment' ? s.lines.join('\n') : [`== ${s.kind}${s.arg ? ' ' + s.arg : ''}`, ...s.lines].join('\n')))
    .join('\n')
}

const trimBlock = (lines: string[]) => {
  const out = [...lines]
  while (out.length > 0 && out.at(-1)!.trim() === '') out.pop()
  return out
}

export function formatValue(v: SqlValue, type: SqlType | undefined): string {
  if (v === null) return 'NULL'
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (typeof v === 'number') return type && (type.name === 'TIMESTAMP' || type.name === 'DATE') ? formatTimestamp(v) : String(v)
  if (typeof v === 'string') {
    const plain = v !== '' && v.trim() === v && !v.includes('|') && !/^(NULL|TRUE|FALSE|-?\d+(\.\d+)?([eE][+-]?\d+)?|\d{4}-\d\d-\d\d.*)$/.test(v) && !v.startsWith('"')
    return plain ? v : JSON.stringify(v)
  }
  return Buffer.from(v).toString('base64')
}

function parseValue(text: string, type: SqlType): SqlValue {
  const s = text.trim()
  if (s === 'NULL') return null
  if (s.startsWith('"')) return JSON.parse(s) as string
  switch (type.name) {
    case 'TIMESTAMP':
    case 'DATE': {
      const t = parseTimestampText(s)
      if (t === undefined) throw new Error(`bad timestamp ${s}`)
      return t
    }
    case 'BOOLEAN':
      return s.toUpperCase() === 'TRUE'
    case 'CHAR':
    case 'VARCHAR':
      return s
    default:
      return Number(s)
  }
}

export interface GoldenResult {
  outputs: Map<string, string[]>
  error?: string
}

/**
 * Runs a golden file's application over its input. With `leaveUnreadNull`, source rows are pushed
 * as the reading thread of `app run` hands them over: the columns no query reads left NULL (the
 * whole row given to the runtime for error_stream).
 */
export function runGolden(sections: Section[], file: string, options: {leaveUnreadNull?: boolean} = {}): GoldenResult {
  const sources: {name: string; columns: Column[]}[] = sections
    .filter((s) => s.kind === 'source')
    .map((s) => ({
      name: s.arg,
      columns: trimBlock(s.lines)
        .filter((l) => l.trim() && !l.startsWith('#'))
        .map((l) => {
          const m = /^\s*("([^"]+)"|\S+)\s+(.+?)\s*$/.exec(l)
          if (!m) throw new Error(`bad column line: ${l}`)
          const type = parseSqlType(m[3])
          if (!type) throw new Error(`bad type: ${m[3]}`)
          return {name: m[2] ?? m[1], type}
        }),
    }))
  const sql = sections.find((s) => s.kind === 'sql')
  if (!sql) throw new Error(`${file}: no == sql section`)
  const outputs = new Map<string, string[]>()
  let app
  try {
    app = compileApplication(sql.lines.join('\n'), {sources, file: 'app.sql'})
  } catch (error) {
    return {outputs, error: describeError(error)}
  }
  const types = new Map(app.streams.map((s) => [s.name, s.columns.map((c) => c.type)]))
  types.set(ERROR_STREAM, ERROR_STREAM_COLUMNS.map((c) => c.type))
  let pushing: {left: Row; whole: Row} | undefined
  const rt = app.createRuntime({
    wholeRow: (_stream, row) => (row === pushing?.left ? pushing.whole : row),
    onRow(stream, row: Row, rowtime) {
      const t = types.get(stream)
      const line = [formatTimestamp(rowtime), ...row.map((v, i) => formatValue(v, t?.[i]))].join(' | ')
      if (!outputs.has(stream)) outputs.set(stream, [])
      outputs.get(stream)!.push(line)
    },
  })
  try {
    for (const input of sections.filter((s) => s.kind === 'input')) {
      const source = sources.find((s) => s.name === input.arg)
      for (const raw of input.lines) {
        const line = raw.trim()
        if (!line || line.startsWith('#')) continue
        if (line === 'end') {
          rt.end()
          continue
        }
        if (line.startsWith('heartbeat ')) {
          rt.advanceTime(parseTimestampText(line.slice(10))!)
          continue
        }
        if (!source) throw new Error(`${file}: input for unknown source ${input.arg}`)
        const cells = splitCells(line)
        const t = parseTimestampText(cells[0])
        if (t === undefined) throw new Error(`${file}: bad ROWTIME in ${line}`)
        const row = source.columns.map((c, i) => parseValue(cells[i + 1] ?? 'NULL', c.type))
        const read = app.streams.find((s) => s.name === source.name)!.columnsRead
        pushing = {left: options.leaveUnreadNull ? row.map((v, i) => (read[i] ? v : null)) : row, whole: row}
        rt.push(source.name, pushing.left, t)
      }
    }
  } catch (error) {
    return {outputs, error: describeError(error)}
  }
  return {outputs}
}

function splitCells(line: string): string[] {
  const cells: string[] = []
  let cur = ''
  let inQuote = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === '"' && line[i - 1] !== '\\') inQuote = !inQuote
    if (c === '|' && !inQuote) {
      cells.push(cur.trim())
      cur = ''
    } else cur += c
  }
  cells.push(cur.trim())
  return cells
}

function describeError(error: unknown): string {
  if (error instanceof ClickstreamError) {
    const loc = error.location?.line === undefined ? '-' : `${error.location.line}:${error.location.column}`
    return `${error.constructor.name} ${loc} ${error.message}`
  }
  throw error
}

export interface GoldenCheck {
  expectedOutputs: Map<string, string[]>
  expectedError?: string
}

export function expectations(sections: Section[]): GoldenCheck {
  const expectedOutputs = new Map<string, string[]>()
  for (const s of sections.filter((x) => x.kind === 'output')) {
    expectedOutputs.set(s.arg, trimBlock(s.lines).filter((l) => l.trim() && !l.startsWith('#')).map((l) => splitCells(l).join(' | ')))
  }
  const err = sections.find((s) => s.kind === 'error')
  return {expectedOutputs, expectedError: err ? trimBlock(err.lines).filter((l) => l.trim() && !l.startsWith('#'))[0] : undefined}
}

/** Rewrites the expectation sections with the engine's results (UPDATE_GOLDEN=1). */
export function rewriteGolden(sections: Section[], result: GoldenResult): Section[] {
  const out = sections.filter((s) => s.kind !== 'output' && s.kind !== 'error')
  const declared = sections.filter((s) => s.kind === 'output').map((s) => s.arg)
  if (result.error) {
    out.push({kind: 'error', arg: '', lines: [result.error, '']})
    return out
  }
  const streams = declared.length > 0 ? declared : [...result.outputs.keys()].filter((k) => k !== 'error_stream')
  for (const name of streams) {
    // keep the comment lines that open an output section (they say what it checks)
    const notes = sections.find((x) => x.kind === 'output' && x.arg === name)?.lines.filter((l) => l.startsWith('#')) ?? []
    out.push({kind: 'output', arg: name, lines: [...notes, ...(result.outputs.get(name) ?? []), '']})
  }
  return out
}

export function readGolden(path: string): Section[] {
  return parseGolden(readFileSync(path, 'utf8'))
}
