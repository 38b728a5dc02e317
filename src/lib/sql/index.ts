import {InputError} from '../core/errors.js'
import type {CompileApplication, CompiledApplication, CompileOptions, StreamInfo} from './api.js'
import type {Query, Statement} from './ast.js'
import {parseScript} from './parser.js'
import {printExpr} from './printer.js'
import {type OutColumn, type PlanEnv, type PlanNode, planQuery, type StreamDef} from './planner.js'
import {Application, type CompiledPump} from './runtime.js'
import {formatSqlType, isIntegerType, isNumericType, isStringType, type Row, type SqlType, type SqlValue} from './types.js'

export type {ApplicationRuntime, CompiledApplication, CompileOptions, RowListener, RuntimeOptions, SourceStreamDefinition, StreamInfo} from './api.js'
export type * as Ast from './ast.js'
export {parseExpression, parseQuery, parseScript} from './parser.js'
export {printExpr, printQuery, printScript, printStatement} from './printer.js'
export {ERROR_STREAM, ERROR_STREAM_COLUMNS} from './input/error-stream.js'

/**
 * Compiles a KDA SQL application: CREATE STREAM and CREATE PUMP statements over the source
 * streams the input mapping provides. A bare `SELECT STREAM ...` statement (handy for a quick
 * look, and the form many KDA documentation examples take) becomes an output stream named
 * `QUERY_001`, `QUERY_002`, ...
 */
export const compileApplication: CompileApplication = (sql: string, options: CompileOptions): CompiledApplication => {
  const file = options.file
  const script = parseScript(sql, file)
  const env: PlanEnv = {file, streams: new Map<string, StreamDef>(), functions: new Map(), columnsRead: new Map()}
  const define = (name: string, columns: StreamDef['columns'], flags: Pick<StreamInfo, 'isSource' | 'isPumped'>): StreamInfo => {
    const columnsRead = columns.map(() => false)
    env.streams.set(name, {name, columns})
    env.columnsRead.set(name, columnsRead)
    return {name, columns, ...flags, isTerminal: true, columnsRead}
  }
  const infos: StreamInfo[] = []
  const pumps: CompiledPump[] = []
  const explain: string[] = []
  const locate = (pos: {line: number; column: number}) => ({file, line: pos.line, column: pos.column})
  for (const source of options.sources) {
    infos.push(define(source.name, source.columns, {isSource: true, isPumped: false}))
  }
  const pumpNames = new Set<string>()
  let queryCount = 0
  for (const st of script.statements) {
    switch (st.type) {
      case 'createStream': {
        const existing = infos.find((i) => i.name === st.name)
        if (existing) {
          if (existing.isSource || !st.orReplace) {
            throw new InputError(`stream ${st.name} already exists`, {location: locate(st.pos), suggestions: existing.isSource ? ['this name is the input stream; pick another name'] : ['use CREATE OR REPLACE STREAM, or another name']})
          }
          infos.splice(infos.indexOf(existing), 1)
        }
        const seen = new Set<string>()
        for (const c of st.columns) {
          if (seen.has(c.name)) throw new InputError(`column ${c.name} appears twice in stream ${st.name}`, {location: locate(c.pos)})
          seen.add(c.name)
        }
        const columns = st.columns.map((c) => ({name: c.name, type: c.type}))
        infos.push(define(st.name, columns, {isSource: false, isPumped: false}))
        break
      }
      case 'createPump': {
        if (pumpNames.has(st.name) && !st.orReplace) throw new InputError(`pump ${st.name} already exists`, {location: locate(st.pos), suggestions: ['use CREATE OR REPLACE PUMP, or another name']})
        if (pumpNames.has(st.name)) {
          const old = pumps.findIndex((p) => p.name === st.name)
          pumps.splice(old, 1)
        }
        pumpNames.add(st.name)
        const target = env.streams.get(st.target)
        if (!target) {
          throw new InputError(`unknown stream ${st.target}`, {
            location: locate(st.targetPos),
            suggestions: [`create it first with CREATE STREAM`, `known streams: ${[...env.streams.keys()].join(', ')}`],
          })
        }
        const info = infos.find((i) => i.name === st.target)!
        if (info.isSource) throw new InputError(`a pump cannot write to the input stream ${st.target}`, {location: locate(st.targetPos)})
        const plan = planQuery(env, st.query)
        const toTarget = insertMapping(st, target, plan.columns, file)
        info.isPumped = true
        const reads = streamsRead(st.query)
        pumps.push({name: st.name, target: st.target, reads, plan, toTarget})
        explain.push(`PUMP ${st.name} → ${st.target}\n${renderPlan(plan, 1)}`)
        break
      }
      case 'createFunction': {
        if (env.functions.has(st.name) && !st.orReplace) {
          throw new InputError(`function ${st.name} already exists`, {location: locate(st.pos), suggestions: ['use CREATE OR REPLACE FUNCTION, or another name']})
        }
        const seen = new Set<string>()
        for (const p of st.params) {
          if (seen.has(p.name)) throw new InputError(`parameter ${p.name} appears twice in function ${st.name}`, {location: locate(st.pos)})
          seen.add(p.name)
        }
        env.functions.set(st.name, st)
        explain.push(`FUNCTION ${st.name}(${st.params.map((p) => p.name).join(', ')}) RETURN ${printExpr(st.body)}`)
        break
      }
      case 'query': {
        const plan = planQuery(env, st.query)
        const interval = plan.columns.find((c) => c.type.name.startsWith('INTERVAL'))
        if (interval) {
          throw new InputError(`column ${interval.name} is an INTERVAL, which a stream cannot hold`, {
            location: locate(st.pos),
            suggestions: ['EXTRACT a field from it, or add it to a TIMESTAMP'],
          })
        }
        const name = `QUERY_${String(++queryCount).padStart(3, '0')}`
        const columns = uniqueColumns(plan.columns)
        infos.push(define(name, columns, {isSource: false, isPumped: true}))
        pumps.push({name, target: name, reads: streamsRead(st.query), plan, toTarget: (r) => r})
        explain.push(`QUERY → ${name}\n${renderPlan(plan, 1)}`)
        break
      }
    }
  }
  for (const p of pumps) for (const r of p.reads) {
    const i = infos.find((x) => x.name === r)
    if (i) i.isTerminal = false
  }
  const ordered = [...infos.filter((i) => i.isSource), ...infos.filter((i) => !i.isSource)]
  return new Application(ordered, pumps, explain.join('\n\n'))
}

function uniqueColumns(columns: OutColumn[]) {
  const seen = new Map<string, number>()
  return columns.map((c) => {
    const n = seen.get(c.name) ?? 0
    seen.set(c.name, n + 1)
    return {name: n === 0 ? c.name : `${c.name}${n}`, type: c.type}
  })
}

function streamsRead(q: Query): string[] {
  const out = new Set<string>()
  const walkQuery = (x: Query): void => {
    if (x.type === 'union') {
      walkQuery(x.left)
      walkQuery(x.right)
    } else if (x.type === 'select') walkFrom(x.from)
  }
  const walkFrom = (f: Extract<Query, {type: 'select'}>['from']): void => {
    switch (f.type) {
      case 'stream':
        out.add(f.name)
        break
      case 'subquery':
        walkQuery(f.query)
        break
      case 'tableFunction':
        for (const a of f.call.args) if (a.type === 'cursor') walkQuery(a.query)
        break
      case 'join':
        walkFrom(f.left)
        walkFrom(f.right)
    }
  }
  walkQuery(q)
  return [...out]
}

function renderPlan(node: PlanNode, depth: number): string {
  const pad = '  '.repeat(depth)
  const line = `${pad}${node.kind}${node.detail ? ` ${node.detail}` : ''}`
  return [line, ...node.children.map((c) => renderPlan(c, depth + 1))].join('\n')
}

type Family = 'number' | 'string' | 'boolean' | 'datetime' | 'binary' | 'interval' | 'null'

function family(t: SqlType): Family {
  if (t.name === 'VARCHAR' && t.length === 0) return 'null'
  if (isNumericType(t)) return 'number'
  if (isStringType(t)) return 'string'
  if (t.name === 'BOOLEAN') return 'boolean'
  if (t.name === 'VARBINARY') return 'binary'
  if (t.name.startsWith('INTERVAL')) return 'interval'
  return 'datetime'
}

function coercer(to: SqlType, from: SqlType): ((v: SqlValue) => SqlValue) | undefined {
  // Nothing to do when the value's type already fits (the common case: no per-row work).
  if (isIntegerType(to) && isIntegerType(from)) return undefined
  if (to.name === 'VARCHAR' && isStringType(from) && from.length !== undefined && to.length !== undefined && from.length <= to.length) return undefined
  if (isIntegerType(to)) return (v) => (typeof v === 'number' && !Number.isInteger(v) ? (v < 0 ? -Math.round(-v) : Math.round(v)) : v)
  if (to.name === 'VARCHAR' && to.length !== undefined) {
    const n = to.length
    return (v) => (typeof v === 'string' && v.length > n ? v.slice(0, n) : v)
  }
  if (to.name === 'CHAR' && to.length !== undefined) {
    const n = to.length
    return (v) => (typeof v === 'string' ? (v.length > n ? v.slice(0, n) : v.length < n ? v.padEnd(n) : v) : v)
  }
  if (to.name === 'REAL') return (v) => (typeof v === 'number' ? Math.fround(v) : v)
  return undefined
}

/** INSERT INTO target [(columns)]: positions, type checks and the coercions KDA applies on insert. */
function insertMapping(st: Extract<Statement, {type: 'createPump'}>, target: StreamDef, columns: OutColumn[], file?: string): (row: Row) => Row {
  const targetNames = st.columns ?? target.columns.map((c) => c.name)
  const positions = targetNames.map((name) => {
    const i = target.columns.findIndex((c) => c.name === name)
    if (i < 0) {
      const ci = target.columns.find((c) => c.name.toUpperCase() === name.toUpperCase())
      throw new InputError(`stream ${target.name} has no column ${name}`, {
        location: {file, line: st.targetPos.line, column: st.targetPos.column},
        suggestions: [...(ci ? [`did you mean "${ci.name}"? Unquoted names are upper-cased`] : []), `columns of ${target.name}: ${target.columns.map((c) => c.name).join(', ')}`],
      })
    }
    return i
  })
  if (columns.length !== positions.length) {
    throw new InputError(`the query of pump ${st.name} returns ${columns.length} columns but INSERT INTO ${target.name} expects ${positions.length}`, {
      location: {file, line: st.query.pos.line, column: st.query.pos.column},
      suggestions: [`target columns: ${targetNames.join(', ')}`, `query columns: ${columns.map((c) => c.name).join(', ')}`],
    })
  }
  const coercers = positions.map((p, i) => {
    const to = target.columns[p].type
    const from = columns[i].type
    const ff = family(from)
    const ft = family(to)
    // Epoch milliseconds may go into a TIMESTAMP column (they are the same value here); other
    // families need a CAST, as in KDA.
    if (ff !== 'null' && ff !== ft && !(ff === 'number' && ft === 'datetime')) {
      throw new InputError(`cannot insert ${formatSqlType(from)} (query column ${i + 1}, ${columns[i].name}) into ${target.name}.${target.columns[p].name} of type ${formatSqlType(to)}`, {
        location: {file, line: st.query.pos.line, column: st.query.pos.column},
        suggestions: ['CAST the value to the column type'],
      })
    }
    return coercer(to, from)
  })
  const width = target.columns.length
  const inPlace = !st.columns && width === columns.length
  if (inPlace && coercers.every((c) => c === undefined)) return (row) => row
  if (inPlace) {
    // Every operator hands over a freshly built row, so it can be coerced where it is.
    const active = coercers.map((c, i) => ({c, i})).filter((x) => x.c !== undefined) as {c: (v: SqlValue) => SqlValue; i: number}[]
    return (row) => {
      for (let k = 0; k < active.length; k++) {
        const {c, i} = active[k]
        const v = row[i]
        if (v !== null) row[i] = c(v)
      }
      return row
    }
  }
  return (row) => {
    const out: Row = new Array(width).fill(null)
    for (let i = 0; i < positions.length; i++) {
      const c = coercers[i]
      const v = row[i]
      out[positions[i]] = c === undefined || v === null ? v : c(v)
    }
    return out
  }
}
