import type {Expr, FromItem, FunctionCall, IntervalQualifier, Query, Select, SelectItem, WindowSpec} from '../sql/ast.js'
import {printExpr, printQualifier} from '../sql/printer.js'
import {formatSqlType, type SqlType} from '../sql/types.js'
import {flinkIdentifier, flinkString, flinkType} from './names.js'
import type {NoteList} from './notes.js'

/**
 * KDA queries as Flink SQL, working on the parser's AST. ROWTIME becomes the processing-time
 * attribute `proc_time` every table and view carries; GROUP BY on a ROWTIME step becomes a
 * tumbling group window (`GROUP BY TUMBLE(proc_time, size)`, the form AWS's own migration
 * examples use, which works on any FROM item); OVER windows get the ORDER BY on time Flink
 * requires; functions are renamed or rewritten per ../shared/kda/flink.md. Whatever changes
 * meaning is noted; whatever has no Flink SQL form throws Untranslatable.
 */

export const TIME_COLUMN = 'proc_time'

/** A construct with no Flink SQL translation (RANDOM_CUT_FOREST, HOTSPOTS, ...). */
export class Untranslatable extends Error {}

export interface StreamShape {
  /** The table or view to read. */
  relation: string
  columns: Array<{name: string; type: SqlType}>
  /** Carries `proc_time`. */
  hasTime: boolean
}

export interface QueryEnvironment {
  /** The Flink relation behind a KDA stream name; throws Untranslatable when it has none. */
  stream(name: string): StreamShape
  /** Told when the SQL reads APPROXIMATE_ARRIVAL_TIME (the source then declares it). */
  usesArrivalTime(): void
  notes: NoteList
}

/** Where a pump's rows go: the target's columns, and the INSERT column list if it had one. */
export interface Projection {
  columns: Array<{name: string; type: SqlType}>
  insertColumns?: string[]
}

interface ScopeEntry {
  /** How KDA SQL names this FROM item (alias, or stream name). */
  qualifier?: string
  timeRef: string
  columns?: Array<{name: string; type: SqlType}>
  joinWindow?: WindowSpec
}

interface TranslatedItem {
  /** As it goes into the SELECT list (with its alias). */
  text: string
  /** The value alone (for casting). */
  value?: string
  type?: SqlType
}

interface GroupWindow {
  size: string
  timeRef: string
}

interface Context {
  scope: ScopeEntry[]
  window?: GroupWindow
  namedWindows: Map<string, WindowSpec>
  usedWindows: Set<string>
  overSpecs: Set<string>
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'FIRST_VALUE', 'LAST_VALUE', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP'])
const SAME_NAME = new Set([
  'ABS', 'MOD', 'POWER', 'EXP', 'LN', 'LOG10', 'SQRT', 'LOWER', 'UPPER', 'INITCAP', 'COALESCE', 'NULLIF', 'CEIL', 'CEILING',
  'CHAR_LENGTH', 'POSITION', 'TRIM', 'OVERLAY', 'EXTRACT', 'ROUND',
])
const NO_TRANSLATION: Record<string, string> = {
  RANDOM_CUT_FOREST: 'RANDOM_CUT_FOREST has no Flink SQL equivalent; AWS runs Random Cut Forest as a DataStream job (amazon-kinesis-data-analytics-examples, AnomalyDetection/RandomCutForest)',
  RANDOM_CUT_FOREST_WITH_EXPLANATION: 'RANDOM_CUT_FOREST_WITH_EXPLANATION has no Flink SQL equivalent; AWS runs Random Cut Forest as a DataStream job',
  HOTSPOTS: 'HOTSPOTS has no Flink SQL equivalent (it needs a custom operator)',
  NTH_VALUE: 'NTH_VALUE has no Flink SQL equivalent',
  EXP_AVG: 'EXP_AVG has no Flink SQL equivalent (a user-defined aggregate could compute it)',
  REGEX_LOG_PARSE: 'REGEX_LOG_PARSE returns a ROW; rewrite with REGEXP_EXTRACT(s, regex, n) per group',
  FAST_REGEX_LOG_PARSER: 'FAST_REGEX_LOG_PARSER returns a ROW; rewrite with REGEXP_EXTRACT',
  W3C_LOG_PARSE: 'W3C_LOG_PARSE returns a ROW; rewrite with SPLIT_INDEX(log, \' \', n)',
  VARIABLE_COLUMN_LOG_PARSE: 'VARIABLE_COLUMN_LOG_PARSE returns a ROW; rewrite with SPLIT_INDEX',
  FIXED_COLUMN_LOG_PARSE: 'FIXED_COLUMN_LOG_PARSE returns a ROW; rewrite with SUBSTRING',
  SYS_LOG_PARSE: 'SYS_LOG_PARSE returns a ROW; rewrite with REGEXP_EXTRACT',
  GROUP_RANK: 'GROUP_RANK has no Flink SQL equivalent; use ROW_NUMBER() OVER (...)',
  EVERY: 'EVERY has no Flink SQL built-in',
  ANY: 'ANY (as an aggregate) has no Flink SQL built-in',
  SOME: 'SOME (as an aggregate) has no Flink SQL built-in',
}
const SECONDS: Partial<Record<IntervalQualifier['start'], number>> = {SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400}
const EPOCH = "TIMESTAMP '1970-01-01 00:00:00'"

// ---------------------------------------------------------------- AST helpers

function visitExpr(e: Expr | undefined, fn: (e: Expr) => void): void {
  if (!e) return
  fn(e)
  switch (e.type) {
    case 'unary':
    case 'isNull':
    case 'isBool':
    case 'cast':
    case 'intervalQualified':
      visitExpr(e.operand, fn)
      break
    case 'binary':
      visitExpr(e.left, fn)
      visitExpr(e.right, fn)
      break
    case 'like':
      visitExpr(e.operand, fn)
      visitExpr(e.pattern, fn)
      visitExpr(e.escape, fn)
      break
    case 'between':
      visitExpr(e.operand, fn)
      visitExpr(e.low, fn)
      visitExpr(e.high, fn)
      break
    case 'inList':
      visitExpr(e.operand, fn)
      e.list.forEach((x) => visitExpr(x, fn))
      break
    case 'case':
      visitExpr(e.operand, fn)
      e.whens.forEach((w) => {
        visitExpr(w.when, fn)
        visitExpr(w.then, fn)
      })
      visitExpr(e.else, fn)
      break
    case 'call':
      e.args.forEach((x) => visitExpr(x, fn))
      break
    default:
      break
  }
}

function selectExprs(s: Select): Expr[] {
  return [...s.items.map((i) => i.expr), ...(s.where ? [s.where] : []), ...(s.groupBy ?? []), ...(s.having ? [s.having] : []), ...(s.stagger?.partitionBy ?? [])]
}

function some(exprs: Expr[], test: (e: Expr) => boolean): boolean {
  let found = false
  for (const e of exprs) visitExpr(e, (x) => (found ||= test(x)))
  return found
}

const isAggregateCall = (e: Expr) => e.type === 'call' && AGGREGATES.has(e.name) && !e.over

function isAggregate(s: Select): boolean {
  return Boolean(s.groupBy?.length || s.stagger) || some([...s.items.map((i) => i.expr), ...(s.having ? [s.having] : [])], isAggregateCall)
}

/** Does this SELECT need a time attribute from its FROM (windows, OVER, ROWTIME, join windows)? */
function needsTime(s: Select): boolean {
  const joinWindow = (f: FromItem): boolean => (f.type === 'join' ? joinWindow(f.left) || joinWindow(f.right) : f.type === 'stream' && Boolean(f.window))
  return (
    Boolean(s.groupBy?.length || s.stagger || s.windows?.length) ||
    joinWindow(s.from) ||
    some(selectExprs(s), (e) => e.type === 'rowtime' || (e.type === 'call' && Boolean(e.over)))
  )
}

function intervalSeconds(e: Expr): number | undefined {
  if (e.type !== 'literal' || e.kind !== 'interval' || e.qualifier.end || !/^\d+(\.\d+)?$/.test(e.text.trim())) return undefined
  const unit = e.qualifier.start === 'MILLISECOND' ? 0.001 : SECONDS[e.qualifier.start]
  return unit === undefined ? undefined : Number(e.text) * unit * (e.negative ? -1 : 1)
}

export function flinkInterval(e: Expr): string {
  if (e.type !== 'literal' || e.kind !== 'interval') throw new Untranslatable(`expected an interval literal, found ${printExpr(e)}`)
  let text = e.text.trim()
  let qualifier: IntervalQualifier = e.qualifier
  if (qualifier.start === 'MILLISECOND' && !qualifier.end) {
    text = String(Number(text) / 1000)
    qualifier = {start: 'SECOND'}
  }
  // Calcite's default leading precision is 2 digits: INTERVAL '120' MINUTE needs MINUTE(3).
  const digits = /^\d+/.exec(text)?.[0].length ?? 0
  if (digits > 2 && qualifier.precision === undefined) qualifier = {...qualifier, precision: digits}
  return `INTERVAL ${e.negative ? '-' : ''}${flinkString(text)} ${printQualifier(qualifier)}`
}

interface TimeBucket {
  onRowtime: boolean
  qualifier?: string
  /** Flink interval text of the bucket size. */
  size: string
  /** The bucketed expression (for event-time buckets). */
  of: Expr
}

/** STEP(t BY i), FLOOR(t TO unit), FLOOR((t - TIMESTAMP '1970-01-01 00:00:00') SECOND / n TO SECOND), MONOTONIC(...) of those. */
function timeBucket(e: Expr): TimeBucket | undefined {
  if (e.type !== 'call') return undefined
  const bucket = (of: Expr, size: string): TimeBucket =>
    of.type === 'rowtime' ? {onRowtime: true, qualifier: of.qualifier, size, of} : {onRowtime: false, size, of}
  if (e.name === 'MONOTONIC' && e.args.length === 1) return timeBucket(e.args[0])
  if (e.name === 'STEP' && e.args.length === 2 && e.args[1].type === 'literal' && e.args[1].kind === 'interval') return bucket(e.args[0], flinkInterval(e.args[1]))
  if (e.name === 'FLOOR' && e.unit && e.args.length === 1) {
    const arg = e.args[0]
    if (arg.type === 'binary' && arg.op === '/' && arg.left.type === 'intervalQualified' && arg.right.type === 'literal' && arg.right.kind === 'number') {
      const diff = arg.left.operand
      if (diff.type === 'binary' && diff.op === '-' && diff.right.type === 'literal' && diff.right.kind === 'timestamp') {
        return bucket(diff.left, `INTERVAL ${flinkString(arg.right.text)} ${arg.left.qualifier.start}`)
      }
    }
    if (arg.type === 'rowtime' || arg.type === 'column' || arg.type === 'call') return bucket(arg, `INTERVAL '1' ${e.unit}`)
  }
  return undefined
}

/** A GROUP BY key that is a time bucket, directly or as a column a FROM subquery defined as one. */
function bucketOfKey(key: Expr, from: FromItem): TimeBucket | undefined {
  const direct = timeBucket(key)
  if (direct) return direct
  if (key.type !== 'column' || from.type !== 'subquery' || from.query.type !== 'select') return undefined
  const item = from.query.items.find((i) => i.alias === key.name)
  return item ? timeBucket(item.expr) : undefined
}

// ---------------------------------------------------------------- expression printing

const PRECEDENCE: Record<string, number> = {OR: 1, AND: 2, '=': 4, '<>': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, '||': 5, '+': 6, '-': 6, '*': 7, '/': 7, '%': 7}
const ARITHMETIC = new Set(['+', '-', '*', '/', '%'])

export class QueryTranslator {
  constructor(private readonly env: QueryEnvironment) {}

  private note(code: Parameters<NoteList['add']>[0], message: string): void {
    this.env.notes.add(code, message)
  }

  private rowtimeNote(): void {
    this.note(
      'rowtime-processing-time',
      'ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application and carried that time through every pump; Flink takes the time again in each operator.',
    )
  }

  translateQuery(q: Query, needTime: boolean, projection?: Projection): string {
    switch (q.type) {
      case 'select':
        return this.translateSelect(q, needTime, projection)
      case 'union':
        return `${this.translateQuery(q.left, needTime, projection)}\nUNION${q.all ? ' ALL' : ''}\n${this.translateQuery(q.right, needTime, projection)}`
      case 'values': {
        const values = `VALUES ${q.rows.map((r) => `(${r.map((e) => this.expr(e, emptyContext())).join(', ')})`).join(', ')}`
        return needTime ? `SELECT *, PROCTIME() AS ${TIME_COLUMN} FROM (${values})` : values
      }
    }
  }

  translateSelect(s: Select, needTime: boolean, projection?: Projection): string {
    const from = this.from(s.from, needsTime(s))
    const ctx: Context = {scope: from.scope, namedWindows: new Map((s.windows ?? []).map((w) => [w.name, w.spec])), usedWindows: new Set(), overSpecs: new Set()}
    const defaultTime = from.scope[0]?.timeRef ?? TIME_COLUMN

    let groupKeys: Expr[] | undefined = s.groupBy
    let distinct = s.distinct
    if (s.stagger) {
      this.rowtimeNote()
      ctx.window = {size: flinkInterval(s.stagger.range), timeRef: defaultTime}
      groupKeys = s.stagger.partitionBy
      this.note(
        'stagger-window',
        'WINDOWED BY STAGGER opened one window per key at its first row; Flink has no such window in SQL, so this is a processing-time TUMBLE window of the same length aligned to the clock (rows of one key may be split across two windows).',
      )
    } else if (s.distinct && !s.groupBy && s.items.some((i) => timeBucket(i.expr)?.onRowtime)) {
      // SELECT DISTINCT with a ROWTIME step among its columns: distinct rows per window.
      groupKeys = s.items.map((i) => i.expr)
      distinct = false
    }
    if (groupKeys) {
      const rowtimeKey = groupKeys.find((k) => timeBucket(k)?.onRowtime)
      if (rowtimeKey) {
        this.rowtimeNote()
        const bucket = timeBucket(rowtimeKey)!
        ctx.window ??= {size: bucket.size, timeRef: this.timeOf(ctx, bucket.qualifier)}
        groupKeys = groupKeys.filter((k) => !(timeBucket(k)?.onRowtime && timeBucket(k)!.size === bucket.size))
      } else if (!ctx.window) {
        const eventKey = groupKeys.find((k) => bucketOfKey(k, s.from))
        if (eventKey) {
          ctx.window = {size: bucketOfKey(eventKey, s.from)!.size, timeRef: defaultTime}
          this.note(
            'event-time-window',
            `GROUP BY ${printExpr(eventKey)} grouped by an event-time bucket that KDA closed when the next bucket began; here a processing-time TUMBLE window of ${ctx.window.size} closes the groups, with the bucket kept as a key.`,
          )
        } else {
          this.note('unwindowed-aggregate', 'GROUP BY without a time window: Flink emits an updated row for every change, which an append-only Kinesis or Firehose table does not accept.')
        }
      }
    }

    const translated = this.items(s.items, ctx)
    const items = (projection ? this.project(translated, projection) : translated).map((i) => i.text)

    const parts: string[] = []
    const where = s.where ? this.expr(s.where, ctx) : undefined
    const keys = [...(ctx.window ? [`TUMBLE(${ctx.window.timeRef}, ${ctx.window.size})`] : []), ...(groupKeys ?? []).map((k) => this.expr(k, ctx))]
    const having = s.having ? this.expr(s.having, ctx) : undefined
    const aggregate = isAggregate(s) || Boolean(ctx.window)
    let wrapForTime = false
    if (needTime) {
      if (ctx.window) items.push(`TUMBLE_PROCTIME(${ctx.window.timeRef}, ${ctx.window.size}) AS ${TIME_COLUMN}`)
      else if (aggregate || distinct) wrapForTime = true
      else items.push(`${defaultTime} AS ${TIME_COLUMN}`)
    }
    parts.push(`SELECT ${distinct ? 'DISTINCT ' : ''}${items.join(',\n  ')}`)
    parts.push(`FROM ${from.sql}`)
    if (where) parts.push(`WHERE ${where}`)
    if (keys.length > 0) parts.push(`GROUP BY ${keys.join(', ')}`)
    if (having) parts.push(`HAVING ${having}`)
    const used = (s.windows ?? []).filter((w) => ctx.usedWindows.has(w.name))
    if (used.length > 0) parts.push(`WINDOW ${used.map((w) => `${flinkIdentifier(w.name)} AS ${this.windowSpec(w.spec, ctx, false)}`).join(', ')}`)
    if (ctx.overSpecs.size > 1) this.note('over-windows-differ', 'Flink requires every OVER aggregate of one SELECT to use the same window; split this query if Flink rejects it.')
    if (s.orderBy) this.note('order-by-dropped', `ORDER BY ${s.orderBy.map((o) => printExpr(o.expr) + (o.descending ? ' DESC' : '')).join(', ')} is dropped: Flink sorts streams only by a time attribute, so rows of one window arrive unsorted.`)
    const sql = parts.join('\n')
    return wrapForTime ? `SELECT *, PROCTIME() AS ${TIME_COLUMN} FROM (\n${indent(sql)}\n)` : sql
  }

  /** Items in the target's column order, cast to its types (KDA converts on insert; Flink needs it said). */
  private project(items: TranslatedItem[], projection: Projection): TranslatedItem[] {
    if (items.some((i) => i.text === '*' || i.text.endsWith('.*'))) return items
    const targets = projection.insertColumns ?? projection.columns.map((c) => c.name)
    if (targets.length !== items.length) {
      throw new Untranslatable(`the query gives ${items.length} columns for ${targets.length} target columns`)
    }
    const byName = new Map(targets.map((name, i) => [name, items[i]]))
    return projection.columns.map((c) => {
      const item = byName.get(c.name)
      const type = flinkType(c.type)
      const alias = flinkIdentifier(c.name)
      if (item === undefined) return {text: `CAST(NULL AS ${type}) AS ${alias}`}
      const value = item.value ?? item.text
      const keepsType =
        (item.type !== undefined && formatSqlType(item.type) === formatSqlType(c.type)) ||
        (/^'.*'$/s.test(value) && (c.type.name === 'VARCHAR' || c.type.name === 'CHAR')) ||
        isCastTo(value, type)
      const cast = keepsType ? value : `CAST(${value} AS ${type})`
      return {text: cast === alias ? cast : `${cast} AS ${alias}`}
    })
  }

  private items(items: SelectItem[], ctx: Context): TranslatedItem[] {
    const out: TranslatedItem[] = []
    for (const item of items) {
      if (item.expr.type === 'star') {
        const qualifier = item.expr.qualifier
        const entries = qualifier === undefined ? ctx.scope : ctx.scope.filter((e) => e.qualifier === qualifier)
        const expandable = entries.length > 0 && entries.every((e) => e.columns)
        if (!expandable) {
          const text = qualifier === undefined ? '*' : `${flinkIdentifier(qualifier)}.*`
          out.push({text, value: text})
          continue
        }
        // KDA's * never includes ROWTIME; here it must not include proc_time either.
        for (const entry of entries) {
          for (const c of entry.columns!) {
            const text = (entry.qualifier && ctx.scope.length > 1 ? `${flinkIdentifier(entry.qualifier)}.` : '') + flinkIdentifier(c.name)
            out.push({text, value: text, type: c.type})
          }
        }
        continue
      }
      const value = this.expr(item.expr, ctx)
      out.push({text: item.alias === undefined ? value : `${value} AS ${flinkIdentifier(item.alias)}`, value, type: this.columnType(item.expr, ctx)})
    }
    return out
  }

  /** The declared type of a plain column reference, when the FROM item's columns are known. */
  private columnType(e: Expr, ctx: Context): SqlType | undefined {
    if (e.type !== 'column') return undefined
    const entries = e.qualifier === undefined ? ctx.scope : ctx.scope.filter((x) => x.qualifier === e.qualifier)
    if (entries.length !== 1) return undefined
    return entries[0].columns?.find((c) => c.name === e.name)?.type
  }

  private timeOf(ctx: Context, qualifier?: string): string {
    if (qualifier !== undefined) {
      const entry = ctx.scope.find((e) => e.qualifier === qualifier)
      if (entry) return entry.timeRef
    }
    return ctx.scope[0]?.timeRef ?? TIME_COLUMN
  }

  // ---------------------------------------------------------------- FROM

  private from(f: FromItem, needTime: boolean): {sql: string; scope: ScopeEntry[]} {
    switch (f.type) {
      case 'stream': {
        const shape = this.env.stream(f.name)
        if (needTime && !shape.hasTime) throw new Untranslatable(`it needs the time of ${f.name}, a stream no pump writes, which has no time attribute in Flink`)
        const name = f.alias ?? f.name
        const sql = flinkIdentifier(shape.relation) + (f.alias === undefined ? '' : ` AS ${flinkIdentifier(f.alias)}`)
        const qualifierText = f.alias === undefined ? flinkIdentifier(shape.relation) : flinkIdentifier(f.alias)
        return {sql, scope: [{qualifier: name, timeRef: `${qualifierText}.${TIME_COLUMN}`, columns: shape.columns, joinWindow: f.window}]}
      }
      case 'subquery': {
        const inner = this.translateQuery(f.query, needTime)
        const alias = f.alias === undefined ? '' : ` AS ${flinkIdentifier(f.alias)}` + (f.columnAliases ? ` (${f.columnAliases.map(flinkIdentifier).join(', ')})` : '')
        return {sql: `(\n${indent(inner)}\n)${alias}`, scope: [{qualifier: f.alias, timeRef: f.alias === undefined ? TIME_COLUMN : `${flinkIdentifier(f.alias)}.${TIME_COLUMN}`}]}
      }
      case 'tableFunction':
        return this.tableFunction(f, needTime)
      case 'join': {
        const left = this.from(f.left, needTime)
        const right = this.from(f.right, needTime)
        const scope = [...left.scope, ...right.scope]
        if (f.kind === 'COMMA') return {sql: `${left.sql},\n  ${right.sql}`, scope}
        const ctx: Context = {scope, namedWindows: new Map(), usedWindows: new Set(), overSpecs: new Set()}
        const conditions = f.on ? [this.expr(f.on, ctx)] : []
        const windowed = scope.filter((e) => e.joinWindow)
        for (const side of windowed) {
          const other = scope.find((e) => e !== side)!
          const frame = side.joinWindow!.frame
          if (frame?.unit === 'RANGE' && typeof frame.preceding === 'object') {
            conditions.push(`${side.timeRef} BETWEEN ${other.timeRef} - ${flinkInterval(frame.preceding)} AND ${other.timeRef}`)
          } else {
            throw new Untranslatable('a join window other than RANGE INTERVAL ... PRECEDING')
          }
        }
        if (windowed.length > 0) {
          this.rowtimeNote()
          this.note('rowtime-join', 'The join window on ROWTIME becomes an interval join on processing time.')
        } else {
          this.note('unwindowed-join', 'KDA joined each row with the other side\'s current row only; Flink\'s regular join keeps every row of both sides in state and matches them all.')
        }
        const keyword = f.kind === 'INNER' ? 'JOIN' : f.kind === 'CROSS' ? 'CROSS JOIN' : `${f.kind} JOIN`
        return {sql: `${left.sql}\n  ${keyword} ${right.sql}${conditions.length ? ` ON ${conditions.join(' AND ')}` : ''}`, scope}
      }
    }
  }

  /**
   * COUNT_DISTINCT_ITEMS_TUMBLING and TOP_K_ITEMS_TUMBLING as exact window queries (KDA estimated
   * them); the other table functions (RANDOM_CUT_FOREST, HOTSPOTS) have no SQL form.
   */
  private tableFunction(f: Extract<FromItem, {type: 'tableFunction'}>, needTime: boolean): {sql: string; scope: ScopeEntry[]} {
    const {name, args} = f.call
    const cursor = args[0]?.type === 'cursor' ? args[0].query : undefined
    const literal = (i: number) => {
      const a = args[i]
      return a?.type === 'expr' && a.expr.type === 'literal' ? a.expr : undefined
    }
    const column = literal(1)?.kind === 'string' ? (literal(1) as {value: string}).value : undefined
    const alias = f.alias ?? name
    if (name === 'COUNT_DISTINCT_ITEMS_TUMBLING' && cursor && column) {
      const seconds = literal(2)?.kind === 'number' ? (literal(2) as {text: string}).text : undefined
      if (!seconds) throw new Untranslatable(`${name} needs its window size in seconds as a number`)
      const size = `INTERVAL ${flinkString(seconds)} SECOND${seconds.length > 2 ? `(${seconds.length})` : ''}`
      this.note('approximate-function', `${name} becomes an exact COUNT(DISTINCT ...) per processing-time TUMBLE window (KDA estimated it above 10,000 items).`)
      this.rowtimeNote()
      const inner = this.translateQuery(cursor, true)
      const sql =
        `(\n  SELECT COUNT(DISTINCT ${flinkIdentifier(column)}) AS NUMBER_OF_DISTINCT_ITEMS` +
        (needTime ? `,\n    TUMBLE_PROCTIME(${TIME_COLUMN}, ${size}) AS ${TIME_COLUMN}` : '') +
        `\n  FROM (\n${indent(inner, '    ')}\n  )\n  GROUP BY TUMBLE(${TIME_COLUMN}, ${size})\n) AS ${flinkIdentifier(alias)}`
      return {sql, scope: [{qualifier: alias, timeRef: `${flinkIdentifier(alias)}.${TIME_COLUMN}`, columns: [{name: 'NUMBER_OF_DISTINCT_ITEMS', type: {name: 'BIGINT'}}]}]}
    }
    if (name === 'TOP_K_ITEMS_TUMBLING' && cursor && column) {
      const k = literal(2)?.kind === 'number' ? (literal(2) as {text: string}).text : undefined
      const seconds = literal(3)?.kind === 'number' ? (literal(3) as {text: string}).text : undefined
      if (!k || !seconds) throw new Untranslatable(`${name} needs K and the window size in seconds as numbers`)
      // Window Top-N needs the window table function, whose input is a table or view by name.
      const simple = cursor.type === 'select' && cursor.from.type === 'stream' && !cursor.groupBy && !cursor.stagger && cursor.items.every((i) => i.expr.type === 'star' || i.expr.type === 'column')
      if (!simple || cursor.type !== 'select' || cursor.from.type !== 'stream') throw new Untranslatable(`${name} over a CURSOR more complex than SELECT STREAM columns FROM one stream [WHERE ...]`)
      const shape = this.env.stream(cursor.from.name)
      const size = `INTERVAL ${flinkString(seconds)} SECOND${seconds.length > 2 ? `(${seconds.length})` : ''}`
      this.note('approximate-function', `${name} becomes an exact window Top-N (ROW_NUMBER over a processing-time TUMBLE window); KDA's counts were approximate.`)
      this.rowtimeNote()
      const ctx: Context = {scope: [{qualifier: cursor.from.alias ?? cursor.from.name, timeRef: TIME_COLUMN, columns: shape.columns}], namedWindows: new Map(), usedWindows: new Set(), overSpecs: new Set()}
      const where = cursor.where ? `\n      WHERE ${this.expr(cursor.where, ctx)}` : ''
      const counts =
        `SELECT window_start, window_end, ${flinkIdentifier(column)} AS ITEM, COUNT(*) AS ITEM_COUNT\n` +
        `      FROM TABLE(TUMBLE(TABLE ${flinkIdentifier(shape.relation)}, DESCRIPTOR(${TIME_COLUMN}), ${size}))${where}\n` +
        `      GROUP BY window_start, window_end, ${flinkIdentifier(column)}`
      const ranked = `SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY ITEM_COUNT DESC) AS rownum\n    FROM (\n      ${counts}\n    )`
      const top = `SELECT ITEM, ITEM_COUNT${needTime ? `, PROCTIME() AS ${TIME_COLUMN}` : ''}\n  FROM (\n    ${ranked}\n  )\n  WHERE rownum <= ${k}`
      return {
        sql: `(\n  ${top}\n) AS ${flinkIdentifier(alias)}`,
        scope: [{qualifier: alias, timeRef: `${flinkIdentifier(alias)}.${TIME_COLUMN}`, columns: [{name: 'ITEM', type: shape.columns.find((c) => c.name === column)?.type ?? {name: 'VARCHAR'}}, {name: 'ITEM_COUNT', type: {name: 'BIGINT'}}]}],
      }
    }
    throw new Untranslatable(NO_TRANSLATION[name] ?? `the table function ${name} has no Flink SQL translation`)
  }

  // ---------------------------------------------------------------- windows

  private windowSpec(spec: WindowSpec, ctx: Context, forOffset: boolean): string {
    const base = spec.base ? ctx.namedWindows.get(spec.base) : undefined
    const partitionBy = [...(base?.partitionBy ?? []), ...spec.partitionBy]
    const frame = spec.frame ?? base?.frame
    const parts: string[] = []
    if (partitionBy.length > 0) parts.push(`PARTITION BY ${partitionBy.map((e) => this.expr(e, ctx)).join(', ')}`)
    parts.push(`ORDER BY ${ctx.scope[0]?.timeRef ?? TIME_COLUMN}`)
    if (!forOffset && frame) {
      if (frame.unit === 'ROWS') {
        parts.push(typeof frame.preceding === 'number' ? `ROWS BETWEEN ${frame.preceding} PRECEDING AND CURRENT ROW` : frame.preceding === 'CURRENT' ? 'ROWS BETWEEN CURRENT ROW AND CURRENT ROW' : 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW')
      } else if (frame.preceding === 'CURRENT') {
        parts.push("RANGE BETWEEN INTERVAL '0' SECOND PRECEDING AND CURRENT ROW")
      } else if (frame.preceding === 'UNBOUNDED') {
        parts.push('RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW')
      } else {
        if (frame.following) throw new Untranslatable('a RANGE ... FOLLOWING window')
        parts.push(`RANGE BETWEEN ${flinkInterval(frame.preceding)} PRECEDING AND CURRENT ROW`)
      }
    }
    return `(${parts.join(' ')})`
  }

  private over(call: FunctionCall, ctx: Context, offset: boolean): string {
    this.rowtimeNote()
    const over = call.over!
    if (over.kind === 'named' && !offset) {
      if (!ctx.namedWindows.has(over.name)) throw new Untranslatable(`the window ${over.name} is not defined`)
      ctx.usedWindows.add(over.name)
      ctx.overSpecs.add(over.name)
      return ` OVER ${flinkIdentifier(over.name)}`
    }
    const spec = over.kind === 'named' ? ctx.namedWindows.get(over.name) : over.spec
    if (!spec) throw new Untranslatable(`the window ${over.kind === 'named' ? over.name : ''} is not defined`)
    const text = this.windowSpec(spec, ctx, offset)
    if (!offset) ctx.overSpecs.add(text)
    const frame = spec.frame ?? (spec.base ? ctx.namedWindows.get(spec.base)?.frame : undefined)
    const offsetRows = call.args[1]?.type === 'literal' && call.args[1].kind === 'number' ? Number(call.args[1].text) : 1
    const frameHoldsOffset = frame?.unit === 'ROWS' && (frame.preceding === 'UNBOUNDED' || (typeof frame.preceding === 'number' && frame.preceding >= offsetRows))
    if (offset && frame && frame.preceding !== 'UNBOUNDED' && !frameHoldsOffset) {
      this.note('lag-frame', `${call.name} looks back over the whole partition in Flink; KDA returned the default once the offset row fell outside the window frame.`)
    }
    return ` OVER ${text}`
  }

  // ---------------------------------------------------------------- expressions

  expr(e: Expr, ctx: Context): string {
    return this.exprAt(e, ctx, 0)
  }

  private exprAt(e: Expr, ctx: Context, parent: number, parentOp?: string, right = false): string {
    const bucket = ctx.window ? timeBucket(e) : undefined
    if (bucket?.onRowtime && bucket.size === ctx.window!.size) {
      this.rowtimeNote()
      return `CAST(TUMBLE_START(${ctx.window!.timeRef}, ${ctx.window!.size}) AS TIMESTAMP(3))`
    }
    switch (e.type) {
      case 'literal':
        switch (e.kind) {
          case 'number':
            return e.text
          case 'string':
            return flinkString(e.value)
          case 'boolean':
            return e.value ? 'TRUE' : 'FALSE'
          case 'null':
            return 'NULL'
          case 'interval':
            return flinkInterval(e)
          default:
            return `${e.kind.toUpperCase()} ${flinkString(e.text)}`
        }
      case 'column':
        return this.column(e.qualifier, e.name)
      case 'rowtime': {
        this.rowtimeNote()
        if (ctx.window && e.qualifier === undefined) return `CAST(TUMBLE_END(${ctx.window.timeRef}, ${ctx.window.size}) AS TIMESTAMP(3))`
        return `CAST(${this.timeOf(ctx, e.qualifier)} AS TIMESTAMP(3))`
      }
      case 'star':
        return e.qualifier === undefined ? '*' : `${flinkIdentifier(e.qualifier)}.*`
      case 'unary': {
        if (e.op === 'NOT') return wrap(`NOT ${this.exprAt(e.operand, ctx, 3)}`, 3, parent)
        return `${e.op}${this.exprAt(e.operand, ctx, 8)}`
      }
      case 'binary':
        return this.binary(e, ctx, parent, parentOp, right)
      case 'isNull':
        return wrap(`${this.exprAt(e.operand, ctx, 4)} IS ${e.negated ? 'NOT ' : ''}NULL`, 4, parent)
      case 'isBool':
        return wrap(`${this.exprAt(e.operand, ctx, 4)} IS ${e.negated ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'}`, 4, parent)
      case 'like':
        return wrap(
          `${this.exprAt(e.operand, ctx, 4)} ${e.negated ? 'NOT ' : ''}${e.op === 'LIKE' ? 'LIKE' : 'SIMILAR TO'} ${this.exprAt(e.pattern, ctx, 4)}` +
            (e.escape ? ` ESCAPE ${this.expr(e.escape, ctx)}` : ''),
          4,
          parent,
        )
      case 'between':
        return wrap(`${this.exprAt(e.operand, ctx, 4)} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.exprAt(e.low, ctx, 5)} AND ${this.exprAt(e.high, ctx, 5)}`, 4, parent)
      case 'inList':
        return wrap(`${this.exprAt(e.operand, ctx, 4)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x, ctx)).join(', ')})`, 4, parent)
      case 'case':
        return (
          'CASE' +
          (e.operand ? ` ${this.expr(e.operand, ctx)}` : '') +
          e.whens.map((w) => ` WHEN ${this.expr(w.when, ctx)} THEN ${this.expr(w.then, ctx)}`).join('') +
          (e.else ? ` ELSE ${this.expr(e.else, ctx)}` : '') +
          ' END'
        )
      case 'cast':
        return `CAST(${this.expr(e.operand, ctx)} AS ${flinkType(e.target)})`
      case 'intervalQualified': {
        if (e.operand.type === 'binary' && e.operand.op === '-') {
          return `TIMESTAMPDIFF(${e.qualifier.start}, ${this.expr(e.operand.right, ctx)}, ${this.expr(e.operand.left, ctx)})`
        }
        throw new Untranslatable(`the interval expression ${printExpr(e)}`)
      }
      case 'call':
        return this.call(e, ctx)
    }
  }

  private column(qualifier: string | undefined, name: string): string {
    if (qualifier === undefined) {
      switch (name) {
        case 'CURRENT_ROW_TIMESTAMP':
        case 'CURRENT_TIMESTAMP':
        case 'LOCALTIMESTAMP':
          return 'LOCALTIMESTAMP'
        case 'CURRENT_DATE':
        case 'CURRENT_TIME':
        case 'LOCALTIME':
          return name
        default:
          break
      }
    }
    if (name === 'APPROXIMATE_ARRIVAL_TIME') this.env.usesArrivalTime()
    return (qualifier === undefined ? '' : `${flinkIdentifier(qualifier)}.`) + flinkIdentifier(name)
  }

  private binary(e: Extract<Expr, {type: 'binary'}>, ctx: Context, parent: number, parentOp?: string, right = false): string {
    if (e.op === '=' && e.left.type === 'rowtime' && e.right.type === 'rowtime') {
      // Two streams matched on equal ROWTIME (the close of the same window, in KDA).
      this.rowtimeNote()
      this.note('rowtime-join', 'Rows matched on equal ROWTIME (in KDA, results of the same window); processing times never match exactly, so this joins rows whose processing times are within one second of each other.')
      const a = this.timeOf(ctx, e.left.qualifier)
      const b = this.timeOf(ctx, e.right.qualifier)
      return wrap(`${a} BETWEEN ${b} - INTERVAL '1' SECOND AND ${b} + INTERVAL '1' SECOND`, 4, parent)
    }
    const op = e.op === '%' ? undefined : e.op
    if (op === undefined) return `MOD(${this.expr(e.left, ctx)}, ${this.expr(e.right, ctx)})`
    const precedence = PRECEDENCE[op]
    const text = `${this.exprAt(e.left, ctx, precedence, op)} ${op} ${this.exprAt(e.right, ctx, precedence, op, true)}`
    const mixed = parentOp !== undefined && ((parentOp === '||' && ARITHMETIC.has(op)) || (ARITHMETIC.has(parentOp) && op === '||'))
    const sameLevelRight = right && precedence === parent && (parentOp === '-' || parentOp === '/' || parentOp === '%')
    return mixed || sameLevelRight || precedence < parent ? `(${text})` : text
  }

  private call(e: FunctionCall, ctx: Context): string {
    const args = () => e.args.map((a) => this.expr(a, ctx))
    const name = e.name
    if (NO_TRANSLATION[name]) throw new Untranslatable(NO_TRANSLATION[name])
    switch (name) {
      case 'MONOTONIC':
        return this.expr(e.args[0], ctx)
      case 'STEP':
        return this.step(e, ctx)
      case 'FLOOR':
      case 'CEIL':
      case 'CEILING':
        return e.unit ? `${name}(${this.expr(e.args[0], ctx)} TO ${e.unit})` : `${name}(${args().join(', ')})`
      case 'CHAR_TO_TIMESTAMP':
        return `TO_TIMESTAMP(${this.expr(e.args[1], ctx)}, ${this.parseFormat(e.args[0], ctx)})`
      case 'CHAR_TO_DATE':
        return `CAST(TO_TIMESTAMP(${this.expr(e.args[1], ctx)}, ${this.parseFormat(e.args[0], ctx)}) AS DATE)`
      case 'CHAR_TO_TIME':
        return `CAST(TO_TIMESTAMP(${this.expr(e.args[1], ctx)}, ${this.parseFormat(e.args[0], ctx)}) AS TIME(3))`
      case 'TIMESTAMP_TO_CHAR':
      case 'DATE_TO_CHAR':
      case 'TIME_TO_CHAR':
        return `DATE_FORMAT(${this.expr(e.args[1], ctx)}, ${this.expr(e.args[0], ctx)})`
      case 'UNIX_TIMESTAMP':
        // KDA: milliseconds since the epoch; Flink's UNIX_TIMESTAMP gives seconds of a string.
        return `CAST(TIMESTAMPDIFF(SECOND, ${EPOCH}, ${this.expr(e.args[0], ctx)}) AS BIGINT) * 1000`
      case 'TO_TIMESTAMP':
        return `CAST(TO_TIMESTAMP_LTZ(${this.expr(e.args[0], ctx)}, 3) AS TIMESTAMP(3))`
      case 'TSDIFF':
        return `CAST(TIMESTAMPDIFF(SECOND, ${this.expr(e.args[1], ctx)}, ${this.expr(e.args[0], ctx)}) AS BIGINT) * 1000`
      case 'REGEX_REPLACE': {
        const [s, re, rep, start, occurrence] = args()
        if ((start !== undefined && start !== '1') || (occurrence !== undefined && occurrence !== '0')) {
          this.note('regex-replace-arguments', `REGEX_REPLACE's start position ${start} and occurrence ${occurrence} have no Flink counterpart: REGEXP_REPLACE replaces every match.`)
        }
        return `REGEXP_REPLACE(${s}, ${re}, ${rep})`
      }
      case 'CHARACTER_LENGTH':
        return `CHAR_LENGTH(${args().join(', ')})`
      case 'SUBSTRING': {
        if (e.form === 'similar') throw new Untranslatable('SUBSTRING ... SIMILAR ... ESCAPE')
        const a = args()
        return `SUBSTRING(${a[0]} FROM ${a[1]}${a[2] === undefined ? '' : ` FOR ${a[2]}`})`
      }
      case 'POSITION':
        return `POSITION(${this.expr(e.args[0], ctx)} IN ${this.expr(e.args[1], ctx)})`
      case 'EXTRACT':
        return `EXTRACT(${e.unit} FROM ${this.expr(e.args[0], ctx)})`
      case 'TRIM': {
        const a = args()
        return `TRIM(${e.trim ?? 'BOTH'} ${a[1] === undefined ? '' : `${a[1]} `}FROM ${a[0]})`
      }
      case 'OVERLAY': {
        const a = args()
        return `OVERLAY(${a[0]} PLACING ${a[1]} FROM ${a[2]}${a[3] === undefined ? '' : ` FOR ${a[3]}`})`
      }
      case 'LAG': {
        if (!e.over) throw new Untranslatable('LAG without OVER')
        if (e.nulls === 'IGNORE') {
          this.note('lag-ignore-nulls', 'LAG ... IGNORE NULLS skipped NULL values in KDA; Flink\'s LAG has no IGNORE NULLS and returns the previous row\'s value even when it is NULL.')
        }
        return `LAG(${args().join(', ')})${this.over(e, ctx, true)}`
      }
      default:
        break
    }
    if (AGGREGATES.has(name)) {
      if ((name === 'FIRST_VALUE' || name === 'LAST_VALUE') && e.nulls !== 'IGNORE') {
        // KDA's default is RESPECT NULLS; Flink's FIRST_VALUE/LAST_VALUE always skip NULL inputs.
        this.note('respect-nulls', `${name} kept NULL values in KDA (RESPECT NULLS is its default); Flink's ${name} skips them, as IGNORE NULLS would.`)
      }
      const inner = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${args().join(', ')}`
      return `${name}(${inner})${e.over ? this.over(e, ctx, false) : ''}`
    }
    if (!SAME_NAME.has(name)) {
      this.note('unknown-function', `${name} is passed through unchanged: check that Flink has a function of that name (or register one).`)
    }
    return `${name}(${args().join(', ')})${e.over ? this.over(e, ctx, false) : ''}`
  }

  /**
   * A CHAR_TO_TIMESTAMP format for Flink's TO_TIMESTAMP, which parses with java.time's
   * DateTimeFormatter: there `z` is a zone name only, while SimpleDateFormat's `z` (KDA) also read
   * numeric offsets such as Apache's `+0000`, which DateTimeFormatter reads with `Z`.
   */
  private parseFormat(format: Expr, ctx: Context): string {
    if (format.type !== 'literal' || format.kind !== 'string') return this.expr(format, ctx)
    // Letters between single quotes are literal text in both pattern languages.
    const converted = format.value.replace(/('[^']*')|z+/g, (_match, quoted: string | undefined) => quoted ?? 'Z')
    if (converted !== format.value) {
      this.note(
        'time-format',
        `The time format ${flinkString(format.value)} becomes ${flinkString(converted)}: Flink's TO_TIMESTAMP reads a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).`,
      )
    }
    return flinkString(converted)
  }

  /** STEP(x BY interval) outside a window: epoch-aligned round-down, written with Flink's date functions. */
  private step(e: FunctionCall, ctx: Context): string {
    const [value, by] = e.args
    const x = this.expr(value, ctx)
    if (by.type === 'literal' && by.kind === 'interval') {
      const seconds = intervalSeconds(by)
      if (seconds === undefined || seconds <= 0 || !Number.isInteger(seconds)) throw new Untranslatable(`STEP by ${printExpr(by)} (only whole seconds, minutes, hours and days translate)`)
      if (by.text.trim() === '1') return `FLOOR(${x} TO ${by.qualifier.start})`
      return `TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, ${EPOCH}, ${x}), ${seconds}), FLOOR(${x} TO SECOND))`
    }
    const n = this.expr(by, ctx)
    return `(${x} - MOD(${x}, ${n}))`
  }
}

/** `CAST(... AS type)` as one whole call (not `CAST(a AS INT) + CAST(b AS INT)`). */
function isCastTo(value: string, type: string): boolean {
  if (!value.startsWith('CAST(') || !value.endsWith(` AS ${type})`)) return false
  let depth = 0
  for (let i = 4; i < value.length; i++) {
    if (value[i] === '(') depth++
    else if (value[i] === ')' && --depth === 0) return i === value.length - 1
  }
  return false
}

function emptyContext(): Context {
  return {scope: [], namedWindows: new Map(), usedWindows: new Set(), overSpecs: new Set()}
}

function wrap(text: string, precedence: number, parent: number): string {
  return precedence < parent ? `(${text})` : text
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n')
}

/** KDA names every in-application stream a query reads (FROM, joins, subqueries, cursors). */
export function streamsRead(q: Query): string[] {
  const names: string[] = []
  const fromItem = (f: FromItem): void => {
    switch (f.type) {
      case 'stream':
        names.push(f.name)
        break
      case 'subquery':
        query(f.query)
        break
      case 'tableFunction':
        for (const a of f.call.args) if (a.type === 'cursor') query(a.query)
        break
      case 'join':
        fromItem(f.left)
        fromItem(f.right)
        break
    }
  }
  const query = (x: Query): void => {
    if (x.type === 'select') fromItem(x.from)
    else if (x.type === 'union') {
      query(x.left)
      query(x.right)
    }
  }
  query(q)
  return [...new Set(names)]
}

/** Column names the SQL uses on a stream (qualified by its name or alias, or unqualified when it is the only FROM item). */
export function columnsUsedOn(q: Query, stream: string): string[] {
  const found: string[] = []
  const add = (name: string) => {
    if (!found.includes(name) && name !== 'APPROXIMATE_ARRIVAL_TIME') found.push(name)
  }
  const select = (s: Select): void => {
    const qualifiers = new Set<string>()
    let only = false
    const fromItem = (f: FromItem, top: boolean): void => {
      if (f.type === 'stream' && f.name === stream) {
        qualifiers.add(f.alias ?? f.name)
        if (top) only = true
      } else if (f.type === 'subquery') {
        query(f.query)
      } else if (f.type === 'tableFunction') {
        for (const a of f.call.args) if (a.type === 'cursor') query(a.query)
      } else if (f.type === 'join') {
        fromItem(f.left, false)
        fromItem(f.right, false)
      }
    }
    fromItem(s.from, true)
    if (qualifiers.size === 0) return
    // Unqualified names may be the SELECT's own aliases (GROUP BY page_count), not source columns.
    const aliases = new Set(s.items.map((i) => i.alias).filter((a) => a !== undefined))
    const exprs = [...selectExprs(s), ...(s.windows ?? []).flatMap((w) => w.spec.partitionBy)]
    for (const e of exprs) {
      visitExpr(e, (x) => {
        if (x.type !== 'column') return
        if (x.qualifier !== undefined ? qualifiers.has(x.qualifier) : only && !aliases.has(x.name)) add(x.name)
      })
    }
  }
  const query = (x: Query): void => {
    if (x.type === 'select') select(x)
    else if (x.type === 'union') {
      query(x.left)
      query(x.right)
    }
  }
  query(q)
  return found
}
