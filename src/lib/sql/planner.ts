import {InputError, NotSupportedError} from '../core/errors.js'
import {accumulatorFor} from './aggregates.js'
import type {CreateFunction, Expr, FromItem, FunctionCall, Pos, Query, Select, WindowSpec} from './ast.js'
import {AGGREGATES, type Bound, compileExpr, type Resolver, T, unifyTypes} from './compile.js'
import {
  type AggregateSpec,
  type AnalyticCall,
  type AnalyticGroup,
  AnalyticSet,
  DistinctOperator,
  type Frame,
  GroupAggregateOperator,
  JoinOperator,
  ProjectOperator,
  type Registry,
  type Sink,
  SortOperator,
  type SortKey,
  StaggerOperator,
  TumblingItemsOperator,
} from './operators.js'
import {printExpr} from './printer.js'
import {RandomCutForestOperator} from './rcf.js'
import {formatSqlType, isIntegerType, isNumericType, type SqlType, type SqlValue} from './types.js'

/**
 * The binder/planner: resolves names and types against the in-application streams, turns each
 * query into a tree of plan nodes (shown by `app explain`), and builds the streaming operators
 * for a runtime. KDA-specific syntax (STEP, STAGGER, MONOTONIC, window clauses) is understood
 * here; the operators only see closures and window parameters.
 */
export interface OutColumn {
  name: string
  type: SqlType
  monotonic: boolean
  /** The column carries the row's own ROWTIME (e.g. `SELECT STREAM ROWTIME AS t`). */
  rowtimeAlias: boolean
}

export interface BuildContext {
  registry: Registry
  subscribe(stream: string, sink: Sink): void
  /** Runs once, at the first moment the application sees time (a row, a heartbeat or the end). */
  onStart(start: (time: number) => void): void
}

export interface PlanNode {
  kind: string
  detail: string
  children: PlanNode[]
  columns: OutColumn[]
  build(out: Sink, ctx: BuildContext): void
}

export interface StreamDef {
  name: string
  columns: {name: string; type: SqlType}[]
}

export interface PlanEnv {
  file?: string
  streams: Map<string, StreamDef>
  functions: Map<string, CreateFunction>
  /** Per stream, the columns some query reads (by name, or through `*`): set as names resolve. */
  columnsRead: Map<string, boolean[]>
}

interface ScopeEntry {
  qualifiers: string[]
  name: string
  type: SqlType
  index: number
  monotonic: boolean
  rowtimeAlias: boolean
  hidden?: boolean
  /** Notes that a query reads this column (an entry naming a stream's own column). */
  read?: () => void
}

interface Scope {
  entries: ScopeEntry[]
  qualifiers: string[]
  /** Join scopes: the hidden column holding each side's ROWTIME. */
  rowtimes: Map<string, number>
  width: number
}

const err = (env: PlanEnv, pos: Pos, message: string, suggestions?: string[]) =>
  new InputError(message, {location: {file: env.file, line: pos.line, column: pos.column}, suggestions})
const unsupported = (env: PlanEnv, pos: Pos, what: string) =>
  new NotSupportedError(`${what} is valid KDA SQL but not supported by the local runtime yet`, {location: {file: env.file, line: pos.line, column: pos.column}})

const ROW_TIME_NAMES = new Set(['CURRENT_ROW_TIMESTAMP', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP'])

const quoteName = (n: string) => (/^[A-Z_][A-Z0-9_]*$/.test(n) ? n : `"${n}"`)

// ---------------------------------------------------------------------------------------------
// Name resolution

function scopeResolver(env: PlanEnv, scope: Scope): Resolver {
  return {
    file: env.file,
    functions: env.functions,
    column(ref) {
      return resolveColumn(env, scope, ref)
    },
    rowtime(qualifier, pos) {
      return resolveRowtime(env, scope, qualifier, pos)
    },
  }
}

const rowtimeBound: Bound = {ev: (_r, t) => t, type: T.TIMESTAMP, rowtimeOnly: true, monotonic: true, constant: false, code: () => 't'}

/** Column `idx` of the row. */
const columnBound = (idx: number, type: SqlType, monotonic: boolean): Bound => ({ev: (r) => r[idx], type, rowtimeOnly: false, monotonic, constant: false, code: () => `r[${idx}]`})

/** What a scope entry stands for: its column, or the row's ROWTIME when it is an alias of it. */
const entryBound = (e: ScopeEntry): Bound => (e.rowtimeAlias ? {...rowtimeBound, type: e.type} : columnBound(e.index, e.type, e.monotonic))

function resolveRowtime(env: PlanEnv, scope: Scope, qualifier: string | undefined, pos: Pos): Bound {
  if (qualifier === undefined) return rowtimeBound
  if (!scope.qualifiers.includes(qualifier)) {
    throw err(env, pos, `unknown stream or alias ${quoteName(qualifier)}`, [`known here: ${scope.qualifiers.map(quoteName).join(', ') || '(none)'}`])
  }
  const idx = scope.rowtimes.get(qualifier)
  if (idx === undefined) return rowtimeBound
  return columnBound(idx, T.TIMESTAMP, false)
}

function resolveColumn(env: PlanEnv, scope: Scope, ref: Extract<Expr, {type: 'column'}>): Bound {
  const entry = findEntry(env, scope, ref)
  if (entry === 'rowtime') return resolveRowtime(env, scope, ref.qualifier, ref.pos)
  return entryBound(entry)
}

function findEntry(env: PlanEnv, scope: Scope, ref: Extract<Expr, {type: 'column'}>): ScopeEntry | 'rowtime' {
  if (ref.qualifier !== undefined && !scope.qualifiers.includes(ref.qualifier)) {
    const ci = scope.qualifiers.find((q) => q.toUpperCase() === ref.qualifier!.toUpperCase())
    throw err(env, ref.pos, `unknown stream or alias ${quoteName(ref.qualifier)}`, [
      ci ? `did you mean ${quoteName(ci)}? (names are case-sensitive when quoted)` : `known here: ${scope.qualifiers.map(quoteName).join(', ') || '(none)'}`,
    ])
  }
  const matches = scope.entries.filter((e) => !e.hidden && e.name === ref.name && (ref.qualifier === undefined || e.qualifiers.includes(ref.qualifier)))
  if (matches.length === 1) {
    matches[0].read?.()
    return matches[0]
  }
  if (matches.length > 1) throw err(env, ref.pos, `column ${quoteName(ref.name)} is ambiguous; qualify it with one of ${matches.flatMap((m) => m.qualifiers.slice(0, 1)).map(quoteName).join(', ')}`)
  // CURRENT_ROW_TIMESTAMP is "a new processing timestamp per row": the row's own time here, so
  // runs are repeatable (CURRENT_TIMESTAMP / LOCALTIMESTAMP likewise).
  if (ref.name === 'ROWTIME' || (ref.qualifier === undefined && ROW_TIME_NAMES.has(ref.name))) return 'rowtime'
  const known = scope.entries.filter((e) => !e.hidden && (ref.qualifier === undefined || e.qualifiers.includes(ref.qualifier))).map((e) => quoteName(e.name))
  const ci = scope.entries.find((e) => !e.hidden && e.name.toUpperCase() === ref.name.toUpperCase())
  const suggestions = [`known columns: ${known.join(', ') || '(none)'}`]
  if (ci) suggestions.unshift(`did you mean ${quoteName(ci.name)}? Unquoted names are upper-cased; quote lower-case names`)
  throw err(env, ref.pos, `unknown column ${quoteName(ref.name)}${ref.qualifier ? ` in ${quoteName(ref.qualifier)}` : ''}`, suggestions)
}

/** A position-free text of an expression with columns resolved, to match select items to GROUP BY keys. */
function canonical(env: PlanEnv, scope: Scope, e: Expr): string {
  return JSON.stringify(e, (key, value: unknown) => {
    if (key === 'pos') return undefined
    if (value && typeof value === 'object' && (value as Expr).type === 'column') {
      const ref = value as Extract<Expr, {type: 'column'}>
      try {
        const entry = findEntry(env, scope, ref)
        return entry === 'rowtime' ? {type: 'rowtime'} : {type: 'column', index: entry.index}
      } catch {
        return {type: 'column', name: ref.name, qualifier: ref.qualifier}
      }
    }
    if (value && typeof value === 'object' && (value as Expr).type === 'rowtime') {
      const q = (value as {qualifier?: string}).qualifier
      return q !== undefined && scope.rowtimes.has(q) ? {type: 'rowtime', index: scope.rowtimes.get(q)} : {type: 'rowtime'}
    }
    return value
  })
}

// ---------------------------------------------------------------------------------------------
// Queries

export function planQuery(env: PlanEnv, q: Query): PlanNode {
  switch (q.type) {
    case 'select':
      return planSelect(env, q)
    case 'union': {
      if (!q.all) throw unsupported(env, q.pos, 'UNION without ALL on streams')
      const left = planQuery(env, q.left)
      const right = planQuery(env, q.right)
      if (left.columns.length !== right.columns.length) {
        throw err(env, q.pos, `UNION ALL inputs have ${left.columns.length} and ${right.columns.length} columns`)
      }
      return {
        kind: 'UnionAll',
        detail: '',
        children: [left, right],
        columns: left.columns.map((c, i) => ({...c, type: unifyTypes(c.type, right.columns[i].type), monotonic: false, rowtimeAlias: false})),
        build(out, ctx) {
          left.build(out, ctx)
          right.build(out, ctx)
        },
      }
    }
    case 'values': {
      // A finite relation (KDA's examples evaluate expressions with it): its rows are emitted once,
      // with the time at which the application starts.
      const width = q.rows[0].length
      const rows = q.rows.map((r) => {
        if (r.length !== width) throw err(env, q.pos, `VALUES rows have ${width} and ${r.length} values`)
        return r.map((e) => {
          const b = compileExpr(e, {file: env.file, functions: env.functions, column: (ref) => {
            throw err(env, ref.pos, 'VALUES takes constant expressions')
          }, rowtime: (_q, pos) => {
            throw err(env, pos, 'VALUES takes constant expressions')
          }})
          return b
        })
      })
      const columns: OutColumn[] = rows[0].map((_b, i) => ({
        name: `EXPR$${i}`,
        type: rows.map((r) => r[i].type).reduce(unifyTypes),
        monotonic: false,
        rowtimeAlias: false,
      }))
      return {
        kind: 'Values',
        detail: `${rows.length} row${rows.length === 1 ? '' : 's'}`,
        children: [],
        columns,
        build(out, ctx) {
          ctx.onStart((t) => {
            for (const r of rows) out.row(r.map((b) => b.ev([], t)), t)
          })
        },
      }
    }
  }
}

interface FromPlan {
  node: PlanNode
  scope: Scope
}

function scopeFromColumns(columns: OutColumn[], qualifiers: string[]): Scope {
  return {
    entries: columns.map((c, index) => ({qualifiers, name: c.name, type: c.type, index, monotonic: c.monotonic, rowtimeAlias: c.rowtimeAlias})),
    qualifiers,
    rowtimes: new Map(),
    width: columns.length,
  }
}

function planFrom(env: PlanEnv, f: FromItem): FromPlan {
  switch (f.type) {
    case 'stream': {
      const def = env.streams.get(f.name)
      if (!def) {
        const ci = [...env.streams.keys()].find((k) => k.toUpperCase() === f.name.toUpperCase())
        throw err(env, f.pos, `unknown stream ${quoteName(f.name)}`, [
          ...(ci ? [`did you mean ${quoteName(ci)}? Unquoted names are upper-cased; quote lower-case names`] : []),
          `known streams: ${[...env.streams.keys()].map(quoteName).join(', ') || '(none)'}`,
        ])
      }
      const qualifiers = f.alias === undefined ? [f.name] : [f.alias, f.name]
      const columns = def.columns.map((c) => ({name: c.name, type: c.type, monotonic: false, rowtimeAlias: false}))
      const name = def.name
      const scope = scopeFromColumns(columns, qualifiers)
      const read = env.columnsRead.get(name)
      if (read) for (const e of scope.entries) e.read = () => (read[e.index] = true)
      return {
        node: {
          kind: 'Scan',
          detail: quoteName(name) + (f.alias ? ` AS ${quoteName(f.alias)}` : ''),
          children: [],
          columns,
          build(out, ctx) {
            ctx.subscribe(name, out)
          },
        },
        scope,
      }
    }
    case 'subquery': {
      const node = planQuery(env, f.query)
      let columns = node.columns
      if (f.columnAliases) {
        if (f.columnAliases.length !== columns.length) throw err(env, f.pos, `${f.columnAliases.length} column aliases for ${columns.length} columns`)
        columns = columns.map((c, i) => ({...c, name: f.columnAliases![i]}))
      }
      const qualifiers = f.alias === undefined ? [] : [f.alias]
      return {node: {...node, columns}, scope: scopeFromColumns(columns, qualifiers)}
    }
    case 'tableFunction': {
      const node = planTableFunction(env, f)
      const qualifiers = f.alias === undefined ? [] : [f.alias]
      return {node, scope: scopeFromColumns(node.columns, qualifiers)}
    }
    case 'join':
      return planJoin(env, f)
  }
}

function joinSideWindow(env: PlanEnv, f: FromItem): {range: number; rows?: number} {
  if (f.type !== 'stream' || !f.window) return {range: 0}
  const w = f.window
  if (w.partitionBy.length > 0) throw unsupported(env, w.pos, 'PARTITION BY in a join window')
  if (!w.frame) return {range: 0}
  if (w.frame.following) throw unsupported(env, w.pos, 'a FOLLOWING join window')
  if (w.frame.unit === 'ROWS') {
    if (typeof w.frame.preceding !== 'number') return w.frame.preceding === 'CURRENT' ? {range: 0, rows: 0} : {range: Infinity}
    return {range: Infinity, rows: w.frame.preceding}
  }
  if (w.frame.preceding === 'CURRENT') return {range: 0}
  if (w.frame.preceding === 'UNBOUNDED') return {range: Infinity}
  return {range: constantInterval(env, w.frame.preceding)}
}

function constantInterval(env: PlanEnv, e: Expr): number {
  const b = compileExpr(e, {file: env.file, functions: env.functions, column: (ref) => {
    throw err(env, ref.pos, 'a window size must be a constant interval')
  }, rowtime: (_q, pos) => {
    throw err(env, pos, 'a window size must be a constant interval')
  }})
  if (!b.constant || b.type.name !== 'INTERVAL_DAY_TIME') throw err(env, (e as {pos: Pos}).pos, `expected a day-time INTERVAL, found ${formatSqlType(b.type)}`)
  return b.ev([], 0) as number
}

function planJoin(env: PlanEnv, f: Extract<FromItem, {type: 'join'}>): FromPlan {
  const left = planFrom(env, f.left)
  const right = planFrom(env, f.right)
  const lw = left.scope.width
  const rw = right.scope.width
  const entries: ScopeEntry[] = [
    ...left.scope.entries,
    {qualifiers: [], name: '$left_rowtime', type: T.TIMESTAMP, index: lw, monotonic: false, rowtimeAlias: false, hidden: true},
    ...right.scope.entries.map((e) => ({...e, index: e.index + lw + 1})),
    {qualifiers: [], name: '$right_rowtime', type: T.TIMESTAMP, index: lw + 1 + rw, monotonic: false, rowtimeAlias: false, hidden: true},
  ]
  const rowtimes = new Map<string, number>()
  for (const q of left.scope.qualifiers) rowtimes.set(q, left.scope.rowtimes.get(q) ?? lw)
  for (const q of right.scope.qualifiers) rowtimes.set(q, (right.scope.rowtimes.get(q) ?? rw) + lw + 1)
  const scope: Scope = {entries, qualifiers: [...left.scope.qualifiers, ...right.scope.qualifiers], rowtimes, width: lw + rw + 2}
  const on = f.on ? compileExpr(f.on, scopeResolver(env, scope)).ev : undefined
  const lwin = joinSideWindow(env, f.left)
  const rwin = joinSideWindow(env, f.right)
  const kind = f.kind
  const columns: OutColumn[] = entries.map((e) => ({name: e.name, type: e.type, monotonic: false, rowtimeAlias: false}))
  const describe = (w: {range: number; rows?: number}) => (w.rows !== undefined ? `ROWS ${w.rows}` : w.range === 0 ? 'current row' : `RANGE ${w.range} ms`)
  return {
    node: {
      kind: 'Join',
      detail: `${kind === 'COMMA' ? 'INNER (comma)' : kind}${f.on ? ` ON ${printExpr(f.on)}` : ''}; windows: left ${describe(lwin)}, right ${describe(rwin)}`,
      children: [left.node, right.node],
      columns,
      build(out, ctx) {
        const op = new JoinOperator(
          out,
          [
            {...lwin, width: lw, outer: kind === 'LEFT' || kind === 'FULL'},
            {...rwin, width: rw, outer: kind === 'RIGHT' || kind === 'FULL'},
          ],
          on,
          ctx.registry,
        )
        left.node.build(op.left, ctx)
        right.node.build(op.right, ctx)
      },
    },
    scope,
  }
}

function constantArg(env: PlanEnv, e: Expr, what: string): SqlValue {
  const b = compileExpr(e, {file: env.file, functions: env.functions, column: (ref) => {
    throw err(env, ref.pos, `${what} must be a constant`)
  }, rowtime: (_q, pos) => {
    throw err(env, pos, `${what} must be a constant`)
  }})
  if (!b.constant) throw err(env, (e as {pos: Pos}).pos, `${what} must be a constant`)
  return b.ev([], 0)
}

function planTableFunction(env: PlanEnv, f: Extract<FromItem, {type: 'tableFunction'}>): PlanNode {
  const call = f.call
  const name = call.name
  const cursor = call.args[0]
  if (!cursor || cursor.type !== 'cursor') {
    if (name === 'HOTSPOTS' || name.startsWith('RANDOM_CUT_FOREST') || name.endsWith('_TUMBLING')) throw err(env, call.pos, `${name} needs CURSOR(SELECT STREAM ...) as its first argument`)
    throw err(env, call.pos, `unknown table function ${name}`)
  }
  const input = planQuery(env, cursor.query)
  const rest = call.args.slice(1).map((a, i) => {
    if (a.type === 'cursor') throw err(env, a.pos, 'only the first argument may be a CURSOR')
    return constantArg(env, a.expr, `argument ${i + 2} of ${name}`)
  })
  const intArg = (i: number, fallback: number, min: number, max: number, label: string): number => {
    const v = rest[i]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw err(env, call.pos, `${name}: ${label} must be an integer from ${min} to ${max}, found ${String(v)}`)
    }
    return v
  }
  const columnArg = (i: number): number => {
    const v = rest[i]
    if (typeof v !== 'string') throw err(env, call.pos, `${name}: argument ${i + 2} must name a column of the cursor in single quotes`)
    const idx = input.columns.findIndex((c) => c.name === v)
    if (idx < 0) {
      throw err(env, call.pos, `${name}: the cursor has no column '${v}'`, [`cursor columns: ${input.columns.map((c) => c.name).join(', ')}`])
    }
    return idx
  }
  switch (name) {
    case 'RANDOM_CUT_FOREST':
    case 'RANDOM_CUT_FOREST_WITH_EXPLANATION': {
      const explain = name === 'RANDOM_CUT_FOREST_WITH_EXPLANATION'
      const numberOfTrees = intArg(0, 100, 1, 1000, 'numberOfTrees')
      const subSampleSize = intArg(1, 256, 1, 1000, 'subSampleSize')
      const timeDecay = intArg(2, 100_000, 1, Number.MAX_SAFE_INTEGER, 'timeDecay')
      const shingleSize = intArg(3, 1, 1, 30, 'shingleSize')
      const withDirectionality = explain ? rest[4] === true : false
      // Only numeric columns feed the model (DECIMAL excluded, as in KDA).
      const numeric = input.columns.map((c, i) => ({c, i})).filter(({c}) => isNumericType(c.type) && c.type.name !== 'DECIMAL')
      if (numeric.length === 0) throw err(env, call.pos, `${name}: the cursor has no numeric column to score`)
      if (numeric.length > 30) throw err(env, call.pos, `${name}: at most 30 numeric columns, found ${numeric.length}`)
      const columns: OutColumn[] = [
        ...input.columns.map((c) => ({...c, monotonic: false, rowtimeAlias: false})),
        {name: 'ANOMALY_SCORE', type: T.DOUBLE, monotonic: false, rowtimeAlias: false},
        ...(explain ? [{name: 'ANOMALY_EXPLANATION', type: {name: 'VARCHAR', length: 20480} as SqlType, monotonic: false, rowtimeAlias: false}] : []),
      ]
      return {
        kind: 'RandomCutForest',
        detail: `trees=${numberOfTrees} subSampleSize=${subSampleSize} timeDecay=${timeDecay} shingleSize=${shingleSize} on ${numeric.map((n) => n.c.name).join(', ')}`,
        children: [input],
        columns,
        build(out, ctx) {
          const op = new RandomCutForestOperator(out, {
            numberOfTrees,
            subSampleSize,
            timeDecay,
            shingleSize,
            dimensions: numeric.map((n) => n.i),
            names: numeric.map((n) => n.c.name),
            explanation: explain ? {withDirectionality} : undefined,
            seed: 42,
          }, ctx.registry)
          input.build(op, ctx)
        },
      }
    }
    case 'TOP_K_ITEMS_TUMBLING': {
      const column = columnArg(0)
      const k = intArg(1, 10, 1, 100_000, 'the number of items')
      const seconds = intArg(2, 60, 1, 3600, 'the window size in seconds')
      return {
        kind: 'TopKItemsTumbling',
        detail: `'${input.columns[column].name}' K=${k} window=${seconds}s`,
        children: [input],
        columns: [
          {name: 'ITEM', type: input.columns[column].type, monotonic: false, rowtimeAlias: false},
          {name: 'ITEM_COUNT', type: T.BIGINT, monotonic: false, rowtimeAlias: false},
        ],
        build(out, ctx) {
          input.build(new TumblingItemsOperator(out, column, seconds * 1000, {kind: 'topk', k}, ctx.registry), ctx)
        },
      }
    }
    case 'COUNT_DISTINCT_ITEMS_TUMBLING': {
      const column = columnArg(0)
      const seconds = intArg(1, 60, 1, 3600, 'the window size in seconds')
      return {
        kind: 'CountDistinctItemsTumbling',
        detail: `'${input.columns[column].name}' window=${seconds}s (exact)`,
        children: [input],
        columns: [{name: 'NUMBER_OF_DISTINCT_ITEMS', type: T.BIGINT, monotonic: false, rowtimeAlias: false}],
        build(out, ctx) {
          input.build(new TumblingItemsOperator(out, column, seconds * 1000, {kind: 'distinct'}, ctx.registry), ctx)
        },
      }
    }
    case 'HOTSPOTS':
      throw unsupported(env, call.pos, 'HOTSPOTS')
  }
  throw err(env, call.pos, `unknown table function ${name}`, ['table functions: RANDOM_CUT_FOREST, RANDOM_CUT_FOREST_WITH_EXPLANATION, TOP_K_ITEMS_TUMBLING, COUNT_DISTINCT_ITEMS_TUMBLING'])
}

// ---------------------------------------------------------------------------------------------
// SELECT

interface ItemPlan {
  name: string
  bound: Bound
  expr: Expr
  rowtimeAlias: boolean
}

function defaultName(e: Expr, i: number): string {
  if (e.type === 'column') return e.name
  if (e.type === 'rowtime') return 'ROWTIME'
  return `EXPR$${i}`
}

function expandItems(env: PlanEnv, s: Select, scope: Scope, resolver: Resolver, grouped: boolean): {items: ItemPlan[]; rowtimeOverride?: Bound} {
  const items: ItemPlan[] = []
  let rowtimeOverride: Bound | undefined
  s.items.forEach((item, i) => {
    if (item.expr.type === 'star') {
      const q = item.expr.qualifier
      if (q !== undefined && !scope.qualifiers.includes(q)) throw err(env, item.pos, `unknown stream or alias ${quoteName(q)}`)
      if (grouped) throw err(env, item.pos, "'*' is not allowed in an aggregating query")
      for (const e of scope.entries) {
        if (e.hidden || (q !== undefined && !e.qualifiers.includes(q))) continue
        e.read?.()
        const ref: Expr = {type: 'column', pos: item.pos, name: e.name, qualifier: e.qualifiers[0]}
        items.push({
          name: e.name,
          bound: entryBound(e),
          expr: ref,
          rowtimeAlias: e.rowtimeAlias,
        })
      }
      return
    }
    const bound = compileExpr(item.expr, resolver)
    if (item.alias === 'ROWTIME' && item.expr.type !== 'rowtime') {
      if (bound.type.name !== 'TIMESTAMP') throw err(env, item.pos, `a column aliased ROWTIME sets the row time and must be a TIMESTAMP, found ${formatSqlType(bound.type)}`)
      rowtimeOverride = bound
      return
    }
    items.push({name: item.alias ?? defaultName(item.expr, i), bound, expr: item.expr, rowtimeAlias: item.expr.type === 'rowtime' && !grouped})
  })
  return {items, rowtimeOverride}
}

function windowSpecFor(env: PlanEnv, s: Select, call: FunctionCall): WindowSpec {
  const over = call.over!
  const named = (name: string, pos: Pos): WindowSpec => {
    const w = s.windows?.find((x) => x.name === name)
    if (!w) throw err(env, pos, `unknown window ${quoteName(name)}`, [`windows of this query: ${(s.windows ?? []).map((x) => quoteName(x.name)).join(', ') || '(none)'}`])
    return w.spec.base ? merge(named(w.spec.base, w.spec.pos), w.spec) : w.spec
  }
  const merge = (base: WindowSpec, spec: WindowSpec): WindowSpec => ({
    pos: spec.pos,
    partitionBy: spec.partitionBy.length > 0 ? spec.partitionBy : base.partitionBy,
    orderBy: spec.orderBy ?? base.orderBy,
    frame: spec.frame ?? base.frame,
  })
  if (over.kind === 'named') return named(over.name, over.pos)
  return over.spec.base ? merge(named(over.spec.base, over.spec.pos), over.spec) : over.spec
}

function frameOf(env: PlanEnv, spec: WindowSpec): Frame {
  const f = spec.frame
  if (!f) return {}
  if (f.following) throw unsupported(env, spec.pos, 'a FOLLOWING window')
  if (f.unit === 'ROWS') {
    if (f.preceding === 'CURRENT') return {rows: 0}
    if (f.preceding === 'UNBOUNDED') return {}
    return {rows: f.preceding}
  }
  if (f.preceding === 'CURRENT') return {range: 0}
  if (f.preceding === 'UNBOUNDED') return {}
  return {range: constantInterval(env, f.preceding)}
}

/** Builds the analytic-function resolver hook of a select list; calls land in `slots`. */
function analyticPlanner(env: PlanEnv, s: Select, scope: Scope) {
  const slots: SqlValue[] = []
  const groups = new Map<string, AnalyticGroup & {text: string}>()
  const base = scopeResolver(env, scope)
  const known = new Map<string, Bound>()
  const analytic = (call: FunctionCall): Bound => {
    const spec = windowSpecFor(env, s, call)
    const frame = frameOf(env, spec)
    const text = spec.partitionBy.map((e) => canonical(env, scope, e)).join('|')
    // The same function over the same window (seed 004 computes its LAG twice) is computed once.
    const callKey = `${canonical(env, scope, {...call, over: undefined})}|${JSON.stringify(frame)}|${text}`
    const same = known.get(callKey)
    if (same) return same
    const partition = spec.partitionBy.map((e) => compileExpr(e, base))
    let group = groups.get(text)
    if (!group) {
      group = {text: spec.partitionBy.map(printExpr).join(', '), partitionKey: partition.map((p) => p.ev), calls: [], slotIndex: []}
      groups.set(text, group)
    }
    const args = call.args.map((a) => compileExpr(a, base))
    const name = call.name
    const ignoreNulls = call.nulls === 'IGNORE'
    let ac: AnalyticCall
    let type: SqlType = args[0]?.type ?? T.BIGINT
    const need = (min: number, max: number) => {
      if (args.length < min || args.length > max) throw err(env, call.pos, `${name} takes ${min === max ? min : `${min} to ${max}`} argument(s), found ${args.length}`)
    }
    switch (name) {
      case 'LAG': {
        need(1, 3)
        const offset = args[1] ? (args[1].constant ? args[1].ev([], 0) : undefined) : 1
        if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 1) throw err(env, call.pos, 'LAG needs a constant offset of at least 1')
        ac = {kind: offset === 1 ? 'LAG1' : 'LAG', arg: args[0].ev, frame, offset, defaultValue: args[2]?.ev, ignoreNulls}
        break
      }
      case 'LAST_VALUE':
        need(1, 1)
        ac = {kind: ignoreNulls ? 'LAST_IGNORE' : 'LAST', arg: args[0].ev, frame, ignoreNulls}
        break
      case 'FIRST_VALUE':
        need(1, 1)
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, compute: (vals, _ts, from, to) => {
          for (let i = from; i < to; i++) if (!ignoreNulls || vals[i] !== null) return vals[i]
          return null
        }}
        break
      case 'NTH_VALUE': {
        need(2, 2)
        const n = args[1].constant ? args[1].ev([], 0) : undefined
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw err(env, call.pos, 'NTH_VALUE needs a constant position of at least 1')
        const fromLast = call.fromLast === true
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, compute: (vals, _ts, from, to) => {
          let seen = 0
          if (fromLast) {
            for (let i = to - 1; i >= from; i--) if ((!ignoreNulls || vals[i] !== null) && ++seen === n) return vals[i]
          } else {
            for (let i = from; i < to; i++) if ((!ignoreNulls || vals[i] !== null) && ++seen === n) return vals[i]
          }
          return null
        }}
        break
      }
      case 'COUNT':
        if (call.distinct) throw err(env, call.pos, 'COUNT(DISTINCT ...) is not allowed in a windowed aggregation (KDA rejects it)')
        ac = {kind: 'WINDOW', arg: call.star ? undefined : args[0]?.ev, frame, ignoreNulls, running: call.star ? 'COUNT_STAR' : 'COUNT'}
        type = T.BIGINT
        break
      case 'SUM':
        need(1, 1)
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, running: 'SUM'}
        type = isIntegerType(args[0].type) ? T.BIGINT : args[0].type
        break
      case 'AVG':
        need(1, 1)
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, running: isIntegerType(args[0].type) ? 'AVG_INT' : 'AVG'}
        break
      case 'MIN':
      case 'MAX': {
        need(1, 1)
        const isMin = name === 'MIN'
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, compute: (vals, _ts, from, to) => {
          let best: SqlValue = null
          for (let i = from; i < to; i++) {
            const v = vals[i]
            if (v !== null && (best === null || (isMin ? v < best : v > best))) best = v
          }
          return best
        }}
        break
      }
      case 'STDDEV':
      case 'STDDEV_POP':
      case 'STDDEV_SAMP':
      case 'VARIANCE':
      case 'VAR_POP':
      case 'VAR_SAMP': {
        need(1, 1)
        const acc = accumulatorFor(name, {star: false, ignoreNulls: false, integer: false})
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, compute: (vals, _ts, from, to) => {
          const st = acc.init()
          for (let i = from; i < to; i++) acc.add(st, vals[i])
          return acc.result(st)
        }}
        type = T.DOUBLE
        break
      }
      case 'EXP_AVG': {
        need(2, 2)
        const half = args[1].constant ? args[1].ev([], 0) : undefined
        if (typeof half !== 'number' || half <= 0 || args[1].type.name !== 'INTERVAL_DAY_TIME') throw err(env, call.pos, 'EXP_AVG needs a constant positive INTERVAL half-life')
        ac = {kind: 'WINDOW', arg: args[0].ev, frame, ignoreNulls, compute: (vals, ts, from, to, t) => {
          let num = 0
          let den = 0
          for (let i = from; i < to; i++) {
            const v = vals[i]
            if (v === null) continue
            const w = Math.pow(0.5, (t - ts[i]) / half)
            num += w * (v as number)
            den += w
          }
          return den === 0 ? null : num / den
        }}
        type = T.DOUBLE
        break
      }
      default:
        if (AGGREGATES.has(name)) throw unsupported(env, call.pos, `${name} over a sliding window`)
        throw unsupported(env, call.pos, `${name} OVER (...)`)
    }
    const slot = slots.length
    slots.push(null)
    group.calls.push(ac)
    group.slotIndex.push(slot)
    const bound: Bound = {ev: () => slots[slot], type, rowtimeOnly: false, monotonic: false, constant: false, code: (g) => `${g.bind(slots)}[${slot}]`}
    known.set(callKey, bound)
    return bound
  }
  return {slots, groups, analytic}
}

function planSelect(env: PlanEnv, s: Select): PlanNode {
  const from = planFrom(env, s.from)
  const scope = from.scope
  const base = scopeResolver(env, scope)
  let where: Bound | undefined
  if (s.where) {
    where = compileExpr(s.where, {...base, analytic: (call) => {
      throw err(env, call.pos, `${call.name} ... OVER is not allowed in WHERE`)
    }})
    if (where.type.name !== 'BOOLEAN') throw err(env, s.where.pos, `WHERE needs a condition, found ${formatSqlType(where.type)}`)
  }
  if (s.stagger || s.groupBy) return planAggregate(env, s, from, where)
  if (s.having) throw err(env, s.having.pos, 'HAVING needs GROUP BY or WINDOWED BY STAGGER')
  const ap = analyticPlanner(env, s, scope)
  const resolver: Resolver = {...base, analytic: ap.analytic}
  const {items, rowtimeOverride} = expandItems(env, s, scope, resolver, false)
  const columns: OutColumn[] = items.map((i) => ({name: i.name, type: i.bound.type, monotonic: i.bound.monotonic || i.bound.rowtimeOnly, rowtimeAlias: i.rowtimeAlias}))
  // ORDER BY: output columns by name, or extra hidden expressions
  const exprs = items.map((i) => i.bound)
  let sort: {keys: SortKey[]; batchKey: (t: number) => SqlValue} | undefined
  if (s.orderBy) {
    const keys: SortKey[] = []
    let batchKey: (t: number) => SqlValue = (t) => t
    s.orderBy.forEach((o, k) => {
      let index = o.expr.type === 'column' && o.expr.qualifier === undefined ? columns.findIndex((c) => c.name === (o.expr as {name: string}).name) : -1
      let b: Bound | undefined
      if (index < 0) {
        b = compileExpr(o.expr, resolver)
        index = exprs.length
        exprs.push(b)
      }
      if (k === 0) {
        const lead = b ?? items[index].bound
        if (!lead.rowtimeOnly && !lead.monotonic) throw err(env, o.expr.pos, 'a streaming ORDER BY must start with a monotonic expression such as FLOOR(ROWTIME TO SECOND)')
        if (lead.rowtimeOnly) {
          const f = lead.ev
          const empty: SqlValue[] = []
          batchKey = (t) => f(empty, t)
        }
      }
      keys.push({index, descending: o.descending})
    })
    sort = {keys, batchKey}
  }
  const analyticGroups = [...ap.groups.values()]
  const details = [
    where ? `WHERE ${printExpr(s.where!)}` : '',
    analyticGroups.length > 0
      ? `OVER: ${analyticGroups.map((g) => `[${g.text || 'all rows'}] ${g.calls.map((c) => c.kind + (c.frame.rows !== undefined ? ` ROWS ${c.frame.rows}` : c.frame.range !== undefined ? ` RANGE ${c.frame.range}ms` : ' unbounded')).join(', ')}`).join('; ')}`
      : '',
    `SELECT ${columns.map((c) => quoteName(c.name)).join(', ')}`,
  ].filter(Boolean)
  let node: PlanNode = {
    kind: analyticGroups.length > 0 ? 'WindowProject' : 'Project',
    detail: details.join('; '),
    children: [from.node],
    columns,
    build(out, ctx) {
      const analytics = analyticGroups.length > 0 ? new AnalyticSet(analyticGroups, ap.slots, ctx.registry) : undefined
      from.node.build(new ProjectOperator(out, where, analytics, exprs, rowtimeOverride), ctx)
    },
  }
  node = wrapDistinctAndSort(node, s, columns.length, sort)
  return node
}

function wrapDistinctAndSort(node: PlanNode, s: Select, width: number, sort: {keys: SortKey[]; batchKey: (t: number) => SqlValue} | undefined): PlanNode {
  const inner = node
  let result = node
  if (s.distinct) {
    const prev = result
    result = {
      kind: 'Distinct',
      detail: 'per value of the leading column',
      children: [prev],
      columns: prev.columns,
      build(out, ctx) {
        prev.build(new DistinctOperator(out, ctx.registry), ctx)
      },
    }
  }
  if (sort) {
    const prev = result
    const {keys, batchKey} = sort
    result = {
      kind: 'Sort',
      detail: `ORDER BY ${s.orderBy!.map((o) => printExpr(o.expr) + (o.descending ? ' DESC' : '')).join(', ')} (per batch of the leading key)`,
      children: [prev],
      columns: inner.columns,
      build(out, ctx) {
        prev.build(new SortOperator(out, batchKey, keys, width, ctx.registry), ctx)
      },
    }
  }
  return result
}

function planAggregate(env: PlanEnv, s: Select, from: FromPlan, where: Bound | undefined): PlanNode {
  const scope = from.scope
  const base = scopeResolver(env, scope)
  const keyExprs = s.stagger ? s.stagger.partitionBy : s.groupBy!
  const noAnalytic: Resolver = {...base, analytic: (call) => {
    throw err(env, call.pos, `${call.name} ... OVER cannot be combined with GROUP BY here`)
  }}
  const keys = keyExprs.map((e) => compileExpr(e, {...noAnalytic, aggregate: (call) => {
    throw err(env, call.pos, `aggregate ${call.name} is not allowed in ${s.stagger ? 'PARTITION BY' : 'GROUP BY'}`)
  }}))
  const keyTexts = keyExprs.map((e) => canonical(env, scope, e))
  const aggs: AggregateSpec[] = []
  const aggDescriptions: string[] = []
  const aggSlots = new Map<string, Bound>()
  const nk = keys.length
  const aggregate = (call: FunctionCall): Bound => {
    const text = canonical(env, scope, call)
    const known = aggSlots.get(text)
    if (known) return known
    if (call.distinct) throw err(env, call.pos, `${call.name}(DISTINCT ...) is not allowed in a streaming aggregation (KDA rejects it); use a DISTINCT subquery`)
    const inner: Resolver = {...noAnalytic, aggregate: (c) => {
      throw err(env, c.pos, 'aggregates cannot be nested')
    }}
    const args = call.args.map((a) => compileExpr(a, inner))
    if (!call.star && args.length !== 1) throw err(env, call.pos, `${call.name} takes 1 argument, found ${args.length}`)
    const argType = args[0]?.type ?? T.BIGINT
    const acc = accumulatorFor(call.name, {star: call.star === true, ignoreNulls: call.nulls === 'IGNORE', integer: isIntegerType(argType)})
    let type: SqlType = argType
    if (call.name === 'COUNT') type = T.BIGINT
    else if (call.name === 'SUM' && isIntegerType(argType)) type = T.BIGINT
    else if (/^(STDDEV|VAR)/.test(call.name)) type = T.DOUBLE
    else if (['EVERY', 'ANY', 'SOME'].includes(call.name)) type = T.BOOLEAN
    if (['SUM', 'AVG'].includes(call.name) && !isNumericType(argType)) throw err(env, call.pos, `${call.name} needs a number, found ${formatSqlType(argType)}`)
    const slot = nk + aggs.length
    aggs.push({acc, arg: call.star ? undefined : args[0].ev})
    aggDescriptions.push(printExpr(call))
    const b: Bound = {ev: (r) => r[slot], type, rowtimeOnly: false, monotonic: false, constant: false}
    aggSlots.set(text, b)
    return b
  }
  const groupResolver: Resolver = {
    file: env.file,
    functions: env.functions,
    intercept(e) {
      if (e.type === 'literal') return undefined
      const text = canonical(env, scope, e)
      const k = keyTexts.indexOf(text)
      if (k < 0) return undefined
      return {ev: (r) => r[k], type: keys[k].type, rowtimeOnly: false, monotonic: keys[k].monotonic || keys[k].rowtimeOnly, constant: false}
    },
    column(ref) {
      const entry = findEntry(env, scope, ref)
      if (entry === 'rowtime') return rowtimeBound
      throw err(env, ref.pos, `column ${quoteName(ref.name)} must appear in ${s.stagger ? 'the STAGGER PARTITION BY' : 'GROUP BY'} or inside an aggregate function`)
    },
    rowtime(qualifier, pos) {
      if (qualifier !== undefined && !scope.qualifiers.includes(qualifier)) return resolveRowtime(env, scope, qualifier, pos)
      return rowtimeBound
    },
    aggregate,
    analytic: noAnalytic.analytic,
  }
  const {items, rowtimeOverride} = expandItems(env, s, scope, groupResolver, true)
  if (rowtimeOverride) throw unsupported(env, s.pos, 'a column aliased ROWTIME in an aggregating query')
  const having = s.having ? compileExpr(s.having, groupResolver) : undefined
  const columns: OutColumn[] = items.map((i) => ({name: i.name, type: i.bound.type, monotonic: i.bound.monotonic, rowtimeAlias: false}))
  const exprs = items.map((i) => i.bound.ev)
  let sort: {keys: SortKey[]; batchKey: (t: number) => SqlValue} | undefined
  if (s.orderBy) {
    const sortKeys: SortKey[] = []
    s.orderBy.forEach((o) => {
      let index = o.expr.type === 'column' && o.expr.qualifier === undefined ? columns.findIndex((c) => c.name === (o.expr as {name: string}).name) : -1
      if (index < 0) {
        const b = compileExpr(o.expr, groupResolver)
        index = exprs.length
        exprs.push(b.ev)
      }
      sortKeys.push({index, descending: o.descending})
    })
    // All rows of one window close together with one ROWTIME: that is the batch.
    sort = {keys: sortKeys, batchKey: (t) => t}
  }
  let node: PlanNode
  const output = {having: having?.ev, exprs}
  if (s.stagger) {
    const range = constantInterval(env, s.stagger.range)
    if (!(range > 0)) throw err(env, s.stagger.pos, 'a STAGGER window needs a positive RANGE')
    node = {
      kind: 'StaggerWindow',
      detail: `PARTITION BY ${s.stagger.partitionBy.map(printExpr).join(', ')} RANGE ${printExpr(s.stagger.range)}; aggregates: ${aggDescriptions.join(', ') || '(none)'}${where ? `; WHERE ${printExpr(s.where!)}` : ''}`,
      children: [from.node],
      columns,
      build(out, ctx) {
        const op = new StaggerOperator(out, keys.map((k) => k.ev), range, aggs, output, ctx.registry)
        from.node.build(where ? new ProjectOperator(op, where, undefined, undefined, undefined) : op, ctx)
      },
    }
  } else {
    let driverIndex = keys.findIndex((k) => k.rowtimeOnly)
    let mode: 'time' | 'change' = 'time'
    if (driverIndex < 0) {
      driverIndex = keys.findIndex((k) => k.monotonic)
      mode = 'change'
    }
    if (driverIndex < 0) {
      throw err(env, s.groupBy![0].pos, 'a streaming GROUP BY needs a monotonic key, such as FLOOR(s.ROWTIME TO MINUTE), STEP(s.ROWTIME BY INTERVAL ...) or MONOTONIC(...)')
    }
    node = {
      kind: 'TumblingWindow',
      detail:
        `GROUP BY ${s.groupBy!.map(printExpr).join(', ')}; ` +
        `${s.groupBy!.length > 1 ? `window key ${printExpr(s.groupBy![driverIndex])} ` : 'the window '}${mode === 'time' ? 'closes when ROWTIME passes its end' : 'closes when its value changes'}; ` +
        `aggregates: ${aggDescriptions.join(', ') || '(none)'}${s.having ? `; HAVING ${printExpr(s.having)}` : ''}${where ? `; WHERE ${printExpr(s.where!)}` : ''}`,
      children: [from.node],
      columns,
      build(out, ctx) {
        const op = new GroupAggregateOperator(out, keys.map((k) => k.ev), {index: driverIndex, mode}, aggs, output, ctx.registry)
        from.node.build(where ? new ProjectOperator(op, where, undefined, undefined, undefined) : op, ctx)
      },
    }
  }
  return wrapDistinctAndSort(node, s, columns.length, sort)
}
