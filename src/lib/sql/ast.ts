import type {SqlType} from './types.js'

/**
 * The syntax tree of a KDA SQL application, as parsed. Nodes are discriminated unions tagged by
 * `type`; each carries `pos` (line and column of its first token) for error messages. Names are
 * already normalised by KDA's identifier rule (unquoted upper-cased, quoted kept as written).
 * The Flink translator and `app explain` read this tree; `printStatement` turns it back into SQL.
 */
export interface Pos {
  line: number
  column: number
}

export type TimeUnit = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND'

/** `DAY`, `MINUTE TO SECOND`, `MINUTE(3)` ... */
export interface IntervalQualifier {
  start: TimeUnit
  end?: TimeUnit
  precision?: number
  fractionalPrecision?: number
}

export type Expr =
  | {type: 'literal'; pos: Pos; kind: 'number'; text: string}
  | {type: 'literal'; pos: Pos; kind: 'string'; value: string}
  | {type: 'literal'; pos: Pos; kind: 'boolean'; value: boolean}
  | {type: 'literal'; pos: Pos; kind: 'null'}
  | {type: 'literal'; pos: Pos; kind: 'timestamp' | 'date' | 'time'; text: string}
  | {type: 'literal'; pos: Pos; kind: 'interval'; text: string; negative: boolean; qualifier: IntervalQualifier}
  | ColumnRef
  | {type: 'rowtime'; pos: Pos; qualifier?: string}
  | {type: 'unary'; pos: Pos; op: '-' | '+' | 'NOT'; operand: Expr}
  | {type: 'binary'; pos: Pos; op: BinaryOp; left: Expr; right: Expr}
  | {type: 'isNull'; pos: Pos; operand: Expr; negated: boolean}
  | {type: 'isBool'; pos: Pos; operand: Expr; value: boolean | null; negated: boolean}
  | {type: 'like'; pos: Pos; op: 'LIKE' | 'SIMILAR'; operand: Expr; pattern: Expr; escape?: Expr; negated: boolean}
  | {type: 'between'; pos: Pos; operand: Expr; low: Expr; high: Expr; negated: boolean}
  | {type: 'inList'; pos: Pos; operand: Expr; list: Expr[]; negated: boolean}
  | {type: 'case'; pos: Pos; operand?: Expr; whens: {when: Expr; then: Expr}[]; else?: Expr}
  | {type: 'cast'; pos: Pos; operand: Expr; target: SqlType}
  | {type: 'intervalQualified'; pos: Pos; operand: Expr; qualifier: IntervalQualifier}
  | FunctionCall
  | {type: 'star'; pos: Pos; qualifier?: string}

export interface ColumnRef {
  type: 'column'
  pos: Pos
  /** Stream or alias qualifier (`weblogs` in `weblogs."page"`), if any. */
  qualifier?: string
  name: string
}

export type BinaryOp = 'OR' | 'AND' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '||'

/**
 * Any call, including the special syntaxes: FLOOR(x TO unit) → args [x] with `unit`;
 * STEP(x BY i) → args [x, i]; SUBSTRING(s FROM a FOR b) → args [s, a, b] with `form: 'from'`;
 * SUBSTRING(s SIMILAR p ESCAPE e) → `form: 'similar'`; POSITION(a IN b) → args [a, b];
 * TRIM(LEADING c FROM s) → `trim`; EXTRACT(unit FROM x) → `unit`; COUNT(*) → `star`.
 */
export interface FunctionCall {
  type: 'call'
  pos: Pos
  name: string
  args: Expr[]
  distinct?: boolean
  star?: boolean
  unit?: TimeUnit
  form?: 'from' | 'similar'
  trim?: 'BOTH' | 'LEADING' | 'TRAILING'
  nulls?: 'IGNORE' | 'RESPECT'
  fromLast?: boolean
  over?: WindowRef
}

/** `OVER w` or `OVER (PARTITION BY ... RANGE ...)`. */
export type WindowRef = {kind: 'named'; name: string; pos: Pos} | {kind: 'inline'; spec: WindowSpec}

export interface WindowSpec {
  pos: Pos
  /** `(w PARTITION BY ...)`: a spec extending a named window. */
  base?: string
  partitionBy: Expr[]
  orderBy?: OrderItem[]
  frame?: WindowFrame
}

export type WindowFrame =
  | {unit: 'ROWS'; preceding: number | 'CURRENT' | 'UNBOUNDED'; following?: boolean}
  | {unit: 'RANGE'; preceding: Expr | 'CURRENT' | 'UNBOUNDED'; following?: boolean}

export interface OrderItem {
  expr: Expr
  descending: boolean
}

export interface SelectItem {
  expr: Expr
  alias?: string
  pos: Pos
}

export type FromItem =
  | {type: 'stream'; pos: Pos; name: string; schema?: string; alias?: string; window?: WindowSpec}
  | {type: 'subquery'; pos: Pos; query: Query; alias?: string; columnAliases?: string[]}
  | {type: 'tableFunction'; pos: Pos; call: TableFunctionCall; alias?: string}
  | {type: 'join'; pos: Pos; kind: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'COMMA'; left: FromItem; right: FromItem; on?: Expr}

export interface TableFunctionCall {
  name: string
  pos: Pos
  args: ({type: 'cursor'; pos: Pos; query: Query} | {type: 'expr'; expr: Expr})[]
}

export interface StaggerClause {
  pos: Pos
  partitionBy: Expr[]
  range: Expr
}

export interface Select {
  type: 'select'
  pos: Pos
  stream: boolean
  distinct: boolean
  items: SelectItem[]
  from: FromItem
  where?: Expr
  groupBy?: Expr[]
  stagger?: StaggerClause
  having?: Expr
  windows?: {name: string; spec: WindowSpec}[]
  orderBy?: OrderItem[]
}

export type Query =
  | Select
  | {type: 'union'; pos: Pos; all: boolean; left: Query; right: Query}
  | {type: 'values'; pos: Pos; rows: Expr[][]}

export interface ColumnDef {
  name: string
  type: SqlType
  notNull: boolean
  pos: Pos
}

export type Statement =
  | {type: 'createStream'; pos: Pos; orReplace: boolean; name: string; columns: ColumnDef[]; description?: string}
  | {
      type: 'createPump'
      pos: Pos
      orReplace: boolean
      name: string
      description?: string
      target: string
      targetPos: Pos
      columns?: string[]
      query: Query
    }
  | {type: 'query'; pos: Pos; query: Query}
  | CreateFunction

/** `CREATE FUNCTION f(p TYPE, ...) RETURNS TYPE [options] RETURN expr`: a SQL scalar function. */
export interface CreateFunction {
  type: 'createFunction'
  pos: Pos
  orReplace: boolean
  name: string
  params: {name: string; type: SqlType}[]
  returns: SqlType
  /** `RETURNS NULL ON NULL INPUT` (otherwise CALLED ON NULL INPUT). */
  returnsNullOnNullInput: boolean
  body: Expr
}

export interface Script {
  statements: Statement[]
}
