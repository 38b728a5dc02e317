import {formatSqlType, type SqlType, type SqlValue} from '../types.js'
import {DAY_MS, parseTimeText, parseTimestampText} from './timestamps.js'

/** Why a value could not become a column's type; the record goes to error_stream with it. */
export class CoercionFailure {
  constructor(readonly reason: string) {}
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

const describe = (value: unknown) => {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value)
  return text.length > 60 ? text.slice(0, 57) + '...' : text
}

const fail = (value: unknown, type: SqlType, why = '') =>
  new CoercionFailure(`cannot convert ${describe(value)} to ${formatSqlType(type)}${why ? ` (${why})` : ''}`)

function toInteger(n: number, type: SqlType, original: unknown): number | CoercionFailure {
  if (!Number.isInteger(n)) return fail(original, type, 'not a whole number')
  const [min, max] = INTEGER_RANGES[type.name]
  if (n < min || n > max) return fail(original, type, 'out of range')
  return n
}

function toDecimal(n: number, type: SqlType): number {
  if (type.scale === undefined) return n
  const f = 10 ** type.scale
  return Math.round(n * f) / f
}

function fitText(text: string, type: SqlType): string {
  // KDA truncates strings to the declared width silently; CHAR is blank-padded.
  if (type.length === undefined) return text
  if (text.length > type.length) return text.slice(0, type.length)
  return type.name === 'CHAR' ? text.padEnd(type.length, ' ') : text
}

/**
 * Converts a JSON value (or a CSV field, always a string) to a column's SQL type, following KDA's
 * coercion table (dev/sch-mapping): null stays null, digit strings become numbers, strings are
 * truncated to their width, ISO / `YYYY-MM-DD HH:MM:SS[.fff]` strings and epoch milliseconds become
 * TIMESTAMPs, objects and arrays become their JSON text in character columns. Anything else is a
 * CoercionFailure naming the value and the type.
 */
export function coerceValue(value: unknown, type: SqlType): SqlValue | CoercionFailure {
  if (value === null || value === undefined) return null
  switch (type.name) {
    case 'CHAR':
    case 'VARCHAR':
      if (typeof value === 'string') return fitText(value, type)
      if (typeof value === 'number' || typeof value === 'boolean') return fitText(String(value), type)
      return fitText(JSON.stringify(value), type)
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
      if (typeof value === 'number') return toInteger(value, type, value)
      if (typeof value === 'boolean') return value ? 1 : 0
      if (typeof value === 'string') {
        const t = value.trim()
        if (!/^[+-]?\d+$/.test(t)) return fail(value, type, 'not a whole number')
        return toInteger(Number(t), type, value)
      }
      return fail(value, type)
    case 'DECIMAL':
    case 'REAL':
    case 'DOUBLE': {
      let n: number
      if (typeof value === 'number') n = value
      else if (typeof value === 'boolean') n = value ? 1 : 0
      else if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) n = Number(value.trim())
      else return fail(value, type, typeof value === 'string' ? 'not a number' : '')
      if (!Number.isFinite(n)) return fail(value, type, 'out of range')
      if (type.name === 'DECIMAL') return toDecimal(n, type)
      return type.name === 'REAL' ? Math.fround(n) : n
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      if (typeof value === 'number') return value !== 0
      if (typeof value === 'string') return value.trim().toLowerCase() === 'true'
      return fail(value, type)
    case 'TIMESTAMP':
    case 'DATE': {
      let ms: number | undefined
      if (typeof value === 'number') ms = Number.isFinite(value) ? Math.trunc(value) : undefined
      else if (typeof value === 'string') ms = parseTimestampText(value)
      if (ms === undefined) return fail(value, type, typeof value === 'string' ? 'expected YYYY-MM-DD HH:MM:SS[.fff], ISO 8601 or epoch milliseconds' : '')
      return type.name === 'DATE' ? Math.floor(ms / DAY_MS) * DAY_MS : ms
    }
    case 'TIME': {
      const ms = typeof value === 'string' ? parseTimeText(value) : undefined
      return ms === undefined ? fail(value, type, 'expected HH:MM:SS[.fff]') : ms
    }
    case 'VARBINARY': {
      const m = typeof value === 'string' ? /^X'((?:[0-9A-Fa-f]{2})*)'$/.exec(value.trim()) : null
      if (!m) return fail(value, type, "expected a hex literal X'…'")
      return Uint8Array.from(Buffer.from(m[1], 'hex'))
    }
    default:
      return fail(value, type, 'not a column type')
  }
}

/** Coerces values to one column type. */
export type Coercer = (value: unknown) => SqlValue | CoercionFailure

/**
 * `coerceValue(value, type)` as a function of one type, deciding the common cases (a string that
 * fits a VARCHAR, a whole number in an integer column's range, ...) without the general switch;
 * the rest goes to coerceValue. For the input mapper's hot path.
 */
export function coercerFor(type: SqlType): Coercer {
  switch (type.name) {
    case 'VARCHAR': {
      const length = type.length ?? Infinity
      return (value) => (typeof value === 'string' && value.length <= length ? value : coerceValue(value, type))
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT': {
      const [min, max] = INTEGER_RANGES[type.name]
      return (value) => (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : coerceValue(value, type))
    }
    case 'DOUBLE':
      return (value) => (typeof value === 'number' && Number.isFinite(value) ? value : coerceValue(value, type))
    case 'TIMESTAMP':
      return (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : coerceValue(value, type))
    case 'BOOLEAN':
      return (value) => (typeof value === 'boolean' ? value : coerceValue(value, type))
    default:
      return (value) => coerceValue(value, type)
  }
}
