import {InputError} from '../../core/errors.js'
import type {SqlType} from '../types.js'
import {parseInputSchema, DEFAULT_NAME_PREFIX, type InputMapping, type InputSchemaJson} from './schema.js'

/** How many records discovery samples, as the KDA console does with a few seconds of a stream. */
export const DISCOVERY_SAMPLE_SIZE = 100

export interface DiscoveryResult {
  schema: InputSchemaJson
  mapping: InputMapping
  /** Records sampled (non-empty ones). */
  sampled: number
}

// Words KDA renames with a COL_ prefix (it cites TIMESTAMP, USER, VALUES, YEAR); the SQL keywords
// and type names a column name would collide with.
const RESERVED = new Set(
  (
    'ALL AND ANY AS ASC BETWEEN BIGINT BINARY BOOLEAN BOTH BY CASE CAST CHAR CHARACTER CHECK COLUMN CREATE CROSS CURRENT ' +
    'CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURSOR DATE DAY DECIMAL DEFAULT DELETE DESC DISTINCT DOUBLE ELSE END ' +
    'ESCAPE EXISTS EXTRACT FALSE FIRST FLOAT FOR FROM FULL FUNCTION GROUP HAVING HOUR IN INNER INSERT INT INTEGER ' +
    'INTERVAL INTO IS JOIN LAST LEADING LEFT LIKE LOCALTIME LOCALTIMESTAMP MINUTE MONTH NATURAL NOT NULL NUMERIC OF ON ' +
    'OR ORDER OUTER OVER PARTITION POSITION PRECEDING PUMP RANGE REAL RIGHT ROW ROWS ROWTIME SECOND SELECT SET ' +
    'SMALLINT SOME STREAM SYSTEM TABLE THEN TIME TIMESTAMP TINYINT TO TRAILING TRUE UNION UNKNOWN UPDATE USER USING ' +
    'VALUE VALUES VARBINARY VARCHAR WHEN WHERE WINDOW WITH YEAR'
  ).split(' '),
)

/** KDA's renaming: reserved words, other characters, leading digits and long names get `COL_`. */
export function discoveredColumnName(source: string, position: number): string {
  const kept = source.replace(/[^A-Za-z0-9_]/g, '')
  if (kept.length === 0) return `COL_${position}`
  if (kept !== source || RESERVED.has(kept.toUpperCase()) || /^\d/.test(kept) || kept.length > 100) return `COL_${kept}`.slice(0, 100)
  return kept
}

type Kind = 'null' | 'boolean' | 'integer' | 'double' | 'string'

interface ColumnStats {
  source: string
  path: string
  kind: Kind
  maxLength: number
  maxAbs: number
}

const widen = (a: Kind, b: Kind): Kind => {
  if (a === 'null') return b
  if (b === 'null' || a === b) return a
  if ((a === 'integer' && b === 'double') || (a === 'double' && b === 'integer')) return 'double'
  return 'string'
}

function kindOf(value: unknown): {kind: Kind; abs: number; text: string} {
  if (value === null || value === undefined) return {kind: 'null', abs: 0, text: ''}
  if (typeof value === 'boolean') return {kind: 'boolean', abs: 0, text: String(value)}
  if (typeof value === 'number') return {kind: Number.isInteger(value) ? 'integer' : 'double', abs: Math.abs(value), text: String(value)}
  if (typeof value === 'string') {
    const t = value.trim()
    // Digit strings become numbers (KDA coerces them); leading zeros and very long ones stay text.
    if (/^-?(0|[1-9]\d{0,15})$/.test(t) && Number.isSafeInteger(Number(t))) return {kind: 'integer', abs: Math.abs(Number(t)), text: value}
    if (/^-?(0|[1-9]\d*)\.\d+$/.test(t)) return {kind: 'double', abs: Math.abs(Number(t)), text: value}
    return {kind: 'string', abs: 0, text: value}
  }
  return {kind: 'string', abs: 0, text: JSON.stringify(value)}
}

const varcharWidth = (length: number) => {
  let w = 4
  while (w < length) w *= 2
  return Math.min(w, 65534)
}

function sqlTypeOf(stats: ColumnStats): SqlType {
  switch (stats.kind) {
    case 'boolean':
      return {name: 'BOOLEAN'}
    case 'integer':
      return {name: stats.maxAbs > 2147483647 ? 'BIGINT' : 'INTEGER'}
    case 'double':
      return {name: 'DOUBLE'}
    default:
      return {name: 'VARCHAR', length: varcharWidth(stats.maxLength)}
  }
}

const typeText = (t: SqlType) => (t.name === 'VARCHAR' ? `VARCHAR(${t.length})` : t.name)

function observe(stats: ColumnStats, value: unknown): void {
  const k = kindOf(value)
  stats.kind = widen(stats.kind, k.kind)
  stats.maxLength = Math.max(stats.maxLength, k.text.length)
  stats.maxAbs = Math.max(stats.maxAbs, k.abs)
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Infers an InputSchema from sample records as KDA's DiscoverInputSchema does: JSON objects give
 * one column per (nested) field with its path, CSV gives one column per field (names from a header
 * row when there is one). Types: booleans, integers (digit strings too) as INTEGER or BIGINT,
 * decimals as DOUBLE, anything else VARCHAR with its width rounded up to a power of two. Like KDA,
 * time-looking strings stay VARCHAR: edit the schema to make them TIMESTAMP.
 */
export function discoverInputSchema(samples: readonly string[], options: {namePrefix?: string; what?: string} = {}): DiscoveryResult {
  const records = samples.filter((s) => s.trim().length > 0)
  const what = options.what ?? 'the input'
  if (records.length === 0) {
    throw new InputError(`cannot discover an input schema: ${what} has no records yet.`, {
      suggestions: ['Write some records first, or give the schema with --schema FILE (KDA InputSchema JSON).'],
    })
  }
  const namePrefix = options.namePrefix ?? DEFAULT_NAME_PREFIX
  const parsed: unknown[] = []
  for (const r of records) {
    try {
      const v = JSON.parse(r)
      if (isObject(v)) parsed.push(v)
    } catch {
      // not JSON; counted below
    }
  }
  const schema = parsed.length * 2 > records.length ? discoverJson(parsed, namePrefix) : discoverCsv(records, namePrefix, what)
  return {schema, mapping: parseInputSchema(schema), sampled: records.length}
}

function discoverJson(objects: unknown[], namePrefix: string): InputSchemaJson {
  const byPath = new Map<string, ColumnStats>()
  const visit = (value: Record<string, unknown>, path: string, name: string, depth: number) => {
    for (const [key, v] of Object.entries(value)) {
      const childPath = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, '')}']`
      const childName = name ? `${name}_${key}` : key
      if (isObject(v) && depth < 4) {
        visit(v, childPath, childName, depth + 1)
        continue
      }
      let stats = byPath.get(childPath)
      if (!stats) byPath.set(childPath, (stats = {source: childName, path: childPath, kind: 'null', maxLength: 0, maxAbs: 0}))
      observe(stats, v)
    }
  }
  for (const o of objects) visit(o as Record<string, unknown>, '$', '', 0)
  const used = new Set<string>()
  const columns = [...byPath.values()].map((stats, i) => {
    let name = discoveredColumnName(stats.source, i)
    while (used.has(name)) name = `${name}_${i}`
    used.add(name)
    return {Name: name, SqlType: typeText(sqlTypeOf(stats)), Mapping: stats.path}
  })
  return {
    NamePrefix: namePrefix,
    RecordEncoding: 'UTF-8',
    RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
    RecordColumns: columns,
  }
}

function discoverCsv(records: readonly string[], namePrefix: string, what: string): InputSchemaJson {
  const lines = records.flatMap((r) => r.split(/\r?\n/)).filter((l) => l.length > 0)
  const delimiter = [',', '\t', '|', ';'].find((d) => {
    const counts = lines.map((l) => l.split(d).length - 1)
    return counts[0] > 0 && counts.every((c) => c === counts[0])
  })
  if (!delimiter) {
    throw new InputError(`cannot discover an input schema: the records of ${what} are neither JSON objects nor delimited (CSV) rows.`, {
      suggestions: ['Give the schema with --schema FILE; a single VARCHAR column with a CSV format reads each record as one text value.'],
    })
  }
  const rows = lines.map((l) => l.split(delimiter))
  const width = rows[0].length
  const stats = (from: number) =>
    Array.from({length: width}, (_, c) => {
      const s: ColumnStats = {source: '', path: '', kind: 'null', maxLength: 0, maxAbs: 0}
      for (let r = from; r < rows.length; r++) observe(s, rows[r][c] === '' ? null : rows[r][c])
      return s
    })
  const body = stats(1)
  // A header: its first row has text where every later row has numbers in some column.
  const hasHeader =
    rows.length > 1 && rows[0].every((v) => kindOf(v).kind === 'string') && body.some((s) => s.kind === 'integer' || s.kind === 'double' || s.kind === 'boolean')
  const columnStats = hasHeader ? body : stats(0)
  const used = new Set<string>()
  const columns = columnStats.map((s, i) => {
    let name = hasHeader ? discoveredColumnName(rows[0][i], i) : `COL_${i + 1}`
    while (used.has(name)) name = `${name}_${i}`
    used.add(name)
    return {Name: name, SqlType: typeText(sqlTypeOf(s))}
  })
  return {
    NamePrefix: namePrefix,
    RecordEncoding: 'UTF-8',
    RecordFormat: {RecordFormatType: 'CSV', MappingParameters: {CSVMappingParameters: {RecordRowDelimiter: '\n', RecordColumnDelimiter: delimiter}}},
    RecordColumns: columns,
  }
}
