import {InputError} from '../core/errors.js'

/**
 * Tokens of KDA SQL. Unquoted identifiers are upper-cased here (KDA's rule), quoted ones keep
 * their case; keywords are just unquoted identifiers the parser recognises by text, so a
 * non-reserved word like `EVENT` or `TIMESTAMP` can still name a column.
 */
export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'eof'

export interface Token {
  kind: TokenKind
  /** Upper-cased for `ident`, exact for `quoted`/`string`, the operator text for `op`. */
  value: string
  line: number
  column: number
  /** Offset in the source, for slicing statement text. */
  offset: number
  end: number
}

const OPERATORS = ['<>', '<=', '>=', '!=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';', '[', ']', ':']

export function tokenize(sql: string, file?: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const n = sql.length
  const fail = (message: string, at: number): never => {
    throw new InputError(message, {location: {file, line, column: at - lineStart + 1}})
  }
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === 10) {
      line++
      i++
      lineStart = i
      continue
    }
    if (c === 32 || c === 9 || c === 13 || c === 12) {
      i++
      continue
    }
    const start = i
    const column = i - lineStart + 1
    const ch = sql[i]
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++
      continue
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2)
      if (close < 0) fail('unterminated /* comment', i)
      for (let k = i; k < close; k++) if (sql[k] === '\n') {
        line++
        lineStart = k + 1
      }
      i = close + 2
      continue
    }
    if (isIdentStart(c)) {
      // U&'...' unicode string literal
      if ((ch === 'u' || ch === 'U') && sql[i + 1] === '&' && sql[i + 2] === "'") {
        const {value, next} = readQuoted(sql, i + 2, "'", () => fail('unterminated string literal', start))
        tokens.push({kind: 'string', value: decodeUnicodeEscapes(value), line, column, offset: start, end: next})
        i = next
        continue
      }
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++
      tokens.push({kind: 'ident', value: sql.slice(start, i).toUpperCase(), line, column, offset: start, end: i})
      continue
    }
    if (ch === '"') {
      const {value, next} = readQuoted(sql, i, '"', () => fail('unterminated quoted identifier', start))
      if (value.length === 0) fail('empty quoted identifier', start)
      tokens.push({kind: 'quoted', value, line, column, offset: start, end: next})
      i = next
      continue
    }
    if (ch === "'") {
      const {value, next, newlines, lastNewline} = readQuoted(sql, i, "'", () => fail('unterminated string literal', start))
      tokens.push({kind: 'string', value, line, column, offset: start, end: next})
      if (newlines > 0) {
        line += newlines
        lineStart = lastNewline + 1
      }
      i = next
      continue
    }
    if ((c >= 48 && c <= 57) || (ch === '.' && isDigit(sql.charCodeAt(i + 1)))) {
      while (i < n && isDigit(sql.charCodeAt(i))) i++
      if (sql[i] === '.' && isDigit(sql.charCodeAt(i + 1) || 0)) {
        i++
        while (i < n && isDigit(sql.charCodeAt(i))) i++
      } else if (sql[i] === '.' && !isIdentStart(sql.charCodeAt(i + 1) || 0)) {
        i++
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && (isDigit(sql.charCodeAt(i + 1)) || ((sql[i + 1] === '+' || sql[i + 1] === '-') && isDigit(sql.charCodeAt(i + 2))))) {
        i += 2
        while (i < n && isDigit(sql.charCodeAt(i))) i++
      }
      tokens.push({kind: 'number', value: sql.slice(start, i), line, column, offset: start, end: i})
      continue
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i))
    if (op) {
      tokens.push({kind: 'op', value: op === '!=' ? '<>' : op, line, column, offset: start, end: i + op.length})
      i += op.length
      continue
    }
    fail(`unexpected character '${ch}'`, i)
  }
  // End of input is reported just after the last token, where the missing text belongs.
  const last = tokens.at(-1)
  const eofAt = last ? {line: last.line + countNewlines(sql, last.offset, last.end), column: columnAfter(sql, last)} : {line: 1, column: 1}
  tokens.push({kind: 'eof', value: '', line: eofAt.line, column: eofAt.column, offset: n, end: n})
  return tokens
}

function countNewlines(sql: string, from: number, to: number): number {
  let k = 0
  for (let i = from; i < to; i++) if (sql.charCodeAt(i) === 10) k++
  return k
}

function columnAfter(sql: string, t: Token): number {
  const nl = sql.lastIndexOf('\n', t.end - 1)
  return nl >= t.offset ? t.end - nl : t.column + (t.end - t.offset)
}

function readQuoted(sql: string, start: number, quote: string, onEnd: () => never) {
  let i = start + 1
  let value = ''
  let newlines = 0
  let lastNewline = -1
  for (;;) {
    if (i >= sql.length) onEnd()
    const ch = sql[i]
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        value += quote
        i += 2
        continue
      }
      return {value, next: i + 1, newlines, lastNewline}
    }
    if (ch === '\n') {
      newlines++
      lastNewline = i
    }
    value += ch
    i++
  }
}

function decodeUnicodeEscapes(text: string): string {
  return text.replace(/\\([0-9a-fA-F]{4})|\\\\/g, (_m, hex: string | undefined) => (hex ? String.fromCharCode(Number.parseInt(hex, 16)) : '\\'))
}

const isDigit = (c: number) => c >= 48 && c <= 57
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c) || c === 36

/** Words that cannot be used as unquoted identifiers (column or alias names) without quotes. */
export const RESERVED = new Set([
  'ALL', 'AND', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CREATE', 'CROSS', 'CURSOR', 'DAY', 'DESC', 'DISTINCT', 'ELSE', 'END',
  'ESCAPE', 'EXISTS', 'FALSE', 'FOR', 'FROM', 'FULL', 'GROUP', 'HAVING', 'HOUR', 'IGNORE', 'IN', 'INNER', 'INSERT', 'INTERVAL', 'INTO', 'IS',
  'JOIN', 'LEFT', 'LIKE', 'MINUTE', 'MONTH', 'NOT', 'NULL', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER', 'PARTITION', 'PRECEDING', 'RANGE',
  'RESPECT', 'RIGHT', 'ROWS', 'SECOND', 'SELECT', 'SIMILAR', 'STREAM', 'TABLE', 'THEN', 'TO', 'TRUE', 'UNION', 'UNKNOWN', 'VALUES', 'WHEN', 'WHERE',
  'WINDOW', 'WINDOWED', 'WITH', 'YEAR', 'FOLLOWING', 'CURRENT', 'ROW', 'STAGGER', 'EXCEPT', 'INTERSECT',
])
