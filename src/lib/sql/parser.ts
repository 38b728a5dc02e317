import {InputError, NotSupportedError} from '../core/errors.js'
import type {
  Expr,
  FromItem,
  FunctionCall,
  IntervalQualifier,
  OrderItem,
  Pos,
  Query,
  Script,
  Select,
  SelectItem,
  Statement,
  TableFunctionCall,
  TimeUnit,
  WindowFrame,
  WindowRef,
  WindowSpec,
} from './ast.js'
import {RESERVED, type Token, tokenize} from './lexer.js'
import {parseSqlType, type SqlType} from './types.js'

const TIME_UNITS = new Set(['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND'])
const TYPE_WORDS = new Set(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'INTEGER', 'BIGINT', 'DECIMAL', 'DEC', 'NUMERIC', 'REAL', 'FLOAT', 'DOUBLE', 'CHAR', 'CHARACTER', 'VARCHAR', 'VARBINARY', 'BINARY', 'DATE', 'TIME', 'TIMESTAMP'])

/** Parses a whole application (statements separated by `;`, the last one may lack it). */
export function parseScript(sql: string, file?: string): Script {
  const p = new Parser(sql, file)
  return p.script()
}

/** Parses one expression (tests, tools). */
export function parseExpression(sql: string, file?: string): Expr {
  const p = new Parser(sql, file)
  const e = p.expr()
  p.expectEnd()
  return e
}

/** Parses one query (`SELECT ...`, `VALUES ...`). */
export function parseQuery(sql: string, file?: string): Query {
  const p = new Parser(sql, file)
  const q = p.query()
  p.expectEnd()
  return q
}

class Parser {
  private tokens: Token[]
  private i = 0

  constructor(
    sql: string,
    private readonly file?: string,
  ) {
    this.tokens = tokenize(sql, file)
  }

  // ---- token helpers ----
  private get tok(): Token {
    return this.tokens[this.i]
  }

  private peek(k = 1): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]
  }

  private pos(t: Token = this.tok): Pos {
    return {line: t.line, column: t.column}
  }

  private isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.value === word
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.value === op
  }

  private acceptWord(...words: string[]): boolean {
    if (!words.every((w, k) => this.isWord(w, this.peek(k)))) return false
    this.i += words.length
    return true
  }

  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false
    this.i++
    return true
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of input'
      case 'string':
        return `'${t.value}'`
      case 'quoted':
        return `"${t.value}"`
      default:
        return t.value
    }
  }

  fail(expected: string, t: Token = this.tok): never {
    throw new InputError(`expected ${expected}, found ${this.describe(t)}`, {location: {file: this.file, line: t.line, column: t.column}})
  }

  private unsupported(what: string, t: Token = this.tok): never {
    throw new NotSupportedError(`${what} is valid KDA SQL but not supported by the local runtime yet`, {
      location: {file: this.file, line: t.line, column: t.column},
    })
  }

  private expectWord(word: string): Token {
    const t = this.tok
    if (!this.isWord(word)) this.fail(word)
    this.i++
    return t
  }

  private expectOp(op: string): Token {
    const t = this.tok
    if (!this.isOp(op)) this.fail(`'${op}'`)
    this.i++
    return t
  }

  private atEnd(): boolean {
    return this.tok.kind === 'eof'
  }

  expectEnd(): void {
    this.acceptOp(';')
    if (this.tok.kind !== 'eof') this.fail('end of input')
  }

  /** An identifier: quoted, or unquoted and not reserved. */
  private identifier(what = 'an identifier'): string {
    const t = this.tok
    if (t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.value))) {
      this.i++
      return t.value
    }
    this.fail(what)
  }

  private isIdentifier(t: Token = this.tok): boolean {
    return t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.value))
  }

  // ---- statements ----
  script(): Script {
    const statements: Statement[] = []
    while (this.tok.kind !== 'eof') {
      if (this.acceptOp(';')) continue
      statements.push(this.statement())
      if (!this.atEnd() && !this.isOp(';')) this.fail("';' or end of input")
    }
    return {statements}
  }

  private statement(): Statement {
    const start = this.tok
    if (this.isWord('SELECT') || this.isWord('VALUES') || this.isOp('(')) {
      return {type: 'query', pos: this.pos(start), query: this.query()}
    }
    if (!this.isWord('CREATE')) this.fail('CREATE STREAM, CREATE PUMP or SELECT')
    this.i++
    const orReplace = this.acceptWord('OR', 'REPLACE')
    if (this.acceptWord('STREAM')) return this.createStream(start, orReplace)
    if (this.acceptWord('PUMP')) return this.createPump(start, orReplace)
    if (this.acceptWord('FUNCTION')) return this.createFunction(start, orReplace)
    if (this.isWord('TABLE') || this.isWord('VIEW')) this.unsupported(`CREATE ${this.tok.value}`)
    this.fail('STREAM or PUMP')
  }

  private createStream(start: Token, orReplace: boolean): Statement {
    const name = this.identifier('a stream name')
    this.expectOp('(')
    const columns = []
    do {
      const pos = this.pos()
      const colName = this.identifier('a column name')
      const type = this.dataType()
      let notNull = false
      if (this.acceptWord('NOT', 'NULL')) notNull = true
      else this.acceptWord('NULL')
      columns.push({name: colName, type, notNull, pos})
    } while (this.acceptOp(','))
    this.expectOp(')')
    let description: string | undefined
    if (this.acceptWord('DESCRIPTION')) description = this.stringLiteral()
    return {type: 'createStream', pos: this.pos(start), orReplace, name, columns, description}
  }

  private createFunction(start: Token, orReplace: boolean): Statement {
    const name = this.identifier('a function name')
    this.expectOp('(')
    const params: {name: string; type: SqlType}[] = []
    if (!this.isOp(')')) {
      do params.push({name: this.identifier('a parameter name'), type: this.dataType()})
      while (this.acceptOp(','))
    }
    this.expectOp(')')
    this.expectWord('RETURNS')
    const returns = this.dataType()
    let returnsNullOnNullInput = false
    // Routine characteristics, in any order, up to RETURN.
    for (;;) {
      if (this.acceptWord('RETURNS', 'NULL', 'ON', 'NULL', 'INPUT')) returnsNullOnNullInput = true
      else if (this.acceptWord('CALLED', 'ON', 'NULL', 'INPUT')) returnsNullOnNullInput = false
      else if (this.acceptWord('CONTAINS', 'SQL') || this.acceptWord('READS', 'SQL', 'DATA') || this.acceptWord('NO', 'SQL')) continue
      else if (this.acceptWord('LANGUAGE', 'SQL') || this.acceptWord('NOT', 'DETERMINISTIC') || this.acceptWord('DETERMINISTIC')) continue
      else if (this.acceptWord('SPECIFIC')) this.identifier('a specific name')
      else break
    }
    if (this.isWord('LANGUAGE') || this.isWord('EXTERNAL')) this.unsupported('a function that is not written in SQL')
    this.expectWord('RETURN')
    const body = this.expr()
    return {type: 'createFunction', pos: this.pos(start), orReplace, name, params, returns, returnsNullOnNullInput, body}
  }

  private stringLiteral(): string {
    const t = this.tok
    if (t.kind !== 'string') this.fail('a string literal')
    this.i++
    return t.value
  }

  private createPump(start: Token, orReplace: boolean): Statement {
    const name = this.identifier('a pump name')
    let description: string | undefined
    if (this.acceptWord('DESCRIPTION')) description = this.stringLiteral()
    this.expectWord('AS')
    this.expectWord('INSERT')
    this.expectWord('INTO')
    const targetPos = this.pos()
    const target = this.identifier('a stream name')
    let columns: string[] | undefined
    // `INSERT INTO s (a, b) SELECT` — but not `INSERT INTO s (SELECT ...)`
    if (this.isOp('(') && !this.isWord('SELECT', this.peek()) && !this.isWord('VALUES', this.peek())) {
      this.i++
      columns = []
      do columns.push(this.identifier('a column name'))
      while (this.acceptOp(','))
      this.expectOp(')')
    }
    const query = this.query()
    return {type: 'createPump', pos: this.pos(start), orReplace, name, description, target, targetPos, columns, query}
  }

  private dataType(): SqlType {
    const t = this.tok
    if (t.kind !== 'ident' || !TYPE_WORDS.has(t.value)) this.fail('a data type')
    this.i++
    let text = t.value === 'DEC' ? 'DECIMAL' : t.value
    if (t.value === 'DOUBLE') this.acceptWord('PRECISION')
    if ((t.value === 'CHARACTER' || t.value === 'CHAR') && this.acceptWord('VARYING')) text = 'VARCHAR'
    if (this.acceptOp('(')) {
      const a = this.tok
      if (a.kind !== 'number') this.fail('a length')
      this.i++
      text += `(${a.value}`
      if (this.acceptOp(',')) {
        const b = this.tok
        if (b.kind !== 'number') this.fail('a scale')
        this.i++
        text += `,${b.value}`
      }
      this.expectOp(')')
      text += ')'
    }
    if (t.value === 'TIMESTAMP' || t.value === 'TIME') {
      if (this.acceptWord('WITH')) this.unsupported('a time zone in a TIME/TIMESTAMP type')
    }
    const type = parseSqlType(text)
    if (!type) this.fail('a data type', t)
    return type
  }

  // ---- queries ----
  query(): Query {
    let left = this.queryTerm()
    while (this.isWord('UNION')) {
      const pos = this.pos()
      this.i++
      const all = this.acceptWord('ALL')
      if (!all) this.acceptWord('DISTINCT')
      const right = this.queryTerm()
      left = {type: 'union', pos, all, left, right}
    }
    if (this.isWord('EXCEPT') || this.isWord('INTERSECT')) this.unsupported(`${this.tok.value} on streams`)
    return left
  }

  private queryTerm(): Query {
    if (this.isOp('(')) {
      this.i++
      const q = this.query()
      this.expectOp(')')
      return q
    }
    if (this.isWord('VALUES')) {
      const pos = this.pos()
      this.i++
      const rows: Expr[][] = []
      do {
        this.expectOp('(')
        const row = [this.expr()]
        while (this.acceptOp(',')) row.push(this.expr())
        this.expectOp(')')
        rows.push(row)
      } while (this.acceptOp(','))
      return {type: 'values', pos, rows}
    }
    return this.select()
  }

  private select(): Select {
    const pos = this.pos()
    this.expectWord('SELECT')
    const stream = this.acceptWord('STREAM')
    let distinct = false
    if (this.acceptWord('DISTINCT')) distinct = true
    else this.acceptWord('ALL')
    const items: SelectItem[] = []
    do items.push(this.selectItem())
    while (this.acceptOp(','))
    this.expectWord('FROM')
    const from = this.fromClause()
    const select: Select = {type: 'select', pos, stream, distinct, items, from}
    if (this.acceptWord('WHERE')) select.where = this.expr()
    if (this.acceptWord('GROUP', 'BY')) {
      select.groupBy = [this.expr()]
      while (this.acceptOp(',')) select.groupBy.push(this.expr())
    }
    if (this.isWord('WINDOWED')) {
      const spos = this.pos()
      this.i++
      this.expectWord('BY')
      this.expectWord('STAGGER')
      this.expectOp('(')
      this.expectWord('PARTITION')
      this.expectWord('BY')
      const partitionBy = [this.expr()]
      while (this.acceptOp(',')) partitionBy.push(this.expr())
      this.expectWord('RANGE')
      const range = this.expr()
      this.expectOp(')')
      select.stagger = {pos: spos, partitionBy, range}
    }
    if (this.acceptWord('HAVING')) select.having = this.expr()
    if (this.acceptWord('WINDOW')) {
      select.windows = []
      do {
        const name = this.identifier('a window name')
        this.expectWord('AS')
        select.windows.push({name, spec: this.windowSpec()})
      } while (this.acceptOp(','))
    }
    if (this.acceptWord('ORDER', 'BY')) select.orderBy = this.orderList()
    return select
  }

  private orderList(): OrderItem[] {
    const list: OrderItem[] = []
    do {
      const expr = this.expr()
      let descending = false
      if (this.acceptWord('DESC')) descending = true
      else this.acceptWord('ASC')
      list.push({expr, descending})
    } while (this.acceptOp(','))
    return list
  }

  private selectItem(): SelectItem {
    const pos = this.pos()
    if (this.isOp('*')) {
      this.i++
      return {expr: {type: 'star', pos}, pos}
    }
    if (this.isIdentifier() && this.isOp('.', this.peek()) && this.isOp('*', this.peek(2))) {
      const qualifier = this.identifier()
      this.i += 2
      return {expr: {type: 'star', pos, qualifier}, pos}
    }
    const expr = this.expr()
    let alias: string | undefined
    if (this.acceptWord('AS')) alias = this.identifier('an alias')
    else if (this.isIdentifier() && !this.isWord('FROM')) alias = this.identifier()
    return {expr, alias, pos}
  }

  private fromClause(): FromItem {
    let left = this.fromItem()
    for (;;) {
      const pos = this.pos()
      if (this.acceptOp(',')) {
        left = {type: 'join', pos, kind: 'COMMA', left, right: this.fromItem()}
        continue
      }
      let kind: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | undefined
      if (this.acceptWord('JOIN') || this.acceptWord('INNER', 'JOIN')) kind = 'INNER'
      else if (this.acceptWord('LEFT', 'OUTER', 'JOIN') || this.acceptWord('LEFT', 'JOIN')) kind = 'LEFT'
      else if (this.acceptWord('RIGHT', 'OUTER', 'JOIN') || this.acceptWord('RIGHT', 'JOIN')) kind = 'RIGHT'
      else if (this.acceptWord('FULL', 'OUTER', 'JOIN') || this.acceptWord('FULL', 'JOIN')) kind = 'FULL'
      else if (this.acceptWord('CROSS', 'JOIN')) kind = 'CROSS'
      if (!kind) return left
      const right = this.fromItem()
      let on: Expr | undefined
      if (kind !== 'CROSS') {
        this.expectWord('ON')
        on = this.expr()
      }
      left = {type: 'join', pos, kind, left, right, on}
    }
  }

  private alias(): string | undefined {
    if (this.acceptWord('AS')) return this.identifier('an alias')
    if (this.isIdentifier() && !['WHERE', 'GROUP', 'WINDOWED', 'HAVING', 'WINDOW', 'ORDER', 'JOIN', 'LEFT', 'RIGHT', 'FULL', 'INNER', 'CROSS', 'ON', 'UNION'].includes(this.tok.value)) {
      return this.identifier()
    }
    return undefined
  }

  private fromItem(): FromItem {
    const pos = this.pos()
    if (this.isOp('(')) {
      this.i++
      const query = this.query()
      this.expectOp(')')
      const alias = this.alias()
      let columnAliases: string[] | undefined
      if (alias && this.acceptOp('(')) {
        columnAliases = [this.identifier()]
        while (this.acceptOp(',')) columnAliases.push(this.identifier())
        this.expectOp(')')
      }
      return {type: 'subquery', pos, query, alias, columnAliases}
    }
    if (this.isWord('TABLE')) {
      this.i++
      this.expectOp('(')
      const call = this.tableFunctionCall()
      this.expectOp(')')
      return {type: 'tableFunction', pos, call, alias: this.alias()}
    }
    let name = this.identifier('a stream name')
    let schema: string | undefined
    if (this.acceptOp('.')) {
      schema = name
      name = this.identifier('a stream name')
    }
    let window: WindowSpec | undefined
    if (this.acceptWord('OVER')) window = this.windowSpec()
    return {type: 'stream', pos, name, schema, alias: this.alias(), window}
  }

  private tableFunctionCall(): TableFunctionCall {
    const pos = this.pos()
    const name = this.identifier('a table function name')
    this.expectOp('(')
    const args: TableFunctionCall['args'] = []
    if (!this.isOp(')')) {
      do {
        if (this.isWord('CURSOR')) {
          const cpos = this.pos()
          this.i++
          this.expectOp('(')
          const query = this.query()
          this.expectOp(')')
          args.push({type: 'cursor', pos: cpos, query})
        } else {
          args.push({type: 'expr', expr: this.expr()})
        }
      } while (this.acceptOp(','))
    }
    this.expectOp(')')
    return {name, pos, args}
  }

  private windowSpec(): WindowSpec {
    const pos = this.pos()
    this.expectOp('(')
    const spec: WindowSpec = {pos, partitionBy: []}
    if (this.isIdentifier() && !this.isWord('PARTITION') && !this.isWord('ORDER')) spec.base = this.identifier()
    if (this.acceptWord('PARTITION', 'BY')) {
      spec.partitionBy.push(this.expr())
      while (this.acceptOp(',')) spec.partitionBy.push(this.expr())
    }
    if (this.acceptWord('ORDER', 'BY')) spec.orderBy = this.orderList()
    if (this.isWord('ROWS') || this.isWord('RANGE')) spec.frame = this.frame()
    this.expectOp(')')
    return spec
  }

  private frame(): WindowFrame {
    const unit = this.tok.value as 'ROWS' | 'RANGE'
    this.i++
    if (this.isWord('BETWEEN')) this.unsupported('a window frame with BETWEEN')
    if (this.acceptWord('CURRENT', 'ROW')) return unit === 'ROWS' ? {unit, preceding: 'CURRENT'} : {unit, preceding: 'CURRENT'}
    if (this.acceptWord('UNBOUNDED')) {
      this.expectWord('PRECEDING')
      return unit === 'ROWS' ? {unit, preceding: 'UNBOUNDED'} : {unit, preceding: 'UNBOUNDED'}
    }
    if (unit === 'ROWS') {
      const t = this.tok
      if (t.kind !== 'number' || !/^\d+$/.test(t.value)) this.fail('a row count')
      this.i++
      const following = this.frameDirection()
      return {unit, preceding: Number(t.value), following}
    }
    const extent = this.expr()
    return {unit, preceding: extent, following: this.frameDirection()}
  }

  private frameDirection(): boolean {
    if (this.acceptWord('PRECEDING')) return false
    if (this.acceptWord('FOLLOWING')) return true
    this.fail('PRECEDING or FOLLOWING')
  }

  // ---- expressions ----
  expr(): Expr {
    return this.or()
  }

  private or(): Expr {
    let left = this.and()
    while (this.isWord('OR')) {
      const pos = this.pos()
      this.i++
      left = {type: 'binary', pos, op: 'OR', left, right: this.and()}
    }
    return left
  }

  private and(): Expr {
    let left = this.not()
    while (this.isWord('AND')) {
      const pos = this.pos()
      this.i++
      left = {type: 'binary', pos, op: 'AND', left, right: this.not()}
    }
    return left
  }

  private not(): Expr {
    if (this.isWord('NOT')) {
      const pos = this.pos()
      this.i++
      return {type: 'unary', pos, op: 'NOT', operand: this.not()}
    }
    return this.comparison()
  }

  private comparison(): Expr {
    const left = this.additive()
    const t = this.tok
    const pos = this.pos()
    if (t.kind === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(t.value)) {
      this.i++
      return {type: 'binary', pos, op: t.value as '=', left, right: this.additive()}
    }
    if (this.isWord('IS')) {
      this.i++
      const negated = this.acceptWord('NOT')
      if (this.acceptWord('NULL')) return {type: 'isNull', pos, operand: left, negated}
      if (this.acceptWord('TRUE')) return {type: 'isBool', pos, operand: left, value: true, negated}
      if (this.acceptWord('FALSE')) return {type: 'isBool', pos, operand: left, value: false, negated}
      if (this.acceptWord('UNKNOWN')) return {type: 'isBool', pos, operand: left, value: null, negated}
      this.fail('NULL, TRUE, FALSE or UNKNOWN')
    }
    const negated = this.isWord('NOT') && ['LIKE', 'SIMILAR', 'BETWEEN', 'IN'].includes(this.peek().value) && this.peek().kind === 'ident'
    if (negated) this.i++
    if (this.acceptWord('LIKE') || this.acceptWord('SIMILAR', 'TO')) {
      const op = this.tokens[this.i - 1].value === 'LIKE' ? 'LIKE' : 'SIMILAR'
      const pattern = this.additive()
      let escape: Expr | undefined
      if (this.acceptWord('ESCAPE')) escape = this.additive()
      return {type: 'like', pos, op, operand: left, pattern, escape, negated}
    }
    if (this.acceptWord('BETWEEN')) {
      this.acceptWord('ASYMMETRIC')
      const low = this.additive()
      this.expectWord('AND')
      return {type: 'between', pos, operand: left, low, high: this.additive(), negated}
    }
    if (this.acceptWord('IN')) {
      this.expectOp('(')
      if (this.isWord('SELECT')) this.unsupported('IN (subquery)')
      const list = [this.expr()]
      while (this.acceptOp(',')) list.push(this.expr())
      this.expectOp(')')
      return {type: 'inList', pos, operand: left, list, negated}
    }
    if (negated) this.fail('LIKE, SIMILAR TO, BETWEEN or IN')
    return left
  }

  private additive(): Expr {
    let left = this.multiplicative()
    for (;;) {
      const t = this.tok
      if (t.kind === 'op' && (t.value === '+' || t.value === '-' || t.value === '||')) {
        this.i++
        left = {type: 'binary', pos: this.pos(t), op: t.value, left, right: this.multiplicative()}
      } else return left
    }
  }

  private multiplicative(): Expr {
    let left = this.unary()
    for (;;) {
      const t = this.tok
      if (t.kind === 'op' && (t.value === '*' || t.value === '/' || t.value === '%')) {
        this.i++
        left = {type: 'binary', pos: this.pos(t), op: t.value, left, right: this.unary()}
      } else return left
    }
  }

  private unary(): Expr {
    const t = this.tok
    if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
      this.i++
      const operand = this.unary()
      // Fold a sign into a numeric literal so `-1` prints and compares as one literal.
      if (t.value === '-' && operand.type === 'literal' && operand.kind === 'number' && !operand.text.startsWith('-')) {
        return {...operand, pos: this.pos(t), text: '-' + operand.text}
      }
      return {type: 'unary', pos: this.pos(t), op: t.value, operand}
    }
    return this.primary()
  }

  private unitWord(): TimeUnit | undefined {
    const t = this.tok
    if (t.kind === 'ident' && TIME_UNITS.has(t.value)) {
      this.i++
      return t.value as TimeUnit
    }
    return undefined
  }

  private intervalQualifier(): IntervalQualifier {
    const start = this.unitWord()
    if (!start) this.fail('a time unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)')
    const q: IntervalQualifier = {start}
    if (this.acceptOp('(')) {
      q.precision = Number(this.numberToken())
      if (this.acceptOp(',')) q.fractionalPrecision = Number(this.numberToken())
      this.expectOp(')')
    }
    if (this.acceptWord('TO')) {
      const end = this.unitWord()
      if (!end) this.fail('a time unit')
      q.end = end
      if (this.acceptOp('(')) {
        q.fractionalPrecision = Number(this.numberToken())
        this.expectOp(')')
      }
    }
    return q
  }

  private numberToken(): string {
    const t = this.tok
    if (t.kind !== 'number') this.fail('a number')
    this.i++
    return t.value
  }

  private primary(): Expr {
    const t = this.tok
    const pos = this.pos(t)
    if (t.kind === 'number') {
      this.i++
      return {type: 'literal', pos, kind: 'number', text: t.value}
    }
    if (t.kind === 'string') {
      this.i++
      return {type: 'literal', pos, kind: 'string', value: t.value}
    }
    if (t.kind === 'op' && t.value === '(') {
      this.i++
      if (this.isWord('SELECT')) this.unsupported('a scalar subquery')
      const inner = this.expr()
      this.expectOp(')')
      // `(ts1 - ts2) SECOND`: a datetime difference with its interval qualifier
      if (this.tok.kind === 'ident' && TIME_UNITS.has(this.tok.value)) {
        return {type: 'intervalQualified', pos, operand: inner, qualifier: this.intervalQualifier()}
      }
      return inner
    }
    if (t.kind === 'quoted') return this.nameOrCall()
    if (t.kind !== 'ident') this.fail('an expression')
    switch (t.value) {
      case 'NULL':
        this.i++
        return {type: 'literal', pos, kind: 'null'}
      case 'TRUE':
      case 'FALSE':
        this.i++
        return {type: 'literal', pos, kind: 'boolean', value: t.value === 'TRUE'}
      case 'TIMESTAMP':
      case 'DATE':
      case 'TIME':
        if (this.peek().kind === 'string') {
          this.i++
          const text = this.stringLiteral()
          return {type: 'literal', pos, kind: t.value.toLowerCase() as 'timestamp', text}
        }
        break
      case 'INTERVAL': {
        this.i++
        let negative = false
        if (this.acceptOp('-')) negative = true
        else this.acceptOp('+')
        const text = this.stringLiteral()
        return {type: 'literal', pos, kind: 'interval', text, negative, qualifier: this.intervalQualifier()}
      }
      case 'CASE':
        return this.caseExpr()
      case 'CAST': {
        this.i++
        this.expectOp('(')
        const operand = this.expr()
        this.expectWord('AS')
        const target = this.dataType()
        this.expectOp(')')
        return {type: 'cast', pos, operand, target}
      }
      case 'ROWTIME':
        this.i++
        return {type: 'rowtime', pos}
      case 'EXISTS':
        this.unsupported('EXISTS (subquery)')
    }
    if (RESERVED.has(t.value) && !this.isOp('(', this.peek())) this.fail('an expression')
    return this.nameOrCall()
  }

  private caseExpr(): Expr {
    const pos = this.pos()
    this.expectWord('CASE')
    let operand: Expr | undefined
    if (!this.isWord('WHEN')) operand = this.expr()
    const whens: {when: Expr; then: Expr}[] = []
    while (this.acceptWord('WHEN')) {
      const when = this.expr()
      this.expectWord('THEN')
      whens.push({when, then: this.expr()})
    }
    if (whens.length === 0) this.fail('WHEN')
    let elseExpr: Expr | undefined
    if (this.acceptWord('ELSE')) elseExpr = this.expr()
    this.expectWord('END')
    return {type: 'case', pos, operand, whens, else: elseExpr}
  }

  private nameOrCall(): Expr {
    const t = this.tok
    const pos = this.pos(t)
    const first = t.value
    this.i++
    if (this.isOp('(') && t.kind === 'ident') return this.call(first, pos)
    if (this.acceptOp('.')) {
      if (this.isWord('ROWTIME')) {
        this.i++
        return {type: 'rowtime', pos, qualifier: first}
      }
      const second = this.identifier('a column name')
      if (this.acceptOp('.')) {
        // schema.stream.column: KDA's only schema is the application itself.
        const third = this.isWord('ROWTIME') ? (this.i++, 'ROWTIME') : this.identifier('a column name')
        if (third === 'ROWTIME') return {type: 'rowtime', pos, qualifier: second}
        return {type: 'column', pos, qualifier: second, name: third}
      }
      return {type: 'column', pos, qualifier: first, name: second}
    }
    return {type: 'column', pos, name: first}
  }

  private call(name: string, pos: Pos): Expr {
    this.expectOp('(')
    const call: FunctionCall = {type: 'call', pos, name, args: []}
    switch (name) {
      case 'FLOOR':
      case 'CEIL':
      case 'CEILING':
        call.name = name === 'CEILING' ? 'CEIL' : name
        call.args.push(this.expr())
        if (this.acceptWord('TO')) call.unit = this.unitWord() ?? this.fail('a time unit')
        break
      case 'STEP':
        call.args.push(this.expr())
        this.expectWord('BY')
        call.args.push(this.expr())
        break
      case 'EXTRACT':
        call.unit = this.unitWord() ?? this.fail('a time unit')
        this.expectWord('FROM')
        call.args.push(this.expr())
        break
      case 'POSITION':
        call.args.push(this.additive())
        this.expectWord('IN')
        call.args.push(this.expr())
        break
      case 'SUBSTRING':
        call.args.push(this.expr())
        if (this.acceptWord('FROM')) {
          call.form = 'from'
          call.args.push(this.expr())
          if (this.acceptWord('FOR')) call.args.push(this.expr())
        } else if (this.acceptWord('SIMILAR')) {
          call.form = 'similar'
          call.args.push(this.expr())
          this.expectWord('ESCAPE')
          call.args.push(this.expr())
        } else {
          while (this.acceptOp(',')) call.args.push(this.expr())
        }
        break
      case 'OVERLAY':
        call.args.push(this.expr())
        this.expectWord('PLACING')
        call.args.push(this.expr())
        this.expectWord('FROM')
        call.args.push(this.expr())
        if (this.acceptWord('FOR')) call.args.push(this.expr())
        break
      case 'TRIM': {
        let mode: 'BOTH' | 'LEADING' | 'TRAILING' | undefined
        if (this.acceptWord('BOTH')) mode = 'BOTH'
        else if (this.acceptWord('LEADING')) mode = 'LEADING'
        else if (this.acceptWord('TRAILING')) mode = 'TRAILING'
        call.trim = mode ?? 'BOTH'
        if (this.acceptWord('FROM')) {
          call.args.push(this.expr())
        } else {
          const first = this.expr()
          if (this.acceptWord('FROM')) call.args.push(this.expr(), first)
          else call.args.push(first)
        }
        break
      }
      default:
        if (this.isOp('*')) {
          this.i++
          call.star = true
        } else if (!this.isOp(')')) {
          if (this.acceptWord('DISTINCT')) call.distinct = true
          else this.acceptWord('ALL')
          call.args.push(this.expr())
          while (this.acceptOp(',')) call.args.push(this.expr())
        }
    }
    this.expectOp(')')
    if (this.acceptWord('FROM', 'FIRST')) call.fromLast = false
    else if (this.acceptWord('FROM', 'LAST')) call.fromLast = true
    if (this.acceptWord('IGNORE', 'NULLS')) call.nulls = 'IGNORE'
    else if (this.acceptWord('RESPECT', 'NULLS')) call.nulls = 'RESPECT'
    if (this.acceptWord('OVER')) call.over = this.windowRef()
    return call
  }

  private windowRef(): WindowRef {
    if (this.isOp('(')) return {kind: 'inline', spec: this.windowSpec()}
    const pos = this.pos()
    return {kind: 'named', name: this.identifier('a window name or ('), pos}
  }
}
