import type {Column, Row} from './types.js'

/**
 * The public face of the local KDA-SQL runtime: what the application runner, the worker, `app
 * explain` and the Flink translator use. The engine behind it lives in layers (lexer → parser →
 * AST → binder/planner → logical plan → streaming operators → runtime); nothing outside
 * src/lib/sql reaches past this file and the AST types.
 */

/** An in-application stream fed from outside (KDA's `SOURCE_SQL_STREAM_001`). */
export interface SourceStreamDefinition {
  /** As KDA names it: upper-case unless it was created quoted. */
  name: string
  columns: Column[]
}

export interface CompileOptions {
  /** The in-application streams the input mapping provides. */
  sources: SourceStreamDefinition[]
  /** File name used in error locations (`app.sql:12:5: ...`). */
  file?: string
}

export interface StreamInfo {
  name: string
  columns: Column[]
  /** Fed from outside (an input), not by a pump. */
  isSource: boolean
  /** Written by at least one pump. */
  isPumped: boolean
  /** Read by no pump: the application's results (what goes to outputs by default). */
  isTerminal: boolean
  /**
   * Per column, whether any query reads it (by name, or through `*`). A source stream's rows may
   * be pushed with the columns no query reads left NULL: the results are the same.
   */
  columnsRead: readonly boolean[]
}

/** Receives every row a pump inserts into a stream, with the row's ROWTIME (epoch ms). */
export type RowListener = (stream: string, row: Row, rowtime: number) => void

export interface RuntimeOptions {
  onRow: RowListener
  /** The pumped streams whose rows reach `onRow` (error_stream's always do); every one unless given. */
  reported?: readonly string[]
  /**
   * The whole row behind a source-stream row pushed with unread columns left NULL (see
   * `StreamInfo.columnsRead`), for error_stream, whose DATA shows the row a pump refused.
   * Called only while that row's push is under way.
   */
  wholeRow?: (stream: string, row: Row) => Row
  /** State from `ApplicationRuntime.snapshot()` of an earlier run of the same application. */
  restore?: unknown
}

export interface CompiledApplication {
  /** Every in-application stream, sources first, in declaration order. */
  readonly streams: readonly StreamInfo[]
  /** The plan, one pump per block, for `clickstream app explain`. */
  explain(): string
  createRuntime(options: RuntimeOptions): ApplicationRuntime
}

export interface ApplicationRuntime {
  /**
   * Feeds one row into a source stream. ROWTIMEs must not decrease per source stream; a row whose
   * ROWTIME is earlier than the last one is given the last ROWTIME (KDA's ROWTIME is monotonic).
   * Rows a pump emits reach `onRow` synchronously, in ROWTIME order.
   */
  push(stream: string, row: Row, rowtime: number): void
  /** A heartbeat: time has reached `time` on every input though no row came; closes windows that ended. */
  advanceTime(time: number): void
  /** The input is finite and has ended: closes every open window as if time had moved past it. */
  end(): void
  /** Operator state (windows, LAG buffers, joins), JSON-serialisable, for checkpoints. */
  snapshot(): unknown
}

/**
 * Compiles an application's SQL (CREATE STREAM / CREATE PUMP statements). Throws InputError
 * with line and column for syntax and name errors (unknown names list the known ones), and
 * NotSupportedError for valid KDA SQL this runtime does not support yet.
 */
export type CompileApplication = (sql: string, options: CompileOptions) => CompiledApplication
