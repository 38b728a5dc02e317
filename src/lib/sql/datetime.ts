import {generatedFunction} from '../core/generated-code.js'
import type {TimeUnit} from './ast.js'

/**
 * Date and time helpers with KDA's meanings: timestamps are UTC epoch milliseconds, and the
 * CHAR_TO_TIMESTAMP / TIMESTAMP_TO_CHAR templates follow java.text.SimpleDateFormat (prefix
 * parse, whitespace skipped before fields, missing fields default to 1970-01-01 00:00:00,
 * out-of-range fields fail).
 */

export const MS: Record<Exclude<TimeUnit, 'YEAR' | 'MONTH'>, number> = {
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
}

export function floorTimestamp(ms: number, unit: TimeUnit): number {
  if (unit === 'YEAR' || unit === 'MONTH') {
    const d = new Date(ms)
    return Date.UTC(d.getUTCFullYear(), unit === 'YEAR' ? 0 : d.getUTCMonth(), 1)
  }
  const size = MS[unit]
  return Math.floor(ms / size) * size
}

export function ceilTimestamp(ms: number, unit: TimeUnit): number {
  const f = floorTimestamp(ms, unit)
  if (f === ms) return ms
  if (unit === 'YEAR' || unit === 'MONTH') return addMonths(f, unit === 'YEAR' ? 12 : 1)
  return f + MS[unit]
}

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months
  const year = Math.floor(total / 12)
  const month = total - year * 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds())
}

/** Months since 1970-01 of a timestamp (for year-month STEP). */
export function monthsSinceEpoch(ms: number): number {
  const d = new Date(ms)
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth()
}

export function extractField(ms: number, unit: TimeUnit): number {
  const d = new Date(ms)
  switch (unit) {
    case 'YEAR':
      return d.getUTCFullYear()
    case 'MONTH':
      return d.getUTCMonth() + 1
    case 'DAY':
      return d.getUTCDate()
    case 'HOUR':
      return d.getUTCHours()
    case 'MINUTE':
      return d.getUTCMinutes()
    case 'SECOND':
      return d.getUTCSeconds() + d.getUTCMilliseconds() / 1000
    case 'MILLISECOND':
      return d.getUTCMilliseconds()
  }
}

/**
 * Parses `YYYY-MM-DD[ HH:MM:SS[.fff]]` and ISO-8601 (`T`, optional `Z` or offset, any number
 * of fraction digits, truncated to ms). Returns undefined if the text is not a timestamp.
 */
export function parseTimestampText(text: string): number | undefined {
  const m = /^\s*(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i.exec(text)
  if (!m) return undefined
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1, 7)
  const frac = m[7] ? Number((m[7] + '00').slice(0, 3)) : 0
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), frac)
  if (new Date(ms).getUTCDate() !== day) return undefined
  if (Number(y) < 100) ms = setFullYear(ms, Number(y))
  if (m[8] && m[8].toUpperCase() !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1
    const digits = m[8].slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
  }
  return ms
}

function setFullYear(ms: number, year: number): number {
  const d = new Date(ms)
  d.setUTCFullYear(year)
  return d.getTime()
}

export function parseTimeText(text: string): number | undefined {
  const m = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?\s*$/.exec(text)
  if (!m) return undefined
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + (m[4] ? Number((m[4] + '00').slice(0, 3)) : 0)
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

interface PatternPart {
  letter?: string
  count: number
  literal?: string
}

const patternCache = new Map<string, PatternPart[]>()

function compilePattern(pattern: string): PatternPart[] {
  const cached = patternCache.get(pattern)
  if (cached) return cached
  const parts: PatternPart[] = []
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]
    if (/[A-Za-z]/.test(c)) {
      let j = i
      while (j < pattern.length && pattern[j] === c) j++
      parts.push({letter: c, count: j - i})
      i = j
    } else if (c === "'") {
      const close = pattern.indexOf("'", i + 1)
      const text = close < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, close)
      parts.push({count: 0, literal: text === '' ? "'" : text})
      i = close < 0 ? pattern.length : close + 1
    } else {
      parts.push({count: 0, literal: c})
      i++
    }
  }
  patternCache.set(pattern, parts)
  return parts
}

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n))
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s)
}

/** TIMESTAMP_TO_CHAR: formats UTC epoch ms with a SimpleDateFormat template. */
export function formatWithPattern(pattern: string, ms: number): string {
  return timestampFormatter(pattern)(ms)
}

const formatterCache = new Map<string, (ms: number) => string>()

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n))

/**
 * A compiled TIMESTAMP_TO_CHAR template. Time-of-day fields are computed arithmetically; a Date
 * is only built when the template has calendar fields.
 */
export function timestampFormatter(pattern: string): (ms: number) => string {
  const cached = formatterCache.get(pattern)
  if (cached) return cached
  const parts = compilePattern(pattern)
  const needsDate = parts.some((p) => p.letter !== undefined && 'yYuMLdED'.includes(p.letter))
  const pieces = parts.map((p): ((ms: number, d: Date | undefined) => string) => {
    if (p.literal !== undefined) {
      const text = p.literal
      return () => text
    }
    const n = p.count
    const dayMs = (ms: number) => ((ms % 86_400_000) + 86_400_000) % 86_400_000
    const two = n === 2
    const num = (f: (ms: number) => number) => (two ? (ms: number) => pad2(f(ms)) : (ms: number) => pad(f(ms), n))
    switch (p.letter) {
      case 'y':
      case 'Y':
      case 'u':
        return (_ms, d) => (n === 2 ? pad(d!.getUTCFullYear() % 100, 2) : pad(d!.getUTCFullYear(), n))
      case 'M':
      case 'L':
        return (_ms, d) => (n >= 4 ? MONTHS[d!.getUTCMonth()] : n === 3 ? MONTHS[d!.getUTCMonth()].slice(0, 3) : pad(d!.getUTCMonth() + 1, n))
      case 'd':
        return (_ms, d) => pad(d!.getUTCDate(), n)
      case 'H': {
        const f = num((ms) => Math.floor(dayMs(ms) / 3_600_000))
        return (ms) => f(ms)
      }
      case 'k': {
        const f = num((ms) => Math.floor(dayMs(ms) / 3_600_000) || 24)
        return (ms) => f(ms)
      }
      case 'h': {
        const f = num((ms) => Math.floor(dayMs(ms) / 3_600_000) % 12 || 12)
        return (ms) => f(ms)
      }
      case 'K': {
        const f = num((ms) => Math.floor(dayMs(ms) / 3_600_000) % 12)
        return (ms) => f(ms)
      }
      case 'm': {
        const f = num((ms) => Math.floor(dayMs(ms) / 60_000) % 60)
        return (ms) => f(ms)
      }
      case 's': {
        const f = num((ms) => Math.floor(dayMs(ms) / 1000) % 60)
        return (ms) => f(ms)
      }
      case 'S':
        return (ms) => pad(dayMs(ms) % 1000, n)
      case 'a':
        return (ms) => (dayMs(ms) < 43_200_000 ? 'AM' : 'PM')
      case 'E':
        return (_ms, d) => (n >= 4 ? DAYS[d!.getUTCDay()] : DAYS[d!.getUTCDay()].slice(0, 3))
      case 'D':
        return (ms, d) => pad(Math.floor((ms - Date.UTC(d!.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, n)
      case 'z':
        return () => (n >= 4 ? 'Coordinated Universal Time' : 'UTC')
      case 'Z':
        return () => '+0000'
      case 'X':
        return () => 'Z'
      default: {
        const text = p.letter!.repeat(n)
        return () => text
      }
    }
  })
  const f = (ms: number) => {
    const d = needsDate ? new Date(ms) : undefined
    let out = ''
    for (let i = 0; i < pieces.length; i++) out += pieces[i](ms, d)
    return out
  }
  const clock = clockFormatter(parts)
  const formatter = clock ? (ms: number) => (Number.isFinite(ms) ? clock(ms) : f(ms)) : f
  formatterCache.set(pattern, formatter)
  return formatter
}

const TWO_DIGITS = Array.from({length: 60}, (_, i) => (i < 10 ? '0' : '') + i)

/**
 * Templates made only of HH, mm, ss and literals (seed 004's 'HH:mm:ss', once per output
 * column per row): the fields come from one division each and a table of two-digit strings.
 * The last time formatted is remembered: a row's columns often show the same one (seed 004's
 * session start, its latest time and the session id's time are one time on a session's first row).
 */
function clockFormatter(parts: PatternPart[]): ((ms: number) => string) | undefined {
  const terms: string[] = []
  const bindings: Record<string, unknown> = {two: TWO_DIGITS, last: {ms: Number.NaN, text: ''}}
  for (const p of parts) {
    if (p.literal !== undefined) {
      // The template's texts come in as bindings, as every text from SQL does.
      bindings[`text${terms.length}`] = p.literal
      terms.push(`text${terms.length}`)
    } else if (p.count === 2 && p.letter === 'H') terms.push('two[Math.floor(seconds / 3600)]')
    else if (p.count === 2 && p.letter === 'm') terms.push('two[Math.floor(seconds / 60) % 60]')
    else if (p.count === 2 && p.letter === 's') terms.push('two[seconds % 60]')
    else return undefined
  }
  // One expression per template: no loop over its parts per value.
  return generatedFunction('clock', ['ms'], bindings, [
    'if (ms === last.ms) return last.text',
    'const seconds = Math.floor((((ms % 86400000) + 86400000) % 86400000) / 1000)',
    `const text = ${terms.join(' + ') || "''"}`,
    'last.ms = ms',
    'last.text = text',
    'return text',
  ])
}

/**
 * CHAR_TO_TIMESTAMP: parses a prefix of `text` with a SimpleDateFormat template. Returns
 * undefined when the text does not match (KDA then produces no value).
 */
export function parseWithPattern(pattern: string, text: string): number | undefined {
  const parts = compilePattern(pattern)
  let i = 0
  let year = 1970
  let month = 0
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let milli = 0
  let pm: boolean | undefined
  let hour12 = false
  let offsetMinutes = 0
  const skipSpaces = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++
  }
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]
    if (p.literal !== undefined) {
      if (!text.startsWith(p.literal, i)) {
        // SimpleDateFormat lets a space in the template match runs of whitespace.
        if (p.literal.trim() === '' && i < text.length && /\s/.test(text[i])) {
          while (i < text.length && /\s/.test(text[i])) i++
          continue
        }
        return undefined
      }
      i += p.literal.length
      continue
    }
    skipSpaces()
    const next = parts[k + 1]
    const adjacentNumber = next !== undefined && next.letter !== undefined && 'yMdHhKkmsSDu'.includes(next.letter) && !(next.letter === 'M' && next.count >= 3)
    const readNumber = (): number | undefined => {
      let j = i
      if (text[j] === '-' || text[j] === '+') j++
      const limit = adjacentNumber ? i + p.count : text.length
      while (j < text.length && j < limit && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++
      if (j === i || (j === i + 1 && (text[i] === '-' || text[i] === '+'))) return undefined
      const value = Number(text.slice(i, j))
      const digits = j - i
      i = j
      return digits === 2 && (p.letter === 'y' || p.letter === 'u') && p.count <= 2 ? twoDigitYear(value) : value
    }
    switch (p.letter) {
      case 'y':
      case 'Y':
      case 'u': {
        const v = readNumber()
        if (v === undefined) return undefined
        year = v
        break
      }
      case 'M':
      case 'L':
        if (p.count >= 3) {
          const idx = matchName(MONTHS, text, i)
          if (!idx) return undefined
          month = idx.index
          i += idx.length
        } else {
          const v = readNumber()
          if (v === undefined || v < 1 || v > 12) return undefined
          month = v - 1
        }
        break
      case 'd': {
        const v = readNumber()
        if (v === undefined || v < 1 || v > 31) return undefined
        day = v
        break
      }
      case 'H':
      case 'k': {
        const v = readNumber()
        if (v === undefined || v > 24) return undefined
        hour = v === 24 && p.letter === 'k' ? 0 : v
        if (hour > 23) return undefined
        break
      }
      case 'h':
      case 'K': {
        const v = readNumber()
        if (v === undefined || v > 12) return undefined
        hour = v % 12
        hour12 = true
        break
      }
      case 'm': {
        const v = readNumber()
        if (v === undefined || v > 59) return undefined
        minute = v
        break
      }
      case 's': {
        const v = readNumber()
        if (v === undefined || v > 59) return undefined
        second = v
        break
      }
      case 'S': {
        const v = readNumber()
        if (v === undefined) return undefined
        milli = v
        break
      }
      case 'a': {
        const up = text.slice(i, i + 2).toUpperCase()
        if (up !== 'AM' && up !== 'PM') return undefined
        pm = up === 'PM'
        i += 2
        break
      }
      case 'E': {
        const idx = matchName(DAYS, text, i)
        if (!idx) return undefined
        i += idx.length
        break
      }
      case 'z':
      case 'Z':
      case 'X': {
        const rest = text.slice(i)
        const m = /^(?:(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?|(GMT|UTC|Z))/i.exec(rest)
        if (!m) return undefined
        if (m[1]) offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))
        i += m[0].length
        break
      }
      default:
        return undefined
    }
  }
  if (hour12 && pm) hour += 12
  let ms = Date.UTC(year, month, day, hour, minute, second, 0)
  if (year >= 0 && year < 100) ms = setFullYear(ms, year)
  if (new Date(ms).getUTCDate() !== day) return undefined
  return ms + milli - offsetMinutes * 60_000
}

function twoDigitYear(v: number): number {
  // SimpleDateFormat: within 80 years before and 20 years after now; pinned to 2000 for determinism.
  return v < 50 ? 2000 + v : 1900 + v
}

function matchName(names: string[], text: string, at: number): {index: number; length: number} | undefined {
  const lower = text.slice(at, at + 12).toLowerCase()
  for (let k = 0; k < names.length; k++) {
    const full = names[k].toLowerCase()
    if (lower.startsWith(full)) return {index: k, length: full.length}
  }
  for (let k = 0; k < names.length; k++) {
    const short = names[k].slice(0, 3).toLowerCase()
    if (lower.startsWith(short)) return {index: k, length: 3}
  }
  return undefined
}
