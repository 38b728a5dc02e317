import type {Expr, FromItem, IntervalQualifier, OrderItem, Query, Script, Select, Statement, WindowSpec} from './ast.js'
import {RESERVED} from './lexer.js'
import {formatSqlType} from './types.js'

/**
 * Prints the syntax tree back as KDA SQL. Parsing the printed text gives the same tree (minus
 * positions): the parser's round-trip tests rely on it, and the Flink translator starts from it.
 * Names are quoted only when KDA's rule needs it (not all upper-case, or a reserved word).
 */
export function printScript(script: Script): string {
  return script.statements.map((s) => printStatement(s) + ';').join('\n\n') + '\n'
}

export function printIdentifier(name: string): string {
  if (/^[A-Z_][A-Z0-9_$]*$/.test(name) && !RESERVED.has(name) && !KEYWORD_LIKE.has(name)) return name
  return `"${name.replace(/"/g, '""')}"`
}

// Words the parser treats specially in some positions; quoting them keeps printing unambiguous.
const KEYWORD_LIKE = new Set(['ROWTIME', 'TIMESTAMP', 'DATE', 'TIME', 'DESCRIPTION', 'LAST', 'FIRST', 'NULLS', 'PLACING', 'LEADING', 'TRAILING', 'BOTH', 'ASYMMETRIC', 'REPLACE', 'FUNCTION', 'PUMP', 'MILLISECOND', 'UNBOUNDED', 'EXCEPT', 'INTERSECT', 'VARYING', 'PRECISION'])

const str = (s: string) => `'${s.replace(/'/g, "''")}'`

export function printStatement(s: Statement): string {
  switch (s.type) {
    case 'createStream':
      return (
        `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}STREAM ${printIdentifier(s.name)} (\n` +
        s.columns.map((c) => `  ${printIdentifier(c.name)} ${formatType(c.type)}${c.notNull ? ' NOT NULL' : ''}`).join(',\n') +
        ')' +
        (s.description === undefined ? '' : ` DESCRIPTION ${str(s.description)}`)
      )
    case 'createPump':
      return (
        `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}PUMP ${printIdentifier(s.name)}` +
        (s.description === undefined ? '' : ` DESCRIPTION ${str(s.description)}`) +
        ` AS INSERT INTO ${printIdentifier(s.target)}` +
        (s.columns ? ` (${s.columns.map(printIdentifier).join(', ')})` : '') +
        `\n${printQuery(s.query)}`
      )
    case 'query':
      return printQuery(s.query)
    case 'createFunction':
      return (
        `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}FUNCTION ${printIdentifier(s.name)}(${s.params.map((p) => `${printIdentifier(p.name)} ${formatSqlType(p.type)}`).join(', ')})` +
        ` RETURNS ${formatSqlType(s.returns)}${s.returnsNullOnNullInput ? ' RETURNS NULL ON NULL INPUT' : ''} RETURN ${printExpr(s.body)}`
      )
  }
}

function formatType(t: Parameters<typeof formatSqlType>[0]): string {
  return formatSqlType(t)
}

export function printQuery(q: Query): string {
  switch (q.type) {
    case 'select':
      return printSelect(q)
    case 'union':
      return `(${printQuery(q.left)})\nUNION ${q.all ? 'ALL ' : ''}(${printQuery(q.right)})`
    case 'values':
      return `VALUES ${q.rows.map((r) => `(${r.map(printExpr).join(', ')})`).join(', ')}`
  }
}

function printSelect(s: Select): string {
  const parts = [
    `SELECT ${s.stream ? 'STREAM ' : ''}${s.distinct ? 'DISTINCT ' : ''}` +
      s.items.map((i) => printExpr(i.expr) + (i.alias === undefined ? '' : ` AS ${printIdentifier(i.alias)}`)).join(', '),
    `FROM ${printFrom(s.from)}`,
  ]
  if (s.where) parts.push(`WHERE ${printExpr(s.where)}`)
  if (s.groupBy) parts.push(`GROUP BY ${s.groupBy.map(printExpr).join(', ')}`)
  if (s.stagger) {
    parts.push(`WINDOWED BY STAGGER (PARTITION BY ${s.stagger.partitionBy.map(printExpr).join(', ')} RANGE ${printExpr(s.stagger.range)})`)
  }
  if (s.having) parts.push(`HAVING ${printExpr(s.having)}`)
  if (s.windows) parts.push(`WINDOW ${s.windows.map((w) => `${printIdentifier(w.name)} AS ${printWindowSpec(w.spec)}`).join(', ')}`)
  if (s.orderBy) parts.push(`ORDER BY ${printOrder(s.orderBy)}`)
  return parts.join('\n')
}

function printOrder(items: OrderItem[]): string {
  return items.map((o) => printExpr(o.expr) + (o.descending ? ' DESC' : '')).join(', ')
}

function printFrom(f: FromItem): string {
  switch (f.type) {
    case 'stream':
      return (
        (f.schema ? printIdentifier(f.schema) + '.' : '') +
        printIdentifier(f.name) +
        (f.window ? ` OVER ${printWindowSpec(f.window)}` : '') +
        (f.alias === undefined ? '' : ` AS ${printIdentifier(f.alias)}`)
      )
    case 'subquery':
      return (
        `(${printQuery(f.query)})` +
        (f.alias === undefined ? '' : ` AS ${printIdentifier(f.alias)}`) +
        (f.columnAliases ? ` (${f.columnAliases.map(printIdentifier).join(', ')})` : '')
      )
    case 'tableFunction':
      return (
        `TABLE(${printIdentifier(f.call.name)}(` +
        f.call.args.map((a) => (a.type === 'cursor' ? `CURSOR(${printQuery(a.query)})` : printExpr(a.expr))).join(', ') +
        '))' +
        (f.alias === undefined ? '' : ` AS ${printIdentifier(f.alias)}`)
      )
    case 'join': {
      const right = f.right.type === 'join' ? `(${printFrom(f.right)})` : printFrom(f.right)
      if (f.kind === 'COMMA') return `${printFrom(f.left)}, ${right}`
      const kw = f.kind === 'INNER' ? 'JOIN' : f.kind === 'CROSS' ? 'CROSS JOIN' : `${f.kind} JOIN`
      return `${printFrom(f.left)} ${kw} ${right}${f.on ? ` ON ${printExpr(f.on)}` : ''}`
    }
  }
}

export function printWindowSpec(w: WindowSpec): string {
  const parts: string[] = []
  if (w.base) parts.push(printIdentifier(w.base))
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map(printExpr).join(', ')}`)
  if (w.orderBy) parts.push(`ORDER BY ${printOrder(w.orderBy)}`)
  if (w.frame) {
    const f = w.frame
    const dir = f.following ? 'FOLLOWING' : 'PRECEDING'
    if (f.preceding === 'CURRENT') parts.push(`${f.unit} CURRENT ROW`)
    else if (f.preceding === 'UNBOUNDED') parts.push(`${f.unit} UNBOUNDED PRECEDING`)
    else if (typeof f.preceding === 'number') parts.push(`ROWS ${f.preceding} ${dir}`)
    else parts.push(`RANGE ${printExpr(f.preceding)} ${dir}`)
  }
  return `(${parts.join(' ')})`
}

export function printQualifier(q: IntervalQualifier): string {
  let s = q.start as string
  if (q.precision !== undefined) s += q.end === undefined && q.fractionalPrecision !== undefined ? `(${q.precision}, ${q.fractionalPrecision})` : `(${q.precision})`
  if (q.end) s += ` TO ${q.end}` + (q.fractionalPrecision !== undefined ? `(${q.fractionalPrecision})` : '')
  return s
}

/** Prints an expression fully parenthesised where precedence could be in doubt. */
export function printExpr(e: Expr): string {
  switch (e.type) {
    case 'literal':
      switch (e.kind) {
        case 'number':
          return e.text
        case 'string':
          return str(e.value)
        case 'boolean':
          return e.value ? 'TRUE' : 'FALSE'
        case 'null':
          return 'NULL'
        case 'interval':
          return `INTERVAL ${e.negative ? '-' : ''}${str(e.text)} ${printQualifier(e.qualifier)}`
        default:
          return `${e.kind.toUpperCase()} ${str(e.text)}`
      }
    case 'column':
      return (e.qualifier === undefined ? '' : printIdentifier(e.qualifier) + '.') + printIdentifier(e.name)
    case 'rowtime':
      return (e.qualifier === undefined ? '' : printIdentifier(e.qualifier) + '.') + 'ROWTIME'
    case 'star':
      return (e.qualifier === undefined ? '' : printIdentifier(e.qualifier) + '.') + '*'
    case 'unary':
      return e.op === 'NOT' ? `(NOT ${printExpr(e.operand)})` : `(${e.op}${printExpr(e.operand)})`
    case 'binary':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`
    case 'isNull':
      return `(${printExpr(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`
    case 'isBool':
      return `(${printExpr(e.operand)} IS ${e.negated ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'})`
    case 'like':
      return (
        `(${printExpr(e.operand)} ${e.negated ? 'NOT ' : ''}${e.op === 'LIKE' ? 'LIKE' : 'SIMILAR TO'} ${printExpr(e.pattern)}` +
        (e.escape ? ` ESCAPE ${printExpr(e.escape)}` : '') +
        ')'
      )
    case 'between':
      return `(${printExpr(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${printExpr(e.low)} AND ${printExpr(e.high)})`
    case 'inList':
      return `(${printExpr(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(printExpr).join(', ')}))`
    case 'case':
      return (
        'CASE' +
        (e.operand ? ` ${printExpr(e.operand)}` : '') +
        e.whens.map((w) => ` WHEN ${printExpr(w.when)} THEN ${printExpr(w.then)}`).join('') +
        (e.else ? ` ELSE ${printExpr(e.else)}` : '') +
        ' END'
      )
    case 'cast':
      return `CAST(${printExpr(e.operand)} AS ${formatSqlType(e.target)})`
    case 'intervalQualified':
      // a binary operand prints with its own parentheses, which the qualifier needs
      return e.operand.type === 'binary' ? `${printExpr(e.operand)} ${printQualifier(e.qualifier)}` : `(${printExpr(e.operand)}) ${printQualifier(e.qualifier)}`
    case 'call': {
      let inner: string
      const a = e.args.map(printExpr)
      switch (e.name) {
        case 'FLOOR':
        case 'CEIL':
          inner = a[0] + (e.unit ? ` TO ${e.unit}` : '')
          break
        case 'STEP':
          inner = `${a[0]} BY ${a[1]}`
          break
        case 'EXTRACT':
          inner = `${e.unit} FROM ${a[0]}`
          break
        case 'POSITION':
          inner = `${a[0]} IN ${a[1]}`
          break
        case 'SUBSTRING':
          inner = e.form === 'from' ? `${a[0]} FROM ${a[1]}${a[2] ? ` FOR ${a[2]}` : ''}` : e.form === 'similar' ? `${a[0]} SIMILAR ${a[1]} ESCAPE ${a[2]}` : a.join(', ')
          break
        case 'OVERLAY':
          inner = `${a[0]} PLACING ${a[1]} FROM ${a[2]}${a[3] ? ` FOR ${a[3]}` : ''}`
          break
        case 'TRIM':
          inner = `${e.trim ?? 'BOTH'} ${a[1] ? a[1] + ' ' : ''}FROM ${a[0]}`
          break
        default:
          inner = e.star ? '*' : (e.distinct ? 'DISTINCT ' : '') + a.join(', ')
      }
      let s = `${printIdentifier(e.name)}(${inner})`
      if (e.fromLast !== undefined) s += e.fromLast ? ' FROM LAST' : ' FROM FIRST'
      if (e.nulls) s += ` ${e.nulls} NULLS`
      if (e.over) s += ` OVER ${e.over.kind === 'named' ? printIdentifier(e.over.name) : printWindowSpec(e.over.spec)}`
      return s
    }
  }
}
