/**
 * SQL types and values as the KDA-SQL runtime represents them. Shared by the input mapping, the
 * engine and the output writers, so a value means the same thing everywhere.
 *
 * Representation (chosen for speed; rows are arrays of these in column order):
 * - NULL → null
 * - BOOLEAN → boolean
 * - TINYINT/SMALLINT/INTEGER/BIGINT/DECIMAL/REAL/DOUBLE → number (BIGINT beyond 2^53 is out of scope)
 * - CHAR/VARCHAR → string
 * - VARBINARY → Uint8Array
 * - TIMESTAMP and DATE → number, epoch milliseconds UTC (DATE at midnight)
 * - TIME → number, milliseconds since midnight
 * - INTERVAL → number, milliseconds for day-time intervals, months for year-month intervals
 */
export type SqlTypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'DECIMAL'
  | 'REAL'
  | 'DOUBLE'
  | 'CHAR'
  | 'VARCHAR'
  | 'VARBINARY'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'INTERVAL_DAY_TIME'
  | 'INTERVAL_YEAR_MONTH'

export interface SqlType {
  name: SqlTypeName
  /** CHAR(n), VARCHAR(n), VARBINARY(n) */
  length?: number
  /** DECIMAL(p, s) */
  precision?: number
  scale?: number
  /** INTERVAL expressions: the qualifier's fields (`DAY TO SECOND`), which decide how it prints. */
  fields?: {start: string; end?: string}
}

export type SqlValue = null | boolean | number | string | Uint8Array
export type Row = SqlValue[]

export interface Column {
  name: string
  type: SqlType
}

const ALIASES: Record<string, SqlTypeName> = {
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INTEGER',
  INTEGER: 'INTEGER',
  BIGINT: 'BIGINT',
  DECIMAL: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  REAL: 'REAL',
  FLOAT: 'DOUBLE',
  DOUBLE: 'DOUBLE',
  'DOUBLE PRECISION': 'DOUBLE',
  CHAR: 'CHAR',
  CHARACTER: 'CHAR',
  VARCHAR: 'VARCHAR',
  'CHARACTER VARYING': 'VARCHAR',
  'CHAR VARYING': 'VARCHAR',
  VARBINARY: 'VARBINARY',
  BINARY: 'VARBINARY',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
}

/**
 * Reads a type as written in KDA InputSchema `SqlType` or DDL: `VARCHAR(16)`, `INTEGER`,
 * `DECIMAL(10,2)`, `DOUBLE`, `TIMESTAMP`. Returns undefined for anything else, so callers can
 * name the place in their own error.
 */
export function parseSqlType(text: string): SqlType | undefined {
  const m = /^\s*([A-Za-z]+(?:\s+[A-Za-z]+)?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text)
  if (!m) return undefined
  const name = ALIASES[m[1].toUpperCase().replace(/\s+/g, ' ')]
  if (!name) return undefined
  const type: SqlType = {name}
  if (m[2] !== undefined) {
    if (name === 'DECIMAL') {
      type.precision = Number(m[2])
      type.scale = m[3] === undefined ? 0 : Number(m[3])
    } else if (name === 'CHAR' || name === 'VARCHAR' || name === 'VARBINARY') {
      if (m[3] !== undefined) return undefined
      type.length = Number(m[2])
    } else {
      return undefined
    }
  }
  return type
}

export function formatSqlType(type: SqlType): string {
  switch (type.name) {
    case 'DECIMAL':
      return type.precision === undefined ? 'DECIMAL' : `DECIMAL(${type.precision},${type.scale ?? 0})`
    case 'CHAR':
    case 'VARCHAR':
    case 'VARBINARY':
      return type.length === undefined ? type.name : `${type.name}(${type.length})`
    case 'INTERVAL_DAY_TIME':
      return 'INTERVAL DAY TO SECOND'
    case 'INTERVAL_YEAR_MONTH':
      return 'INTERVAL YEAR TO MONTH'
    default:
      return type.name
  }
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n))

/** `YYYY-MM-DD HH:MM:SS.mmm`, UTC: how KDA prints TIMESTAMP values in JSON and CSV output. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms)
  const millis = d.getUTCMilliseconds()
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${millis < 10 ? '00' + millis : millis < 100 ? '0' + millis : millis}`
  )
}

/** `YYYY-MM-DD`, UTC. */
export function formatDate(ms: number): string {
  return formatTimestamp(ms).slice(0, 10)
}

export const isNumericType = (t: SqlType) =>
  t.name === 'TINYINT' || t.name === 'SMALLINT' || t.name === 'INTEGER' || t.name === 'BIGINT' || t.name === 'DECIMAL' || t.name === 'REAL' || t.name === 'DOUBLE'

export const isIntegerType = (t: SqlType) => t.name === 'TINYINT' || t.name === 'SMALLINT' || t.name === 'INTEGER' || t.name === 'BIGINT'

export const isStringType = (t: SqlType) => t.name === 'CHAR' || t.name === 'VARCHAR'
