import {InputError, InternalError} from '../core/errors.js'
import {generatedFunction} from '../core/generated-code.js'
import type {ApplicationRuntime, CompiledApplication, RowListener, RuntimeOptions, StreamInfo} from './api.js'
import {RowError} from './compile.js'
import {ERROR_STREAM, errorStreamRow} from './input/error-stream.js'
import type {Registry, Sink} from './operators.js'
import type {PlanNode} from './planner.js'
import type {Row, SqlValue} from './types.js'


export interface CompiledPump {
  name: string
  target: string
  /** Reads these streams. */
  reads: string[]
  plan: PlanNode
  /** Maps a query output row to a row of the target stream (column list, coercions). */
  toTarget: (row: Row) => Row
}

interface StreamState {
  info: StreamInfo
  subscribers: {pump: string; sink: Sink}[]
  lastTime: number
  /** Hands a row of this stream to the listener and to every pump reading it (generated). */
  emit: (row: Row, t: number) => void
}

const SNAPSHOT_VERSION = 1

export class Application implements CompiledApplication {
  constructor(
    readonly streams: readonly StreamInfo[],
    private readonly pumps: CompiledPump[],
    private readonly explainText: string,
  ) {}

  explain(): string {
    return this.explainText
  }

  createRuntime(options: RuntimeOptions): ApplicationRuntime {
    return new Runtime(this.streams, this.pumps, options)
  }
}

class Runtime implements ApplicationRuntime {
  private readonly streams = new Map<string, StreamState>()
  /** Streams in dependency order: a stream comes after every stream its pumps read. */
  private readonly order: StreamState[]
  private readonly registry: Registry = []
  private readonly onRow: RowListener
  private readonly reported: ReadonlySet<string> | undefined
  private readonly wholeRow: RuntimeOptions['wholeRow']
  private time = -Infinity
  private ended = false
  private readonly starters: ((time: number) => void)[] = []
  private started = false

  constructor(infos: readonly StreamInfo[], pumps: CompiledPump[], options: RuntimeOptions) {
    this.onRow = options.onRow
    this.reported = options.reported === undefined ? undefined : new Set(options.reported)
    this.wholeRow = options.wholeRow
    for (const info of infos) this.streams.set(info.name, {info, subscribers: [], lastTime: -Infinity, emit: () => {}})
    const inserts: {insert: Sink; target: StreamState; pump: CompiledPump}[] = []
    for (const pump of pumps) {
      const target = this.streams.get(pump.target)
      if (!target) throw new InternalError(`pump ${pump.name} writes to unknown stream ${pump.target}`)
      // Its row function is set once every stream's readers are known (below).
      const insert: Sink = {row: () => {}, time: () => {}}
      inserts.push({insert, target, pump})
      pump.plan.build(insert, {
        registry: this.registry,
        subscribe: (stream, sink) => {
          const s = this.streams.get(stream)
          if (!s) throw new InternalError(`pump ${pump.name} reads unknown stream ${stream}`)
          s.subscribers.push({pump: pump.name, sink})
        },
        onStart: (start) => this.starters.push(start),
      })
    }
    for (const s of this.streams.values()) s.emit = this.compileEmit(s)
    for (const {insert, target, pump} of inserts) {
      const emit = target.emit
      const toTarget = pump.toTarget
      insert.row = (r, t) => emit(toTarget(r), t)
    }
    this.order = dependencyOrder(infos, pumps).map((n) => this.streams.get(n)!)
    if (options.restore !== undefined) this.restore(options.restore)
  }

  /**
   * A stream's emit function, generated so that each call in it has one target the JIT can
   * inline (a shared loop over subscribers would see every pump of the application).
   */
  private compileEmit(stream: StreamState): (row: Row, t: number) => void {
    const wholeRow = stream.info.isSource ? this.wholeRow : undefined
    const rowFailed = (error: unknown, row: Row, t: number, pump: string) => this.rowFailed(error, wholeRow ? wholeRow(stream.info.name, row) : row, t, pump)
    const bindings: Record<string, unknown> = {stream, onRow: this.onRow, rowFailed}
    const lines = ['if (t < stream.lastTime) t = stream.lastTime', 'stream.lastTime = t']
    // Rows pushed into a source stream are the caller's own: only pumped streams are reported.
    if (!stream.info.isSource && (this.reported === undefined || this.reported.has(stream.info.name))) lines.push('onRow(stream.info.name, row, t)')
    stream.subscribers.forEach((sub, i) => {
      bindings[`sink${i}`] = sub.sink
      bindings[`pump${i}`] = sub.pump
      lines.push(`try { sink${i}.row(row, t) } catch (error) { rowFailed(error, row, t, pump${i}) }`)
    })
    return generatedFunction('emit', ['row', 't'], bindings, lines)
  }

  /** A row a pump could not evaluate goes to error_stream (KDA); anything else is a bug. */
  private rowFailed(error: unknown, row: Row, t: number, pump: string): void {
    if (!(error instanceof RowError)) throw error
    this.onRow(ERROR_STREAM, errorRow(error.message, row, t, pump), t)
  }

  private lastPushed: StreamState | undefined

  push(stream: string, row: Row, rowtime: number): void {
    let s = this.lastPushed
    if (s === undefined || s.info.name !== stream) s = this.lastPushed = this.streams.get(stream)
    if (!s || !s.info.isSource) {
      const sources = [...this.streams.values()].filter((x) => x.info.isSource).map((x) => x.info.name)
      throw new InputError(`${stream} is not a source stream of this application`, {suggestions: [`source streams: ${sources.join(', ') || '(none)'}`]})
    }
    if (this.ended) throw new InputError('the input has ended; no rows can follow end()')
    if (!this.started) this.start(rowtime)
    s.emit(row, rowtime)
    const t = s.lastTime
    if (t > this.time) this.advance(t)
  }

  private start(time: number): void {
    this.started = true
    for (const start of this.starters) start(time)
  }

  advanceTime(time: number): void {
    if (this.ended || !(time > this.time)) return
    if (!this.started) this.start(time)
    for (const s of this.streams.values()) if (s.info.isSource && s.lastTime < time) s.lastTime = time
    this.advance(time)
  }

  private advance(t: number): void {
    this.time = t
    for (const s of this.order) {
      const subs = s.subscribers
      for (let i = 0; i < subs.length; i++) {
        try {
          subs[i].sink.time(t)
        } catch (error) {
          if (!(error instanceof RowError)) throw error
          this.onRow(ERROR_STREAM, errorRow(error.message, [], t === Infinity ? this.lastFinite() : t, subs[i].pump), t === Infinity ? this.lastFinite() : t)
        }
      }
    }
  }

  private lastFinite(): number {
    return Math.max(0, ...[...this.streams.values()].map((s) => (Number.isFinite(s.lastTime) ? s.lastTime : 0)))
  }

  end(): void {
    if (this.ended) return
    if (!this.started) this.start(Number.isFinite(this.time) ? this.time : 0)
    this.advance(Infinity)
    this.ended = true
  }

  snapshot(): unknown {
    return {
      version: SNAPSHOT_VERSION,
      time: Number.isFinite(this.time) ? this.time : null,
      started: this.started,
      streams: Object.fromEntries([...this.streams.values()].map((s) => [s.info.name, Number.isFinite(s.lastTime) ? s.lastTime : null])),
      operators: this.registry.map((op) => op.snapshot()),
    }
  }

  private restore(state: unknown): void {
    const s = state as {version?: number; time: number | null; streams: Record<string, number | null>; operators: unknown[]}
    if (!s || s.version !== SNAPSHOT_VERSION || !Array.isArray(s.operators) || s.operators.length !== this.registry.length) {
      throw new InputError('the saved state does not belong to this version of the application', {
        suggestions: ['start the application without its saved state (its windows start empty)'],
      })
    }
    this.time = s.time ?? -Infinity
    this.started = (s as {started?: boolean}).started === true
    for (const [name, t] of Object.entries(s.streams)) {
      const st = this.streams.get(name)
      if (st) st.lastTime = t ?? -Infinity
    }
    this.registry.forEach((op, i) => op.restore(s.operators[i]))
  }
}

function dependencyOrder(infos: readonly StreamInfo[], pumps: CompiledPump[]): string[] {
  const order: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string) => {
    if (state.get(name)) return
    state.set(name, 'visiting')
    for (const p of pumps) if (p.target === name) for (const r of p.reads) visit(r)
    state.set(name, 'done')
    order.push(name)
  }
  for (const i of infos) visit(i.name)
  return order
}

/** A row of KDA's error_stream for a row that failed inside a pump (division by zero, a bad CAST...). */
function errorRow(message: string, row: Row, t: number, pump: string): SqlValue[] {
  const data = JSON.stringify(row.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)))
  const out = errorStreamRow({errorTime: t, message, data, dataRowtime: t, name: 'SQL_Runtime_Error'})
  out[6] = pump
  return out
}
