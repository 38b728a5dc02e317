import {InputError, NotSupportedError} from '../core/errors.js'
import {generatedFunction, type CodeGen} from '../core/generated-code.js'
import type {CreateFunction, Expr, FunctionCall, IntervalQualifier, Pos, TimeUnit} from './ast.js'
import {
  addMonths,
  ceilTimestamp,
  extractField,
  floorTimestamp,
  formatWithPattern,
  MS,
  monthsSinceEpoch,
  parseTimeText,
  parseTimestampText,
  parseWithPattern,
  timestampFormatter,
} from './datetime.js'
import {formatDate, formatSqlType, formatTimestamp, isIntegerType, isNumericType, isStringType, type Row, type SqlType, type SqlValue} from './types.js'

/**
 * The expression compiler: a bound expression becomes a JavaScript closure `(row, rowtime) =>
 * value`, so rows are evaluated without walking the tree. Name resolution is delegated to a
 * `Resolver` (the binder supplies one per scope: plain rows, group rows, joined rows).
 */
export type Eval = (row: Row, t: number) => SqlValue

export interface Bound {
  ev: Eval
  type: SqlType
  /** Depends on ROWTIME only (no column): a time-driven window key can be evaluated at any time. */
  rowtimeOnly: boolean
  /** Declared or known monotonic (ROWTIME, MONOTONIC(...), columns derived from them). */
  monotonic: boolean
  constant: boolean
  /**
   * The expression as JavaScript source, for operators that generate their row functions (the
   * row is `r`, its ROWTIME `t`): the value of the code is the value of `ev`. Expressions without
   * one are called as their closure there (`codeOf`).
   */
  code?: (g: CodeGen) => string
}

/** The source of `b` for a generated function of `(r, t)`: its code, or a call of its closure. */
export function codeOf(b: Bound, g: CodeGen): string {
  return b.code !== undefined ? b.code(g) : `${g.bind(b.ev)}(r, t)`
}

/** A constant as code: finite numbers, booleans and NULL as literals, anything else bound by name. */
function constantCode(v: SqlValue, g: CodeGen): string {
  if (v === null || typeof v === 'boolean') return String(v)
  if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) return `(${String(v)})`
  return g.bind(v)
}

/** AND (`decisive` false) or OR (true) in SQL's three-valued logic: the second operand is evaluated only when the first does not decide. */
function logicCode(a: Bound, b: Bound, decisive: 'true' | 'false'): (g: CodeGen) => string {
  return (g) => {
    const x = g.temp()
    const y = g.temp()
    const other = decisive === 'true' ? 'false' : 'true'
    return `(${x} = ${codeOf(a, g)}, ${x} === ${decisive} ? ${decisive} : (${y} = ${codeOf(b, g)}, ${y} === ${decisive} ? ${decisive} : ${x} === null || ${y} === null ? null : ${other}))`
  }
}

/**
 * `x OP y` of two operands for a JavaScript binary operator (comparisons, + - *), NULL when either
 * is NULL: its closure and its code are made from the one operator.
 */
function nullSafeBinary(a: Bound, b: Bound, op: string, type: SqlType, monotonic = false): Bound {
  const ev = generatedFunction<Eval>('nullSafe', ['row', 't'], {fa: a.ev, fb: b.ev}, ['const x = fa(row, t)', 'const y = fb(row, t)', `return x === null || y === null ? null : x ${op} y`])
  return derive(ev, type, [a, b], monotonic, (g) => {
    const x = g.temp()
    const y = g.temp()
    return `(${x} = ${codeOf(a, g)}, ${y} = ${codeOf(b, g)}, ${x} === null || ${y} === null ? null : ${x} ${op} ${y})`
  })
}

export interface Resolver {
  file?: string
  /** Called first for every node: lets a group scope replace whole expressions by key slots. */
  intercept?(expr: Expr): Bound | undefined
  column(ref: Extract<Expr, {type: 'column'}>): Bound
  rowtime(qualifier: string | undefined, pos: Pos): Bound
  aggregate?(call: FunctionCall): Bound
  analytic?(call: FunctionCall): Bound
  /** SQL functions of the application (CREATE FUNCTION), by name. */
  functions?: ReadonlyMap<string, CreateFunction>
}

export const T = {
  BOOLEAN: {name: 'BOOLEAN'},
  INTEGER: {name: 'INTEGER'},
  BIGINT: {name: 'BIGINT'},
  DECIMAL: {name: 'DECIMAL'},
  DOUBLE: {name: 'DOUBLE'},
  VARCHAR: {name: 'VARCHAR'},
  TIMESTAMP: {name: 'TIMESTAMP'},
  DATE: {name: 'DATE'},
  TIME: {name: 'TIME'},
  INTERVAL_DAY_TIME: {name: 'INTERVAL_DAY_TIME'},
  INTERVAL_YEAR_MONTH: {name: 'INTERVAL_YEAR_MONTH'},
  NULL: {name: 'VARCHAR', length: 0},
} satisfies Record<string, SqlType>

export const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'FIRST_VALUE', 'LAST_VALUE', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'STDDEV', 'VARIANCE', 'EVERY', 'ANY', 'SOME'])
export const ANALYTIC_ONLY = new Set(['LAG', 'NTH_VALUE', 'EXP_AVG', 'LEAD', 'ROW_NUMBER', 'RANK'])

/** KDA functions this runtime knows by name but does not implement: NotSupportedError, not "unknown". */
const KNOWN_UNSUPPORTED = new Set([
  'REGEX_LOG_PARSE', 'FAST_REGEX_LOG_PARSER', 'FIXED_COLUMN_LOG_PARSE', 'SYS_LOG_PARSE', 'W3C_LOG_PARSE', 'VARIABLE_COLUMN_LOG_PARSE',
  'GROUP_RANK', 'HOTSPOTS', 'LEAD', 'ROW_NUMBER', 'RANK',
])

const isTemporal = (t: SqlType) => t.name === 'TIMESTAMP' || t.name === 'DATE' || t.name === 'TIME'
const isInterval = (t: SqlType) => t.name === 'INTERVAL_DAY_TIME' || t.name === 'INTERVAL_YEAR_MONTH'
const isNullType = (t: SqlType) => t.name === 'VARCHAR' && t.length === 0

function exprError(r: Resolver, pos: Pos, message: string, suggestions?: string[]): InputError {
  return new InputError(message, {location: {file: r.file, line: pos.line, column: pos.column}, suggestions})
}

function notSupported(r: Resolver, pos: Pos, what: string): NotSupportedError {
  return new NotSupportedError(`${what} is valid KDA SQL but not supported by the local runtime yet`, {location: {file: r.file, line: pos.line, column: pos.column}})
}

const konst = (value: SqlValue, type: SqlType): Bound => ({ev: () => value, type, rowtimeOnly: false, monotonic: false, constant: true, code: (g) => constantCode(value, g)})

/** A node over `parts`, evaluated by `ev`; `code`, when given, is its source (see Bound.code). */
function derive(ev: Eval, type: SqlType, parts: Bound[], monotonic = false, code?: (g: CodeGen) => string): Bound {
  const constant = parts.every((p) => p.constant)
  const b: Bound = {
    ev,
    type,
    rowtimeOnly: !constant && parts.every((p) => p.rowtimeOnly || p.constant),
    monotonic,
    constant,
    code,
  }
  if (constant) {
    // Fold constants once (literal arithmetic, CAST of literals, ...).
    let v: SqlValue
    try {
      v = ev([], 0)
    } catch {
      return b
    }
    b.ev = () => v
    b.code = (g) => constantCode(v, g)
  }
  return b
}

/** The interval of an INTERVAL literal, in ms (day-time) or months (year-month). */
export function intervalValue(text: string, negative: boolean, q: IntervalQualifier): {value: number; yearMonth: boolean} | undefined {
  const sign = negative ? -1 : 1
  const t = text.trim()
  const s = t.startsWith('-') ? -sign : sign
  const body = t.replace(/^[+-]/, '')
  if (q.start === 'YEAR' || q.start === 'MONTH') {
    if (q.start === 'YEAR' && q.end === 'MONTH') {
      const m = /^(\d+)-(\d+)$/.exec(body)
      if (!m) return undefined
      return {value: s * (Number(m[1]) * 12 + Number(m[2])), yearMonth: true}
    }
    if (!/^\d+$/.test(body)) return undefined
    return {value: s * Number(body) * (q.start === 'YEAR' ? 12 : 1), yearMonth: true}
  }
  const units: TimeUnit[] = ['DAY', 'HOUR', 'MINUTE', 'SECOND']
  const from = units.indexOf(q.start)
  const to = q.end ? units.indexOf(q.end) : from
  if (from < 0 || to < from) return undefined
  const fields = body.split(/[ :]/)
  if (fields.length !== to - from + 1) return undefined
  let ms = 0
  for (let k = 0; k < fields.length; k++) {
    const unit = units[from + k]
    const f = fields[k]
    if (unit === 'SECOND' ? !/^\d+(\.\d*)?$/.test(f) : !/^\d+$/.test(f)) return undefined
    ms += Number(f) * MS[unit as 'DAY']
  }
  return {value: s * Math.round(ms), yearMonth: false}
}

function literalNumberType(text: string): SqlType {
  if (/[eE]/.test(text)) return T.DOUBLE
  if (text.includes('.')) return T.DECIMAL
  const n = Number(text)
  return Math.abs(n) > 2_147_483_647 ? T.BIGINT : T.INTEGER
}

function numericResult(a: SqlType, b: SqlType): SqlType {
  if (a.name === 'DOUBLE' || b.name === 'DOUBLE' || a.name === 'REAL' || b.name === 'REAL') return T.DOUBLE
  if (a.name === 'DECIMAL' || b.name === 'DECIMAL') return T.DECIMAL
  if (a.name === 'BIGINT' || b.name === 'BIGINT') return T.BIGINT
  return T.INTEGER
}

export function compileExpr(e: Expr, r: Resolver): Bound {
  const hit = r.intercept?.(e)
  if (hit) return hit
  switch (e.type) {
    case 'literal':
      switch (e.kind) {
        case 'number':
          return konst(Number(e.text), literalNumberType(e.text))
        case 'string':
          return konst(e.value, {name: 'CHAR', length: e.value.length})
        case 'boolean':
          return konst(e.value, T.BOOLEAN)
        case 'null':
          return konst(null, T.NULL)
        case 'timestamp': {
          const v = parseTimestampText(e.text)
          if (v === undefined) throw exprError(r, e.pos, `invalid TIMESTAMP literal '${e.text}'`)
          return konst(v, T.TIMESTAMP)
        }
        case 'date': {
          const v = parseTimestampText(e.text)
          if (v === undefined || v % 86_400_000 !== 0) throw exprError(r, e.pos, `invalid DATE literal '${e.text}'`)
          return konst(v, T.DATE)
        }
        case 'time': {
          const v = parseTimeText(e.text)
          if (v === undefined) throw exprError(r, e.pos, `invalid TIME literal '${e.text}'`)
          return konst(v, T.TIME)
        }
        case 'interval': {
          const iv = intervalValue(e.text, e.negative, e.qualifier)
          if (!iv) throw exprError(r, e.pos, `invalid INTERVAL literal '${e.text}'`)
          // The leading field has 2 digits unless the qualifier says otherwise (MINUTE(3)).
          const leading = /^[+-]?(\d+)/.exec(e.text.trim())?.[1] ?? ''
          const precision = e.qualifier.precision ?? 2
          if (leading.length > precision) {
            throw exprError(r, e.pos, `Interval field value ${Number(leading)} exceeds precision of ${e.qualifier.start}(${precision}) field`, [`write INTERVAL '${e.text}' ${e.qualifier.start}(${leading.length})`])
          }
          const fields = {start: e.qualifier.start, end: e.qualifier.end}
          return konst(iv.value, {...(iv.yearMonth ? T.INTERVAL_YEAR_MONTH : T.INTERVAL_DAY_TIME), fields})
        }
      }
      break
    case 'column':
      return r.column(e)
    case 'rowtime':
      return r.rowtime(e.qualifier, e.pos)
    case 'star':
      throw exprError(r, e.pos, "'*' is only allowed as a select item or in COUNT(*)")
    case 'unary': {
      const a = compileExpr(e.operand, r)
      const f = a.ev
      const unaryCode = (op: string) => (g: CodeGen) => {
        const v = g.temp()
        return `(${v} = ${codeOf(a, g)}, ${v} === null ? null : ${op}${v})`
      }
      if (e.op === 'NOT') return derive((row, t) => {
        const v = f(row, t)
        return v === null ? null : !v
      }, T.BOOLEAN, [a], false, unaryCode('!'))
      if (e.op === '+') return a
      return derive((row, t) => {
        const v = f(row, t)
        return v === null ? null : -(v as number)
      }, a.type, [a], false, unaryCode('-'))
    }
    case 'binary':
      return compileBinary(e, r)
    case 'isNull': {
      const a = compileExpr(e.operand, r)
      const f = a.ev
      return derive(e.negated ? (row, t) => f(row, t) !== null : (row, t) => f(row, t) === null, T.BOOLEAN, [a], false, (g) => `(${codeOf(a, g)} ${e.negated ? '!==' : '==='} null)`)
    }
    case 'isBool': {
      const a = compileExpr(e.operand, r)
      const f = a.ev
      const want = e.value
      return derive((row, t) => {
        const v = f(row, t)
        const is = want === null ? v === null : v === want
        return e.negated ? !is : is
      }, T.BOOLEAN, [a])
    }
    case 'like':
      return compileLike(e, r)
    case 'between': {
      const a = compileExpr(e.operand, r)
      const lo = compileExpr(e.low, r)
      const hi = compileExpr(e.high, r)
      const [fa, fl, fh] = [a.ev, lo.ev, hi.ev]
      return derive((row, t) => {
        const v = fa(row, t)
        const l = fl(row, t)
        const h = fh(row, t)
        if (v === null || l === null || h === null) return null
        const inside = v >= l && v <= h
        return e.negated ? !inside : inside
      }, T.BOOLEAN, [a, lo, hi])
    }
    case 'inList': {
      const a = compileExpr(e.operand, r)
      const list = e.list.map((x) => compileExpr(x, r))
      const fa = a.ev
      const fs = list.map((x) => x.ev)
      return derive((row, t) => {
        const v = fa(row, t)
        if (v === null) return null
        let sawNull = false
        for (const f of fs) {
          const w = f(row, t)
          if (w === null) sawNull = true
          else if (w === v) return !e.negated
        }
        return sawNull ? null : e.negated
      }, T.BOOLEAN, [a, ...list])
    }
    case 'case': {
      const operand = e.operand ? compileExpr(e.operand, r) : undefined
      const whens = e.whens.map((w) => ({when: compileExpr(w.when, r), then: compileExpr(w.then, r)}))
      const otherwise = e.else ? compileExpr(e.else, r) : konst(null, T.NULL)
      const type = [...whens.map((w) => w.then.type), otherwise.type].reduce((acc, t) => unifyTypes(acc, t))
      const conds = whens.map((w) => w.when.ev)
      const results = whens.map((w) => w.then.ev)
      const fe = otherwise.ev
      const n = conds.length
      let ev: Eval
      let code: (g: CodeGen) => string
      if (operand) {
        const fo = operand.ev
        ev = (row, t) => {
          const v = fo(row, t)
          if (v !== null) for (let k = 0; k < n; k++) if (conds[k](row, t) === v) return results[k](row, t)
          return fe(row, t)
        }
        code = (g) => {
          const v = g.temp()
          return `(${v} = ${codeOf(operand, g)}, ${whens.map((w) => `${v} !== null && ${codeOf(w.when, g)} === ${v} ? ${codeOf(w.then, g)} : `).join('')}${codeOf(otherwise, g)})`
        }
      } else {
        ev = (row, t) => {
          for (let k = 0; k < n; k++) if (conds[k](row, t) === true) return results[k](row, t)
          return fe(row, t)
        }
        code = (g) => `(${whens.map((w) => `${codeOf(w.when, g)} === true ? ${codeOf(w.then, g)} : `).join('')}${codeOf(otherwise, g)})`
      }
      return derive(ev, type, [...(operand ? [operand] : []), ...whens.flatMap((w) => [w.when, w.then]), otherwise], false, code)
    }
    case 'cast': {
      const a = compileExpr(e.operand, r)
      return derive(castFunction(a.type, e.target, r, e.pos, a.ev), e.target, [a], a.monotonic)
    }
    case 'intervalQualified': {
      qualifiedDifferences++
      let a: Bound
      try {
        a = compileExpr(e.operand, r)
      } finally {
        qualifiedDifferences--
      }
      const f = a.ev
      const unit = e.qualifier.end ?? e.qualifier.start
      const yearMonth = unit === 'YEAR' || unit === 'MONTH'
      if (yearMonth) throw notSupported(r, e.pos, 'a YEAR/MONTH datetime difference')
      const size = unit === 'SECOND' ? 1 : MS[unit as 'DAY']
      return derive((row, t) => {
        const v = f(row, t)
        return v === null ? null : Math.trunc((v as number) / size) * size
      }, {...T.INTERVAL_DAY_TIME, fields: {start: e.qualifier.start, end: e.qualifier.end}}, [a], a.monotonic || a.rowtimeOnly)
    }
    case 'call':
      return compileCall(e, r)
  }
  throw exprError(r, (e as {pos: Pos}).pos, 'unsupported expression')
}

export function unifyTypes(a: SqlType, b: SqlType): SqlType {
  if (isNullType(a)) return b
  if (isNullType(b)) return a
  if (isNumericType(a) && isNumericType(b)) return numericResult(a, b)
  if (isStringType(a) && isStringType(b)) return {name: 'VARCHAR', length: Math.max(a.length ?? 0, b.length ?? 0) || undefined}
  return a
}

function compileBinary(e: Extract<Expr, {type: 'binary'}>, r: Resolver): Bound {
  const a = compileExpr(e.left, r)
  const b = compileExpr(e.right, r)
  const fa = a.ev
  const fb = b.ev
  const parts = [a, b]
  switch (e.op) {
    case 'AND':
      return derive((row, t) => {
        const x = fa(row, t)
        if (x === false) return false
        const y = fb(row, t)
        if (y === false) return false
        return x === null || y === null ? null : true
      }, T.BOOLEAN, parts, false, logicCode(a, b, 'false'))
    case 'OR':
      return derive((row, t) => {
        const x = fa(row, t)
        if (x === true) return true
        const y = fb(row, t)
        if (y === true) return true
        return x === null || y === null ? null : false
      }, T.BOOLEAN, parts, false, logicCode(a, b, 'true'))
    case '=':
      return nullSafeBinary(a, b, '===', T.BOOLEAN)
    case '<>':
      return nullSafeBinary(a, b, '!==', T.BOOLEAN)
    case '<':
      return nullSafeBinary(a, b, '<', T.BOOLEAN)
    case '<=':
      return nullSafeBinary(a, b, '<=', T.BOOLEAN)
    case '>':
      return nullSafeBinary(a, b, '>', T.BOOLEAN)
    case '>=':
      return nullSafeBinary(a, b, '>=', T.BOOLEAN)
    case '||':
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        if (x === null || y === null) return null
        return (typeof x === 'string' ? x : toText(x, a.type)) + (typeof y === 'string' ? y : toText(y, b.type))
      }, {name: 'VARCHAR', length: (a.type.length ?? 0) + (b.type.length ?? 0) || undefined}, parts, false, (g) => {
        const [x, y, text] = [g.temp(), g.temp(), g.bind(toText)]
        const asText = (v: string, type: SqlType) => `(typeof ${v} === 'string' ? ${v} : ${text}(${v}, ${g.bind(type)}))`
        return `(${x} = ${codeOf(a, g)}, ${y} = ${codeOf(b, g)}, ${x} === null || ${y} === null ? null : ${asText(x, a.type)} + ${asText(y, b.type)})`
      })
  }
  return compileArithmetic(e, a, b, r)
}

function compileArithmetic(e: Extract<Expr, {type: 'binary'}>, a: Bound, b: Bound, r: Resolver): Bound {
  const fa = a.ev
  const fb = b.ev
  const parts = [a, b]
  const ta = a.type
  const tb = b.type
  const mono = (a.monotonic || a.rowtimeOnly) && b.constant
  const bad = () => exprError(r, e.pos, `cannot apply '${e.op}' to ${formatSqlType(ta)} and ${formatSqlType(tb)}`)
  if (isNullType(ta) || isNullType(tb)) return konst(null, isNullType(ta) ? tb : ta)
  // Datetime and interval arithmetic
  if (isTemporal(ta) || isTemporal(tb) || isInterval(ta) || isInterval(tb)) {
    if (e.op === '-' && isTemporal(ta) && isTemporal(tb)) {
      if (ta.name !== tb.name) throw exprError(r, e.pos, 'Parameters must be of the same type')
      if (qualifiedDifferences === 0) {
        throw exprError(r, e.pos, `Cannot apply '-' to arguments of type '<${ta.name}> - <${tb.name}>': a datetime difference needs an interval qualifier`, [
          `write (a - b) SECOND, (a - b) DAY TO SECOND, ...`,
        ])
      }
      // A bare difference; `(a - b) SECOND` gives it its interval qualifier.
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        return x === null || y === null ? null : (x as number) - (y as number)
      }, T.INTERVAL_DAY_TIME, parts, mono)
    }
    if ((e.op === '+' || e.op === '-') && isTemporal(ta) && isInterval(tb)) {
      const sign = e.op === '+' ? 1 : -1
      const ym = tb.name === 'INTERVAL_YEAR_MONTH'
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        if (x === null || y === null) return null
        return ym ? addMonths(x as number, sign * (y as number)) : (x as number) + sign * (y as number)
      }, ta, parts, mono)
    }
    if (e.op === '+' && isInterval(ta) && isTemporal(tb)) {
      const ym = ta.name === 'INTERVAL_YEAR_MONTH'
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        if (x === null || y === null) return null
        return ym ? addMonths(y as number, x as number) : (x as number) + (y as number)
      }, tb, parts)
    }
    if ((e.op === '+' || e.op === '-') && isInterval(ta) && isInterval(tb) && ta.name === tb.name) {
      const sign = e.op === '+' ? 1 : -1
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        return x === null || y === null ? null : (x as number) + sign * (y as number)
      }, {...ta, fields: widerFields(ta.fields, tb.fields)}, parts)
    }
    if ((e.op === '*' || e.op === '/') && isInterval(ta) && isNumericType(tb)) {
      const div = e.op === '/'
      const ym = ta.name === 'INTERVAL_YEAR_MONTH'
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        if (x === null || y === null) return null
        const v = div ? (x as number) / (y as number) : (x as number) * (y as number)
        return ym ? Math.trunc(v) : v
      }, ta, parts, mono)
    }
    if (e.op === '*' && isNumericType(ta) && isInterval(tb)) {
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        return x === null || y === null ? null : (x as number) * (y as number)
      }, tb, parts)
    }
    throw bad()
  }
  if (!isNumericType(ta) || !isNumericType(tb)) throw bad()
  const type = numericResult(ta, tb)
  const integer = isIntegerType(type)
  switch (e.op) {
    case '+':
      return nullSafeBinary(a, b, '+', type, mono)
    case '-':
      return nullSafeBinary(a, b, '-', type, mono)
    case '*':
      return nullSafeBinary(a, b, '*', type, mono)
    case '/':
      return derive(integer
        ? (row, t) => {
            const x = fa(row, t)
            const y = fb(row, t)
            if (x === null || y === null) return null
            if (y === 0) throw new RowError('division by zero')
            return Math.trunc((x as number) / (y as number))
          }
        : (row, t) => {
            const x = fa(row, t)
            const y = fb(row, t)
            if (x === null || y === null) return null
            if (y === 0 && type.name === 'DECIMAL') throw new RowError('division by zero')
            return (x as number) / (y as number)
          }, type, parts, mono)
    case '%':
      return derive((row, t) => {
        const x = fa(row, t)
        const y = fb(row, t)
        if (x === null || y === null) return null
        if (y === 0) throw new RowError('division by zero')
        return (x as number) % (y as number)
      }, type, parts)
  }
  throw bad()
}

let qualifiedDifferences = 0

const DAY_TIME_FIELDS = ['DAY', 'HOUR', 'MINUTE', 'SECOND']

function widerFields(a: SqlType['fields'], b: SqlType['fields']): SqlType['fields'] {
  if (!a || !b) return a ?? b
  const idx = (u: string | undefined) => DAY_TIME_FIELDS.indexOf(u ?? '')
  const start = idx(a.start) <= idx(b.start) ? a.start : b.start
  const end = Math.max(idx(a.end ?? a.start), idx(b.end ?? b.start))
  return end > DAY_TIME_FIELDS.indexOf(start) ? {start, end: DAY_TIME_FIELDS[end]} : {start}
}

/** How KDA prints a day-time interval: a sign, the leading field unpadded, then `HH`, `:MM`, `:SS`. */
function dayTimeText(fields: SqlType['fields']): (ms: number) => string {
  const from = Math.max(0, DAY_TIME_FIELDS.indexOf(fields?.start ?? 'DAY'))
  const to = Math.max(from, DAY_TIME_FIELDS.indexOf(fields?.end ?? fields?.start ?? 'SECOND'))
  const sizes = [86_400_000, 3_600_000, 60_000, 1000]
  return (ms) => {
    let rest = Math.abs(ms)
    let out = ms < 0 ? '-' : '+'
    for (let k = from; k <= to; k++) {
      const value = Math.floor(rest / sizes[k])
      rest -= value * sizes[k]
      if (k > from) out += k === 1 ? ' ' : ':'
      out += k === from ? String(value) : String(value).padStart(2, '0')
    }
    if (to === 3 && rest !== 0) out += '.' + String(rest).padStart(3, '0')
    return out
  }
}

function yearMonthText(months: number): string {
  const m = Math.abs(months)
  return `${months < 0 ? '-' : '+'}${Math.floor(m / 12)}-${String(m % 12).padStart(2, '0')}`
}

/** A per-row evaluation error (division by zero...): the row goes to the error stream, the run goes on. */
export class RowError extends Error {}

function compileLike(e: Extract<Expr, {type: 'like'}>, r: Resolver): Bound {
  const a = compileExpr(e.operand, r)
  const p = compileExpr(e.pattern, r)
  const esc = e.escape ? compileExpr(e.escape, r) : undefined
  const fa = a.ev
  const toRegex = e.op === 'LIKE' ? likeToRegex : similarToRegex
  if (p.constant && (!esc || esc.constant)) {
    const pat = p.ev([], 0)
    const escape = esc ? (esc.ev([], 0) as string | null) : undefined
    if (pat === null || escape === null) return konst(null, T.BOOLEAN)
    let re: RegExp
    try {
      re = toRegex(String(pat), escape)
    } catch (error) {
      throw exprError(r, e.pattern.pos, `invalid ${e.op === 'LIKE' ? 'LIKE' : 'SIMILAR TO'} pattern '${String(pat)}': ${(error as Error).message}`)
    }
    return derive((row, t) => {
      const v = fa(row, t)
      if (v === null) return null
      const m = re.test(v as string)
      return e.negated ? !m : m
    }, T.BOOLEAN, [a, p])
  }
  const fp = p.ev
  const fe = esc?.ev
  return derive((row, t) => {
    const v = fa(row, t)
    const pat = fp(row, t)
    const escape = fe ? (fe(row, t) as string | null) : undefined
    if (v === null || pat === null || escape === null) return null
    const m = toRegex(String(pat), escape).test(v as string)
    return e.negated ? !m : m
  }, T.BOOLEAN, [a, p, ...(esc ? [esc] : [])])
}

const reEscape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function likeToRegex(pattern: string, escape?: string): RegExp {
  if (escape !== undefined && escape.length !== 1) throw new Error('the ESCAPE string must be one character')
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (escape !== undefined && c === escape) {
      const next = pattern[++i]
      if (next === undefined) throw new Error('pattern ends with the escape character')
      out += reEscape(next)
    } else if (c === '%') out += '[\\s\\S]*'
    else if (c === '_') out += '[\\s\\S]'
    else out += reEscape(c)
  }
  return new RegExp(`^${out}$`, 'u')
}

/** SQL SIMILAR TO → an anchored JS regex (`%` `_` wildcards, `|` `*` `+` `?` `{}` `()` `[]`, `[a-e^c]` set subtraction). */
export function similarToRegex(pattern: string, escape?: string): RegExp {
  return new RegExp(`^(?:${similarBody(pattern, escape)})$`, 'u')
}

function similarBody(pattern: string, escape?: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (escape !== undefined && c === escape) {
      const next = pattern[++i]
      if (next === undefined) throw new Error('pattern ends with the escape character')
      out += reEscape(next)
      continue
    }
    switch (c) {
      case '%':
        out += '[\\s\\S]*'
        break
      case '_':
        out += '[\\s\\S]'
        break
      case '[': {
        const close = pattern.indexOf(']', i + 1)
        if (close < 0) throw new Error('unclosed [')
        let body = pattern.slice(i + 1, close)
        let negate = false
        if (body.startsWith('^')) {
          negate = true
          body = body.slice(1)
        }
        if (/[()]/.test(body)) throw new Error('parentheses are not allowed in a character set')
        const caret = body.indexOf('^')
        if (caret > 0) {
          const inSet = body.slice(0, caret)
          const notIn = body.slice(caret + 1)
          out += `(?![${notIn.replace(/\\/g, '\\\\')}])[${inSet.replace(/\\/g, '\\\\')}]`
        } else out += `[${negate ? '^' : ''}${body.replace(/\\/g, '\\\\')}]`
        i = close
        break
      }
      case '(':
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ',':
        out += c === ',' ? ',' : c
        break
      default:
        out += reEscape(c)
    }
  }
  return out
}

/** How a value reads as text (`||`, CAST to VARCHAR): timestamps as `YYYY-MM-DD HH:MM:SS.mmm`. */
export function toText(v: SqlValue, type: SqlType): string {
  if (v === null) return 'null'
  switch (type.name) {
    case 'TIMESTAMP':
      return formatTimestamp(v as number)
    case 'DATE':
      return formatDate(v as number)
    case 'TIME':
      return formatTimestamp(v as number).slice(11)
    case 'BOOLEAN':
      return v ? 'TRUE' : 'FALSE'
    case 'INTERVAL_DAY_TIME':
      return String(v)
    default:
      if (typeof v === 'number') return numberText(v, type)
      return String(v)
  }
}

function numberText(v: number, type: SqlType): string {
  if (isIntegerType(type)) return String(Math.trunc(v))
  if (type.name === 'DOUBLE' || type.name === 'REAL') {
    if (Number.isInteger(v)) return v.toFixed(1)
    return String(v)
  }
  if (type.name === 'DECIMAL' && type.scale !== undefined) return v.toFixed(type.scale)
  return String(v)
}

function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v)
}

export function castFunction(from: SqlType, to: SqlType, r: Resolver, pos: Pos, f: Eval): Eval {
  if (isNullType(from)) return () => null
  const fromName = from.name
  const target = to.name
  const fail = () => exprError(r, pos, `cannot CAST ${formatSqlType(from)} to ${formatSqlType(to)}`)
  if (isNumericType(to)) {
    if (isNumericType(from)) {
      if (isIntegerType(to) && !isIntegerType(from)) return (row, t) => {
        const v = f(row, t)
        return v === null ? null : roundHalfAway(v as number)
      }
      return f
    }
    if (isStringType(from)) return (row, t) => {
      const v = f(row, t)
      if (v === null) return null
      const text = (v as string).trim()
      const n = text === '' ? Number.NaN : Number(text)
      if (Number.isNaN(n)) throw new RowError(`cannot CAST '${v as string}' to ${formatSqlType(to)}`)
      return isIntegerType(to) ? roundHalfAway(n) : n
    }
    if (fromName === 'INTERVAL_DAY_TIME') return f
    if (fromName === 'BOOLEAN') return (row, t) => {
      const v = f(row, t)
      return v === null ? null : v ? 1 : 0
    }
    throw fail()
  }
  if (isStringType(to)) {
    const length = to.length
    if (isInterval(from)) {
      const text = from.name === 'INTERVAL_YEAR_MONTH' ? yearMonthText : dayTimeText(from.fields)
      return (row, t) => {
        const v = f(row, t)
        if (v === null) return null
        const s = text(v as number)
        return length !== undefined && s.length > length ? s.slice(0, length) : s
      }
    }
    const pad = target === 'CHAR'
    return (row, t) => {
      const v = f(row, t)
      if (v === null) return null
      let s = toText(v, from)
      if (length !== undefined) {
        if (s.length > length) {
          if (fromName === 'DATE' || fromName === 'TIMESTAMP' || fromName === 'TIME') throw new RowError(`${s} does not fit ${formatSqlType(to)}`)
          s = s.slice(0, length)
        } else if (pad && s.length < length) s = s.padEnd(length)
      }
      return s
    }
  }
  if (target === 'TIMESTAMP' || target === 'DATE') {
    const toDate = target === 'DATE'
    if (isStringType(from)) return (row, t) => {
      const v = f(row, t)
      if (v === null) return null
      const ms = parseTimestampText(v as string)
      if (ms === undefined) throw new RowError(`cannot CAST '${v as string}' to ${target}`)
      return toDate ? Math.floor(ms / 86_400_000) * 86_400_000 : ms
    }
    if (fromName === 'TIMESTAMP' || fromName === 'DATE') return toDate ? (row, t) => {
      const v = f(row, t)
      return v === null ? null : Math.floor((v as number) / 86_400_000) * 86_400_000
    } : f
    if (isNumericType(from)) return f
    throw fail()
  }
  if (target === 'TIME') {
    if (fromName === 'TIMESTAMP') return (row, t) => {
      const v = f(row, t)
      return v === null ? null : (((v as number) % 86_400_000) + 86_400_000) % 86_400_000
    }
    if (isStringType(from)) return (row, t) => {
      const v = f(row, t)
      if (v === null) return null
      const ms = parseTimeText(v as string)
      if (ms === undefined) throw new RowError(`cannot CAST '${v as string}' to TIME`)
      return ms
    }
    if (fromName === 'TIME') return f
    throw fail()
  }
  if (target === 'BOOLEAN') {
    if (fromName === 'BOOLEAN') return f
    if (isStringType(from)) return (row, t) => {
      const v = f(row, t)
      if (v === null) return null
      const s = (v as string).trim().toUpperCase()
      if (s === 'TRUE') return true
      if (s === 'FALSE') return false
      throw new RowError(`cannot CAST '${v as string}' to BOOLEAN`)
    }
    throw fail()
  }
  throw notSupported(r, pos, `CAST to ${formatSqlType(to)}`)
}

// ---------------------------------------------------------------------------------------------
// Scalar functions

function requireArgs(r: Resolver, call: FunctionCall, min: number, max = min): void {
  if (call.args.length < min || call.args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`
    throw exprError(r, call.pos, `${call.name} takes ${expected} argument${max === 1 ? '' : 's'}, found ${call.args.length}`)
  }
}

function nullSafe1(f: Eval, g: (v: SqlValue) => SqlValue): Eval {
  return (row, t) => {
    const v = f(row, t)
    return v === null ? null : g(v)
  }
}

function expectType(r: Resolver, pos: Pos, b: Bound, ok: (t: SqlType) => boolean, what: string, fn: string): void {
  if (isNullType(b.type) || ok(b.type)) return
  throw exprError(r, pos, `${fn} expects ${what}, found ${formatSqlType(b.type)}`)
}

function compileCall(call: FunctionCall, r: Resolver): Bound {
  const name = call.name
  if (call.over) {
    if (!r.analytic) throw exprError(r, call.pos, `${name} ... OVER is not allowed here`)
    return r.analytic(call)
  }
  if (AGGREGATES.has(name) && !(name === 'ANY' && call.args.length !== 1)) {
    if (!r.aggregate) throw exprError(r, call.pos, `aggregate ${name} needs GROUP BY, WINDOWED BY STAGGER or an OVER window in a streaming query`)
    return r.aggregate(call)
  }
  if (ANALYTIC_ONLY.has(name)) {
    if (KNOWN_UNSUPPORTED.has(name)) throw notSupported(r, call.pos, name)
    throw exprError(r, call.pos, `${name} requires an OVER clause`)
  }
  if (name === 'CURRENT_ROW_TIMESTAMP' || name === 'CURRENT_TIMESTAMP' || name === 'LOCALTIMESTAMP') {
    return {ev: (_row, t) => t, type: T.TIMESTAMP, rowtimeOnly: true, monotonic: true, constant: false}
  }
  const udf = r.functions?.get(name)
  if (udf) return compileUserFunction(udf, call, r)
  const args = call.args.map((a) => compileExpr(a, r))
  const fs = args.map((a) => a.ev)
  const [f0, f1, f2] = fs
  const pos = call.pos
  switch (name) {
    case 'MONOTONIC': {
      requireArgs(r, call, 1)
      return {...args[0], monotonic: true}
    }
    case 'FLOOR':
    case 'CEIL': {
      requireArgs(r, call, 1)
      const a = args[0]
      const unit = call.unit
      if (unit) {
        if (a.type.name === 'INTERVAL_DAY_TIME') {
          if (unit === 'YEAR' || unit === 'MONTH') throw exprError(r, pos, `${name}(interval TO ${unit}) needs a year-month interval`)
          const size = MS[unit]
          const g = name === 'FLOOR' ? Math.floor : Math.ceil
          return derive(nullSafe1(f0, (v) => g((v as number) / size) * size), a.type, args, a.monotonic || a.rowtimeOnly)
        }
        expectType(r, pos, a, (t) => t.name === 'TIMESTAMP' || t.name === 'DATE' || t.name === 'TIME', 'a datetime or interval', name)
        const g = name === 'FLOOR' ? floorTimestamp : ceilTimestamp
        return derive(nullSafe1(f0, (v) => g(v as number, unit)), a.type, args, a.monotonic || a.rowtimeOnly)
      }
      expectType(r, pos, a, isNumericType, 'a number', name)
      const g = name === 'FLOOR' ? Math.floor : Math.ceil
      return derive(nullSafe1(f0, (v) => g(v as number)), a.type, args, a.monotonic)
    }
    case 'STEP': {
      requireArgs(r, call, 2)
      const [a, b] = args
      if (!b.constant) throw exprError(r, call.args[1].pos, 'STEP needs a constant interval or number after BY')
      const size = b.ev([], 0) as number
      if (!(size > 0)) throw exprError(r, call.args[1].pos, 'STEP needs a positive size')
      if (b.type.name === 'INTERVAL_YEAR_MONTH') {
        return derive(nullSafe1(f0, (v) => addMonths(0, Math.floor(monthsSinceEpoch(v as number) / size) * size)), a.type, args, a.monotonic || a.rowtimeOnly)
      }
      if (isTemporal(a.type) || b.type.name === 'INTERVAL_DAY_TIME') {
        return derive(nullSafe1(f0, (v) => Math.floor((v as number) / size) * size), a.type, args, a.monotonic || a.rowtimeOnly)
      }
      return derive(nullSafe1(f0, (v) => Math.trunc((v as number) / size) * size), a.type, args, a.monotonic)
    }
    case 'EXTRACT': {
      requireArgs(r, call, 1)
      const unit = call.unit!
      const a = args[0]
      if (a.type.name === 'INTERVAL_DAY_TIME') {
        return derive(nullSafe1(f0, (v) => {
          const ms = Math.abs(v as number)
          const sign = (v as number) < 0 ? -1 : 1
          switch (unit) {
            case 'DAY':
              return sign * Math.floor(ms / 86_400_000)
            case 'HOUR':
              return sign * (Math.floor(ms / 3_600_000) % 24)
            case 'MINUTE':
              return sign * (Math.floor(ms / 60_000) % 60)
            case 'SECOND':
              return sign * ((ms % 60_000) / 1000)
            default:
              return null
          }
        }), unit === 'SECOND' ? {name: 'DECIMAL', precision: 5, scale: 3} : T.BIGINT, args)
      }
      return derive(nullSafe1(f0, (v) => extractField(v as number, unit)), unit === 'SECOND' ? {name: 'DECIMAL', precision: 5, scale: 3} : T.BIGINT, args)
    }
    case 'SUBSTRING':
      return compileSubstring(call, args, r)
    case 'POSITION': {
      requireArgs(r, call, 2)
      return derive((row, t) => {
        const a = f0(row, t)
        const b = f1(row, t)
        if (a === null || b === null) return null
        return (b as string).indexOf(a as string) + 1
      }, T.INTEGER, args)
    }
    case 'TRIM': {
      const mode = call.trim ?? 'BOTH'
      const f = f0
      const fc = f1
      return derive((row, t) => {
        const s = f(row, t)
        const c = fc ? fc(row, t) : ' '
        if (s === null || c === null) return null
        let str = s as string
        const ch = c as string
        if (ch.length === 0) return str
        if (mode !== 'TRAILING') while (str.startsWith(ch)) str = str.slice(ch.length)
        if (mode !== 'LEADING') while (str.endsWith(ch)) str = str.slice(0, str.length - ch.length)
        return str
      }, {name: 'VARCHAR', length: args[0].type.length}, args)
    }
    case 'OVERLAY': {
      requireArgs(r, call, 3, 4)
      return derive((row, t) => {
        const s = f0(row, t)
        const p = f1(row, t)
        const from = f2(row, t)
        const len = fs[3] ? fs[3](row, t) : p === null ? null : (p as string).length
        if (s === null || p === null || from === null || len === null) return null
        const str = s as string
        const start = (from as number) - 1
        return str.slice(0, start) + (p as string) + str.slice(start + (len as number))
      }, T.VARCHAR, args)
    }
    case 'UPPER':
    case 'LOWER':
    case 'INITCAP': {
      requireArgs(r, call, 1)
      expectType(r, pos, args[0], isStringType, 'a string', name)
      const g =
        name === 'UPPER'
          ? (v: SqlValue) => (v as string).toUpperCase()
          : name === 'LOWER'
            ? (v: SqlValue) => (v as string).toLowerCase()
            : (v: SqlValue) => (v as string).toLowerCase().replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase())
      return derive(nullSafe1(f0, g), args[0].type, args)
    }
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      requireArgs(r, call, 1)
      return derive(nullSafe1(f0, (v) => (v as string).length), T.INTEGER, args)
    case 'ABS':
      requireArgs(r, call, 1)
      return derive(nullSafe1(f0, (v) => Math.abs(v as number)), args[0].type, args)
    case 'MOD':
      requireArgs(r, call, 2)
      return derive((row, t) => {
        const a = f0(row, t)
        const b = f1(row, t)
        if (a === null || b === null) return null
        if (b === 0) throw new RowError('division by zero')
        return (a as number) % (b as number)
      }, numericResult(args[0].type, args[1].type), args)
    case 'POWER':
      requireArgs(r, call, 2)
      return derive((row, t) => {
        const a = f0(row, t)
        const b = f1(row, t)
        return a === null || b === null ? null : Math.pow(a as number, b as number)
      }, T.DOUBLE, args)
    case 'EXP':
    case 'LN':
    case 'LOG10':
    case 'SQRT': {
      requireArgs(r, call, 1)
      const g = name === 'EXP' ? Math.exp : name === 'LN' ? Math.log : name === 'LOG10' ? Math.log10 : Math.sqrt
      return derive(nullSafe1(f0, (v) => g(v as number)), T.DOUBLE, args)
    }
    case 'COALESCE': {
      requireArgs(r, call, 1, Infinity)
      const type = args.map((a) => a.type).reduce(unifyTypes)
      return derive((row, t) => {
        for (const f of fs) {
          const v = f(row, t)
          if (v !== null) return v
        }
        return null
      }, type, args)
    }
    case 'NULLIF':
      requireArgs(r, call, 2)
      return derive((row, t) => {
        const a = f0(row, t)
        const b = f1(row, t)
        return a !== null && a === b ? null : a
      }, args[0].type, args)
    case 'UNIX_TIMESTAMP':
      requireArgs(r, call, 1)
      expectType(r, pos, args[0], (t) => t.name === 'TIMESTAMP' || t.name === 'DATE', 'a TIMESTAMP', name)
      return derive(f0, T.BIGINT, args, args[0].monotonic || args[0].rowtimeOnly)
    case 'TO_TIMESTAMP':
      requireArgs(r, call, 1)
      expectType(r, pos, args[0], isNumericType, 'a BIGINT of milliseconds', name)
      return derive(f0, T.TIMESTAMP, args, args[0].monotonic || args[0].rowtimeOnly)
    case 'TSDIFF':
      // Blog usage TSDIFF(max, min) as a positive duration: first minus second, in ms.
      requireArgs(r, call, 2)
      return derive((row, t) => {
        const a = f0(row, t)
        const b = f1(row, t)
        return a === null || b === null ? null : (a as number) - (b as number)
      }, T.BIGINT, args)
    case 'CHAR_TO_TIMESTAMP': {
      requireArgs(r, call, 2)
      expectType(r, pos, args[0], isStringType, 'a format string first', name)
      return derive((row, t) => {
        const fmt = f0(row, t)
        const s = f1(row, t)
        if (fmt === null || s === null) return null
        return parseWithPattern(fmt as string, s as string) ?? null
      }, T.TIMESTAMP, args)
    }
    case 'CHAR_TO_DATE':
    case 'CHAR_TO_TIME': {
      // Like CHAR_TO_TIMESTAMP, keeping the date part (midnight) or the time of day.
      requireArgs(r, call, 2)
      expectType(r, pos, args[0], isStringType, 'a format string first', name)
      const toDate = name === 'CHAR_TO_DATE'
      return derive((row, t) => {
        const fmt = f0(row, t)
        const s = f1(row, t)
        if (fmt === null || s === null) return null
        const ms = parseWithPattern(fmt as string, s as string)
        if (ms === undefined) return null
        return toDate ? Math.floor(ms / 86_400_000) * 86_400_000 : ((ms % 86_400_000) + 86_400_000) % 86_400_000
      }, toDate ? T.DATE : T.TIME, args)
    }
    case 'DATE_TO_CHAR':
    case 'TIME_TO_CHAR':
    case 'TIMESTAMP_TO_CHAR': {
      requireArgs(r, call, 2)
      expectType(r, pos, args[0], isStringType, 'a format string first', name)
      if (args[0].constant) {
        const pattern = args[0].ev([], 0)
        if (pattern === null) return konst(null, T.VARCHAR)
        const format = timestampFormatter(pattern as string)
        return derive((row, t) => {
          const v = f1(row, t)
          return v === null ? 'null' : format(v as number)
        }, T.VARCHAR, args)
      }
      return derive((row, t) => {
        const fmt = f0(row, t)
        const v = f1(row, t)
        if (fmt === null) return null
        return v === null ? 'null' : formatWithPattern(fmt as string, v as number)
      }, T.VARCHAR, args)
    }
    case 'REGEX_REPLACE': {
      requireArgs(r, call, 3, 5)
      return derive((row, t) => {
        const s = f0(row, t)
        const re = f1(row, t)
        const rep = f2(row, t)
        if (s === null || re === null || rep === null) return null
        const start = fs[3] ? ((fs[3](row, t) as number) ?? 1) : 1
        const occurrence = fs[4] ? ((fs[4](row, t) as number) ?? 0) : 0
        const str = s as string
        const head = str.slice(0, start - 1)
        let tail = str.slice(start - 1)
        const replacement = (rep as string).replace(/\$(\d)/g, '$$$1')
        if (occurrence === 0) tail = tail.replace(new RegExp(re as string, 'gu'), replacement)
        else {
          let count = 0
          tail = tail.replace(new RegExp(re as string, 'gu'), (m, ...rest) => {
            count++
            if (count !== occurrence) return m
            const groups = rest.slice(0, -2) as string[]
            return replacement.replace(/\$(\d)/g, (_x, g: string) => (g === '0' ? m : (groups[Number(g) - 1] ?? '')))
          })
        }
        return head + tail
      }, T.VARCHAR, args)
    }
  }
  if (KNOWN_UNSUPPORTED.has(name)) throw notSupported(r, pos, name)
  throw exprError(r, pos, `unknown function ${name}`)
}

let expansionDepth = 0

/**
 * A CREATE FUNCTION call is expanded in place: the body with each parameter replaced by its
 * argument, compiled in the caller's scope, then cast to the declared return type.
 */
function compileUserFunction(f: CreateFunction, call: FunctionCall, r: Resolver): Bound {
  if (call.args.length !== f.params.length) {
    throw exprError(r, call.pos, `${f.name} takes ${f.params.length} argument${f.params.length === 1 ? '' : 's'}, found ${call.args.length}`)
  }
  if (expansionDepth > 16) throw exprError(r, call.pos, `function ${f.name} calls itself; KDA SQL functions cannot recurse`)
  const byName = new Map(f.params.map((p, i) => [p.name, call.args[i]]))
  JSON.stringify(f.body, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as Expr).type === 'column') {
      const ref = value as Extract<Expr, {type: 'column'}>
      if (ref.qualifier !== undefined || !byName.has(ref.name)) {
        throw exprError(r, ref.pos, `function ${f.name} refers to ${ref.name}, which is not one of its parameters (${f.params.map((p) => p.name).join(', ') || 'none'})`)
      }
    }
    return value
  })
  const substitute = (e: Expr): Expr =>
    JSON.parse(JSON.stringify(e), (_key, value: unknown) => {
      if (value && typeof value === 'object' && (value as Expr).type === 'column') {
        const ref = value as Extract<Expr, {type: 'column'}>
        if (ref.qualifier === undefined && byName.has(ref.name)) return byName.get(ref.name)
      }
      return value
    }) as Expr
  expansionDepth++
  let body: Bound
  try {
    body = compileExpr(substitute(f.body), r)
  } finally {
    expansionDepth--
  }
  const cast = castFunction(body.type, f.returns, r, call.pos, body.ev)
  if (!f.returnsNullOnNullInput) return {...body, ev: cast, type: f.returns}
  const args = call.args.map((a) => compileExpr(a, r).ev)
  return {
    ...body,
    type: f.returns,
    ev: (row, t) => {
      for (let i = 0; i < args.length; i++) if (args[i](row, t) === null) return null
      return cast(row, t)
    },
  }
}

function compileSubstring(call: FunctionCall, args: Bound[], r: Resolver): Bound {
  const [f0, f1, f2] = args.map((a) => a.ev)
  const type: SqlType = {name: 'VARCHAR', length: args[0].type.length}
  if (call.form === 'similar') {
    return derive((row, t) => {
      const s = f0(row, t)
      const p = f1(row, t)
      const esc = f2(row, t)
      if (s === null || p === null || esc === null) return null
      const marker = `${esc as string}"`
      const parts = (p as string).split(marker)
      if (parts.length !== 3) throw new RowError('SUBSTRING SIMILAR needs a pattern with two escaped double quotes')
      // Not anchored: the doc's SUBSTRING('123456789' SIMILAR '23#"456#"78' ESCAPE '#') is '456'.
      const re = new RegExp(`(?:${similarBody(parts[0], esc as string)})(${similarBody(parts[1], esc as string)})(?:${similarBody(parts[2], esc as string)})`, 'u')
      const m = re.exec(s as string)
      return m ? m[1] : null
    }, type, args)
  }
  if (call.args.length < 2 || call.args.length > 3) throw exprError(r, call.pos, `SUBSTRING takes 2 or 3 arguments, found ${call.args.length}`)
  if (call.form === 'from' && isStringType(args[1].type) && call.args.length === 2) {
    // SUBSTRING(s FROM regex): the first match of a Java-style regular expression.
    return derive((row, t) => {
      const s = f0(row, t)
      const p = f1(row, t)
      if (s === null || p === null) return null
      const m = new RegExp(p as string, 'u').exec(s as string)
      return m ? m[0] : null
    }, type, args)
  }
  const fromForm = call.form === 'from'
  return derive((row, t) => {
    const s = f0(row, t)
    const start = f1(row, t)
    const len = f2 ? f2(row, t) : undefined
    if (s === null || start === null || len === null) return null
    const str = s as string
    let from = start as number
    // The comma form returns NULL past the end (doc table); the FROM form returns ''.
    if (!fromForm && from > str.length) return null
    let count = len === undefined ? Infinity : (len as number)
    if (count < 0) throw new RowError('negative SUBSTRING length')
    if (from < 1) {
      count -= 1 - from
      from = 1
    }
    if (count <= 0) return ''
    return str.substr(from - 1, count === Infinity ? undefined : count)
  }, type, args)
}
