import type {Accumulator} from './aggregates.js'
import {codeOf, type Bound, type Eval} from './compile.js'
import {codeGen, generatedFunction} from '../core/generated-code.js'
import {LastValueTable, type LastValueEntry, type PartitionKey} from './last-value-table.js'
import type {Row, SqlValue} from './types.js'

/**
 * Streaming operators. Each receives rows with their ROWTIME (`row`) and time heartbeats
 * (`time`: no row with an earlier ROWTIME will follow), and pushes results downstream
 * synchronously. `time(Infinity)` is the end of a finite input: every open window closes at
 * its own end time. Stateful operators register with the registry so the runtime can snapshot
 * and restore them in a fixed order.
 */
export interface Sink {
  row(r: Row, t: number): void
  time(t: number): void
}

export interface Stateful {
  snapshot(): unknown
  restore(state: unknown): void
}

export type Registry = Stateful[]

export function keyOf(values: SqlValue[]): string {
  let s = ''
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    s += v === null ? '\u0001' : typeof v === 'number' ? 'n' + v : typeof v === 'boolean' ? (v ? 'T' : 'F') : 's' + String(v)
    s += '\u0000'
  }
  return s
}

/** A Map key for one value: the value itself (strings and numbers never collide in a Map); NULL is a sentinel. */
const NULL_KEY = '\u0000NULL'
const singleKey = (v: SqlValue): PartitionKey => (v === null ? NULL_KEY : v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('base64') : v)

/**
 * WHERE, then analytic (OVER) values, then the select list. Stateless except for the analytics.
 * `row` is generated per operator (see projectRow) so each call in it has one target, which the
 * JIT can inline: through a shared loop over closures every call site sees every expression.
 */
export class ProjectOperator implements Sink {
  readonly row: (r: Row, t: number) => void

  constructor(
    private readonly out: Sink,
    filter: Bound | undefined,
    analytics: AnalyticSet | undefined,
    exprs: Bound[] | undefined,
    rowtimeExpr: Bound | undefined,
  ) {
    this.row = projectRow(out, filter, analytics, exprs, rowtimeExpr)
  }

  time(t: number): void {
    this.out.time(t)
  }
}

/**
 * The row function, generated with the expressions written in it as code where they can be
 * (Bound.code): a row's columns are computed without a call per operator, and numbers in between
 * stay unboxed.
 */
function projectRow(out: Sink, filter: Bound | undefined, analytics: AnalyticSet | undefined, exprs: Bound[] | undefined, rowtimeExpr: Bound | undefined): (r: Row, t: number) => void {
  const bindings: Record<string, unknown> = {out, analytics}
  const g = codeGen(bindings)
  const lines: string[] = []
  if (filter !== undefined) lines.push(`if (${codeOf(filter, g)} !== true) return`)
  if (analytics !== undefined) lines.push('analytics.step(r, t)')
  lines.push(`const o = ${exprs === undefined ? 'r' : `[${exprs.map((e) => codeOf(e, g)).join(', ')}]`}`)
  if (rowtimeExpr !== undefined) lines.push(`const time = ${codeOf(rowtimeExpr, g)}`, "if (typeof time === 'number') t = time")
  lines.push('out.row(o, t)')
  return generatedFunction('projectRow', ['r', 't'], bindings, [...g.declarations(), ...lines])
}

// ---------------------------------------------------------------------------------------------
// Analytic (OVER) functions

export interface Frame {
  /** ROWS n PRECEDING: n. */
  rows?: number
  /** RANGE INTERVAL ... PRECEDING: ms. */
  range?: number
}

export interface AnalyticCall {
  kind: 'LAG' | 'LAG1' | 'LAST_IGNORE' | 'LAST' | 'WINDOW'
  arg: Eval | undefined
  frame: Frame
  /** LAG offset. */
  offset?: number
  defaultValue?: Eval
  ignoreNulls: boolean
  /** For 'WINDOW' calls: how to compute the value from the entries in the frame. */
  compute?: (vals: SqlValue[], times: number[], from: number, to: number, t: number) => SqlValue
  /** For 'WINDOW' calls with an incremental accumulator (SUM/COUNT/AVG). */
  running?: 'SUM' | 'COUNT' | 'COUNT_STAR' | 'AVG' | 'AVG_INT'
}

interface Partition {
  n: number
  lastT: number
  states: unknown[]
}

interface LagState {
  vals: SqlValue[]
  times: number[]
  idx: number[]
  count: number
}

interface LastState {
  has: boolean
  v: SqlValue
  t: number
  i: number
}

interface DequeState {
  vals: SqlValue[]
  times: number[]
  idx: number[]
  head: number
  sum: number
  cnt: number
}

export interface AnalyticGroup {
  partitionKey: Eval[]
  calls: AnalyticCall[]
  /** Where each call's value goes in the shared slot array. */
  slotIndex: number[]
}

/**
 * The analytic functions of one select list, grouped by PARTITION BY. Each partition keeps only
 * what its functions need: LAG keeps N rows, LAST_VALUE IGNORE NULLS one, sliding aggregates the
 * rows of their frame; partitions whose RANGE frames have expired are dropped.
 */
export class AnalyticSet implements Stateful {
  private readonly maps: Map<PartitionKey, Partition>[]
  /** Groups of one LAG(x, 1) or LAST_VALUE IGNORE NULLS keep their partitions in a compact table. */
  private readonly tables: (LastValueTable | undefined)[]
  private readonly expiring: (number | undefined)[]
  private sinceSweep = 0
  private readonly keyFns: ((r: Row, t: number) => PartitionKey)[]
  private readonly tableSteppers: (TableStepper | undefined)[]

  constructor(
    private readonly groups: AnalyticGroup[],
    readonly slots: SqlValue[],
    registry: Registry,
  ) {
    this.maps = groups.map(() => new Map())
    // A partition may be dropped once every function in the group has a RANGE frame that expired.
    this.expiring = groups.map((g) => (g.calls.every((c) => c.frame.range !== undefined && c.frame.rows === undefined) ? Math.max(...g.calls.map((c) => c.frame.range!)) : undefined))
    this.keyFns = groups.map((g) => partitionKeyFunction(g.partitionKey))
    this.tableSteppers = groups.map((g) => (g.calls.length === 1 ? makeTableStepper(g.calls[0]) : undefined))
    this.tables = this.tableSteppers.map((s) => (s === undefined ? undefined : new LastValueTable()))
    this.step = this.compileStep()
    registry.push(this)
  }

  /** Steps every group's functions for a row; their values land in `slots`. */
  readonly step: (r: Row, t: number) => void

  /** A group whose functions keep their partitions in a Map. */
  stepGroup(g: number, key: PartitionKey, r: Row, t: number): void {
    const map = this.maps[g]
    let p = map.get(key)
    if (p === undefined) {
      p = {n: 0, lastT: t, states: this.groups[g].calls.map((c) => initState(c))}
      map.set(key, p)
    }
    const rowIndex = p.n++
    p.lastT = t
    const {calls, slotIndex} = this.groups[g]
    const slots = this.slots
    const states = p.states
    for (let c = 0; c < calls.length; c++) slots[slotIndex[c]] = stepCall(calls[c], states[c], r, t, rowIndex)
  }

  /** Sweeps expired partitions now and then, never more often than there are partitions to look at. */
  maybeSweep(t: number): void {
    if (++this.sinceSweep >= 50_000 && this.sinceSweep >= this.partitions) this.sweep(t)
  }

  /** Generated like ProjectOperator.row, so each call in it has a single target. */
  private compileStep(): (r: Row, t: number) => void {
    const bindings: Record<string, unknown> = {set: this, slots: this.slots}
    const lines: string[] = []
    this.groups.forEach((group, g) => {
      bindings[`key${g}`] = this.keyFns[g]
      const table = this.tables[g]
      if (table === undefined) {
        lines.push(`set.stepGroup(${g}, key${g}(r, t), r, t)`)
        return
      }
      bindings[`table${g}`] = table
      bindings[`stepper${g}`] = this.tableSteppers[g]
      lines.push(`{ const id = table${g}.idOf(key${g}(r, t), t); slots[${group.slotIndex[0]}] = stepper${g}(table${g}, id, r, t, table${g}.nextRow(id, t)) }`)
    })
    lines.push('set.maybeSweep(t)')
    return generatedFunction('analyticStep', ['r', 't'], bindings, lines)
  }

  private sweep(t: number): void {
    this.sinceSweep = 0
    for (let g = 0; g < this.groups.length; g++) {
      const range = this.expiring[g]
      if (range === undefined) continue
      const limit = t - range
      const table = this.tables[g]
      if (table !== undefined) table.dropOlderThan(limit)
      else for (const [k, p] of this.maps[g]) if (p.lastT < limit) this.maps[g].delete(k)
    }
  }

  /** Number of partitions held (benchmarks show state stays bounded by active keys). */
  get partitions(): number {
    let n = 0
    for (let g = 0; g < this.groups.length; g++) n += this.tables[g]?.size ?? this.maps[g].size
    return n
  }

  snapshot(): unknown {
    return this.groups.map((_, g) => this.tables[g]?.entries() ?? [...this.maps[g].entries()])
  }

  restore(state: unknown): void {
    const groups = state as unknown[][]
    groups.forEach((entries, g) => {
      const table = this.tables[g]
      if (table !== undefined) table.restore(entries as [PartitionKey, LastValueEntry][])
      else if (this.maps[g]) this.maps[g] = new Map(entries as [PartitionKey, Partition][])
    })
  }
}

function partitionKeyFunction(pk: Eval[]): (r: Row, t: number) => PartitionKey {
  if (pk.length === 0) return () => ''
  if (pk.length === 1) {
    const f = pk[0]
    return (r, t) => singleKey(f(r, t))
  }
  return (r, t) => {
    const vals = new Array<SqlValue>(pk.length)
    for (let i = 0; i < pk.length; i++) vals[i] = pk[i](r, t)
    return keyOf(vals)
  }
}

function initState(c: AnalyticCall): unknown {
  switch (c.kind) {
    case 'LAG':
      return {vals: [], times: [], idx: [], count: 0} satisfies LagState
    case 'LAST_IGNORE':
    case 'LAG1':
      return {has: false, v: null, t: 0, i: 0} satisfies LastState
    case 'LAST':
      return null
    case 'WINDOW':
      return {vals: [], times: [], idx: [], head: 0, sum: 0, cnt: 0} satisfies DequeState
  }
}

function inFrame(frame: Frame, t: number, rowIndex: number, et: number, ei: number): boolean {
  if (frame.rows !== undefined && rowIndex - ei > frame.rows) return false
  if (frame.range !== undefined && et < t - frame.range) return false
  return true
}

type TableStepper = (table: LastValueTable, id: number, r: Row, t: number, rowIndex: number) => SqlValue

/** LAG(x, 1) and LAST_VALUE(x) IGNORE NULLS over a partition kept in a LastValueTable. */
function makeTableStepper(c: AnalyticCall): TableStepper | undefined {
  const arg = c.arg
  if (arg === undefined) return undefined
  const rows = c.frame.rows ?? Infinity
  const range = c.frame.range ?? Infinity
  if (c.kind === 'LAG1') {
    const def = c.defaultValue
    const respect = !c.ignoreNulls
    return (table, id, r, t, rowIndex) => {
      const v = arg(r, t)
      const kept = table.keptWithin(id, rowIndex, rows, t, range)
      const result = kept !== undefined ? kept : def === undefined ? null : def(r, t)
      if (respect || v !== null) table.keep(id, v, t, rowIndex)
      return result
    }
  }
  if (c.kind === 'LAST_IGNORE') {
    return (table, id, r, t, rowIndex) => {
      const v = arg(r, t)
      if (v !== null) {
        table.keep(id, v, t, rowIndex)
        return v
      }
      const kept = table.keptWithin(id, rowIndex, rows, t, range)
      return kept === undefined ? null : kept
    }
  }
  return undefined
}

function stepCall(c: AnalyticCall, state: unknown, r: Row, t: number, rowIndex: number): SqlValue {
  const v = c.arg === undefined ? null : c.arg(r, t)
  switch (c.kind) {
    case 'LAG': {
      const s = state as LagState
      const n = c.offset!
      let result: SqlValue
      if (s.count < n) result = c.defaultValue ? c.defaultValue(r, t) : null
      else {
        const at = (s.count - n) % n
        result = inFrame(c.frame, t, rowIndex, s.times[at], s.idx[at]) ? s.vals[at] : c.defaultValue ? c.defaultValue(r, t) : null
      }
      if (!c.ignoreNulls || v !== null) {
        const at = s.count % n
        s.vals[at] = v
        s.times[at] = t
        s.idx[at] = rowIndex
        s.count++
        // keep the counter small and the ring position intact
        if (s.count >= 2 * n && s.count > 1_000_000) s.count = n + (s.count % n)
      }
      return result
    }
    case 'LAG1': {
      // LAG(x, 1): the previous row only, kept inline (the common case, seed 004).
      const s = state as LastState
      const result = s.has && inFrame(c.frame, t, rowIndex, s.t, s.i) ? s.v : c.defaultValue ? c.defaultValue(r, t) : null
      if (!c.ignoreNulls || v !== null) {
        s.has = true
        s.v = v
        s.t = t
        s.i = rowIndex
      }
      return result
    }
    case 'LAST':
      return v
    case 'LAST_IGNORE': {
      const s = state as LastState
      if (v !== null) {
        s.has = true
        s.v = v
        s.t = t
        s.i = rowIndex
        return v
      }
      return s.has && inFrame(c.frame, t, rowIndex, s.t, s.i) ? s.v : null
    }
    case 'WINDOW': {
      const s = state as DequeState
      s.vals.push(v)
      s.times.push(t)
      s.idx.push(rowIndex)
      if (v !== null) {
        s.cnt++
        if (typeof v === 'number') s.sum += v
      }
      const frame = c.frame
      while (s.head < s.vals.length - 1 && !inFrame(frame, t, rowIndex, s.times[s.head], s.idx[s.head])) {
        const old = s.vals[s.head]
        if (old !== null) {
          s.cnt--
          if (typeof old === 'number') s.sum -= old
        }
        s.head++
      }
      if (s.head > 64 && s.head * 2 > s.vals.length) {
        s.vals.splice(0, s.head)
        s.times.splice(0, s.head)
        s.idx.splice(0, s.head)
        s.head = 0
      }
      switch (c.running) {
        case 'COUNT':
          return s.cnt
        case 'COUNT_STAR':
          return s.vals.length - s.head
        case 'SUM':
          return s.cnt === 0 ? null : s.sum
        case 'AVG':
          return s.cnt === 0 ? null : s.sum / s.cnt
        case 'AVG_INT':
          return s.cnt === 0 ? null : Math.trunc(s.sum / s.cnt)
      }
      return c.compute!(s.vals, s.times, s.head, s.vals.length, t)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tumbling GROUP BY

export interface AggregateSpec {
  acc: Accumulator
  arg: Eval | undefined
}

export interface GroupOutput {
  having: Eval | undefined
  exprs: Eval[]
}

interface Group {
  keys: SqlValue[]
  states: unknown[][]
}

/**
 * Streaming GROUP BY. One key is the window driver: either a function of ROWTIME only (its
 * window end is found by searching the first later time where the key changes, and a heartbeat
 * closes it), or a monotonic column (the window closes when a row with another value arrives).
 * Output ROWTIME is the window's end (or the time of the row that closed it).
 */
export class GroupAggregateOperator implements Sink, Stateful {
  private groups = new Map<string, Group>()
  private driverValue: SqlValue | undefined = undefined
  private windowEnd = Infinity
  private lastT = -Infinity

  constructor(
    private readonly out: Sink,
    private readonly keys: Eval[],
    private readonly driver: {index: number; mode: 'time' | 'change'},
    private readonly aggs: AggregateSpec[],
    private readonly output: GroupOutput,
    registry: Registry,
  ) {
    registry.push(this)
  }

  row(r: Row, t: number): void {
    this.lastT = t
    const driverEval = this.keys[this.driver.index]
    if (this.driver.mode === 'time') {
      if (this.groups.size > 0 && t >= this.windowEnd) this.flush(this.windowEnd)
      if (this.groups.size === 0) {
        this.driverValue = driverEval(r, t)
        this.windowEnd = findChange(driverEval, t, this.driverValue)
      }
    } else {
      const d = driverEval(r, t)
      if (this.groups.size > 0 && d !== this.driverValue) this.flush(t)
      this.driverValue = d
    }
    const n = this.keys.length
    const keys = new Array<SqlValue>(n)
    for (let i = 0; i < n; i++) keys[i] = this.keys[i](r, t)
    const k = keyOf(keys)
    let g = this.groups.get(k)
    if (g === undefined) {
      g = {keys, states: this.aggs.map((a) => a.acc.init())}
      this.groups.set(k, g)
    }
    const aggs = this.aggs
    for (let i = 0; i < aggs.length; i++) {
      const a = aggs[i]
      a.acc.add(g.states[i], a.arg === undefined ? 1 : a.arg(r, t))
    }
  }

  time(t: number): void {
    if (this.groups.size > 0) {
      if (this.driver.mode === 'time' && t >= this.windowEnd) this.flush(this.windowEnd)
      else if (t === Infinity) this.flush(this.windowEnd === Infinity || this.driver.mode === 'change' ? this.lastT : this.windowEnd)
    }
    this.out.time(t)
  }

  private flush(rowtime: number): void {
    const groups = this.groups
    this.groups = new Map()
    const {having, exprs} = this.output
    for (const g of groups.values()) {
      const gr: Row = g.keys.slice()
      for (let i = 0; i < this.aggs.length; i++) gr.push(this.aggs[i].acc.result(g.states[i]))
      if (having !== undefined && having(gr, rowtime) !== true) continue
      const out = new Array(exprs.length)
      for (let i = 0; i < exprs.length; i++) out[i] = exprs[i](gr, rowtime)
      this.out.row(out, rowtime)
    }
  }

  snapshot(): unknown {
    return {groups: [...this.groups.entries()], driverValue: this.driverValue ?? null, windowEnd: this.windowEnd === Infinity ? null : this.windowEnd, lastT: this.lastT === -Infinity ? null : this.lastT}
  }

  restore(state: unknown): void {
    const s = state as {groups: [string, Group][]; driverValue: SqlValue; windowEnd: number | null; lastT: number | null}
    this.groups = new Map(s.groups)
    this.driverValue = s.driverValue
    this.windowEnd = s.windowEnd ?? Infinity
    this.lastT = s.lastT ?? -Infinity
  }
}

/** The first time after `t` at which a ROWTIME-only key stops being `value` (exponential + binary search). */
export function findChange(f: Eval, t: number, value: SqlValue): number {
  const empty: Row = []
  let step = 1
  const LIMIT = 2 ** 45
  while (step < LIMIT && f(empty, t + step) === value) step *= 2
  if (step >= LIMIT) return Infinity
  let lo = t + step / 2
  let hi = t + step
  if (step === 1) return t + 1
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (f(empty, mid) === value) lo = mid
    else hi = mid
  }
  return hi
}

// ---------------------------------------------------------------------------------------------
// WINDOWED BY STAGGER

interface StaggerWindow {
  close: number
  keys: SqlValue[]
  states: unknown[][]
}

/**
 * Stagger windows: per partition key, a window opens at the first row's ROWTIME and closes
 * `range` later; on close one row is emitted with ROWTIME = open + range.
 */
export class StaggerOperator implements Sink, Stateful {
  private windows = new Map<string, StaggerWindow>()

  constructor(
    private readonly out: Sink,
    private readonly keys: Eval[],
    private readonly range: number,
    private readonly aggs: AggregateSpec[],
    private readonly output: GroupOutput,
    registry: Registry,
  ) {
    registry.push(this)
  }

  row(r: Row, t: number): void {
    this.expire(t)
    const n = this.keys.length
    const keys = new Array<SqlValue>(n)
    for (let i = 0; i < n; i++) keys[i] = this.keys[i](r, t)
    const k = keyOf(keys)
    let w = this.windows.get(k)
    if (w === undefined) {
      w = {close: t + this.range, keys, states: this.aggs.map((a) => a.acc.init())}
      this.windows.set(k, w)
    }
    for (let i = 0; i < this.aggs.length; i++) {
      const a = this.aggs[i]
      a.acc.add(w.states[i], a.arg === undefined ? 1 : a.arg(r, t))
    }
  }

  time(t: number): void {
    this.expire(t)
    this.out.time(t)
  }

  private expire(t: number): void {
    // Windows sit in the map in opening order, which is also closing order.
    for (const [k, w] of this.windows) {
      if (w.close > t) break
      this.windows.delete(k)
      this.emit(w)
    }
  }

  private emit(w: StaggerWindow): void {
    const gr: Row = w.keys.slice()
    for (let i = 0; i < this.aggs.length; i++) gr.push(this.aggs[i].acc.result(w.states[i]))
    const {having, exprs} = this.output
    if (having !== undefined && having(gr, w.close) !== true) return
    const out = new Array(exprs.length)
    for (let i = 0; i < exprs.length; i++) out[i] = exprs[i](gr, w.close)
    this.out.row(out, w.close)
  }

  snapshot(): unknown {
    return [...this.windows.entries()]
  }

  restore(state: unknown): void {
    this.windows = new Map(state as [string, StaggerWindow][])
  }
}

// ---------------------------------------------------------------------------------------------
// SELECT STREAM DISTINCT

/** Passes each distinct row once; the seen set is cleared when the leading (monotonic) column changes. */
export class DistinctOperator implements Sink, Stateful {
  private seen = new Set<string>()
  private leading: SqlValue | undefined = undefined

  constructor(
    private readonly out: Sink,
    registry: Registry,
  ) {
    registry.push(this)
  }

  row(r: Row, t: number): void {
    if (r.length > 0 && r[0] !== this.leading) {
      this.seen.clear()
      this.leading = r[0]
    }
    const k = keyOf(r)
    if (this.seen.has(k)) return
    this.seen.add(k)
    this.out.row(r, t)
  }

  time(t: number): void {
    this.out.time(t)
  }

  snapshot(): unknown {
    return {seen: [...this.seen], leading: this.leading ?? null}
  }

  restore(state: unknown): void {
    const s = state as {seen: string[]; leading: SqlValue}
    this.seen = new Set(s.seen)
    this.leading = s.leading
  }
}

// ---------------------------------------------------------------------------------------------
// Streaming ORDER BY

export interface SortKey {
  index: number
  descending: boolean
}

/**
 * Sorts the rows of one batch: rows with the same value of the leading ORDER BY key (a function
 * of ROWTIME, or the ROWTIME itself for windowed output). Hidden sort columns after `width` are
 * dropped on output.
 */
export class SortOperator implements Sink, Stateful {
  private buffer: {r: Row; t: number}[] = []
  private batch: SqlValue | undefined = undefined

  constructor(
    private readonly out: Sink,
    private readonly batchKey: (t: number) => SqlValue,
    private readonly keys: SortKey[],
    private readonly width: number,
    registry: Registry,
  ) {
    registry.push(this)
  }

  row(r: Row, t: number): void {
    const b = this.batchKey(t)
    if (this.buffer.length > 0 && b !== this.batch) this.flush()
    this.batch = b
    this.buffer.push({r, t})
  }

  time(t: number): void {
    if (this.buffer.length > 0 && (t === Infinity || this.batchKey(t) !== this.batch)) this.flush()
    this.out.time(t)
  }

  private flush(): void {
    const rows = this.buffer
    this.buffer = []
    const keys = this.keys
    rows.sort((a, b) => {
      for (const k of keys) {
        const x = a.r[k.index]
        const y = b.r[k.index]
        if (x === y) continue
        // NULLs sort first ascending, last descending
        const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1
        return k.descending ? -c : c
      }
      return 0
    })
    let t = -Infinity
    for (const {r, t: rt} of rows) {
      t = Math.max(t, rt)
      this.out.row(r.length > this.width ? r.slice(0, this.width) : r, t)
    }
  }

  snapshot(): unknown {
    return {buffer: this.buffer, batch: this.batch ?? null}
  }

  restore(state: unknown): void {
    const s = state as {buffer: {r: Row; t: number}[]; batch: SqlValue}
    this.buffer = s.buffer
    this.batch = s.batch
  }
}

// ---------------------------------------------------------------------------------------------
// Stream-to-stream joins

interface JoinEntry {
  r: Row
  t: number
  matched: boolean
}

export interface JoinSide {
  /** Window length in ms (0 = no window: only rows with the current ROWTIME take part). */
  range: number
  /** ROWS n PRECEDING: keep at most n + 1 rows. */
  rows?: number
  width: number
  /** Unmatched rows of this side are emitted null-extended (outer join). */
  outer: boolean
}

/**
 * A stream-to-stream join. Each side keeps the rows of its window; an arriving row is matched
 * against the other side's window and results carry the later ROWTIME. An unmatched row of an
 * outer side is emitted, null-extended, when its own window ends (ROWTIME = row time + range).
 */
export class JoinOperator implements Stateful {
  private readonly buffers: [JoinEntry[], JoinEntry[]] = [[], []]
  private now = -Infinity
  readonly left: Sink
  readonly right: Sink

  constructor(
    private readonly out: Sink,
    private readonly sides: [JoinSide, JoinSide],
    private readonly on: Eval | undefined,
    registry: Registry,
  ) {
    registry.push(this)
    this.left = {row: (r, t) => this.arrive(0, r, t), time: (t) => this.advance(t)}
    this.right = {row: (r, t) => this.arrive(1, r, t), time: (t) => this.advance(t)}
  }

  private combine(side: 0 | 1, r: Row | undefined, t: number | null, other: Row | undefined, ot: number | null): Row {
    const [lw, rw] = [this.sides[0].width, this.sides[1].width]
    const left = side === 0 ? r : other
    const right = side === 0 ? other : r
    const lt = side === 0 ? t : ot
    const rt = side === 0 ? ot : t
    const row: Row = new Array(lw + rw + 2)
    for (let i = 0; i < lw; i++) row[i] = left ? left[i] : null
    row[lw] = left ? lt : null
    for (let i = 0; i < rw; i++) row[lw + 1 + i] = right ? right[i] : null
    row[lw + 1 + rw] = right ? rt : null
    return row
  }

  private arrive(side: 0 | 1, r: Row, t: number): void {
    this.advance(t, false)
    const other = (1 - side) as 0 | 1
    const buf = this.buffers[other]
    const entry: JoinEntry = {r, t, matched: false}
    for (const e of buf) {
      const joined = this.combine(side, r, t, e.r, e.t)
      if (this.on !== undefined && this.on(joined, t) !== true) continue
      entry.matched = true
      e.matched = true
      this.out.row(joined, Math.max(t, e.t))
    }
    const mine = this.buffers[side]
    mine.push(entry)
    const limit = this.sides[side].rows
    if (limit !== undefined && mine.length > limit + 1) this.dropUnmatched(side, mine.shift()!, t)
  }

  private dropUnmatched(side: 0 | 1, e: JoinEntry, at: number): void {
    if (!e.matched && this.sides[side].outer) this.out.row(this.combine(side, e.r, e.t, undefined, null), Math.max(e.t, at))
  }

  private advance(t: number, forward = true): void {
    if (t > this.now || t === Infinity) {
      this.now = Math.max(this.now, t)
      // Expire both sides in order of their window end, emitting outer rows as they go.
      for (;;) {
        let pick: 0 | 1 | undefined
        let end = Infinity
        for (const s of [0, 1] as const) {
          const e = this.buffers[s][0]
          if (e === undefined) continue
          const close = e.t + this.sides[s].range
          if ((close < t || t === Infinity) && close < end) {
            end = close
            pick = s
          }
        }
        if (pick === undefined) break
        const e = this.buffers[pick].shift()!
        this.dropUnmatched(pick, e, end)
      }
    }
    if (forward) this.out.time(t)
  }

  snapshot(): unknown {
    return {buffers: this.buffers, now: this.now === -Infinity ? null : this.now}
  }

  restore(state: unknown): void {
    const s = state as {buffers: [JoinEntry[], JoinEntry[]]; now: number | null}
    this.buffers[0] = s.buffers[0]
    this.buffers[1] = s.buffers[1]
    this.now = s.now ?? -Infinity
  }
}

// ---------------------------------------------------------------------------------------------
// Tumbling table functions

/** TOP_K_ITEMS_TUMBLING and COUNT_DISTINCT_ITEMS_TUMBLING: exact counts per epoch-aligned window of ROWTIME. */
export class TumblingItemsOperator implements Sink, Stateful {
  private counts = new Map<string | number | boolean, {v: SqlValue; n: number}>()
  private windowEnd: number | undefined

  constructor(
    private readonly out: Sink,
    private readonly column: number,
    private readonly windowMs: number,
    private readonly mode: {kind: 'topk'; k: number} | {kind: 'distinct'},
    registry: Registry,
  ) {
    registry.push(this)
  }

  row(r: Row, t: number): void {
    if (this.windowEnd !== undefined && t >= this.windowEnd) this.flush()
    if (this.windowEnd === undefined) this.windowEnd = Math.floor(t / this.windowMs) * this.windowMs + this.windowMs
    const v = r[this.column]
    if (v === null) return
    const k = singleKey(v)
    const c = this.counts.get(k)
    if (c) c.n++
    else this.counts.set(k, {v, n: 1})
  }

  time(t: number): void {
    if (this.windowEnd !== undefined && t >= this.windowEnd) this.flush()
    this.out.time(t)
  }

  private flush(): void {
    const end = this.windowEnd!
    const counts = [...this.counts.values()]
    this.counts.clear()
    this.windowEnd = undefined
    if (this.mode.kind === 'distinct') {
      this.out.row([counts.length], end)
      return
    }
    counts.sort((a, b) => b.n - a.n || (a.v! < b.v! ? -1 : a.v! > b.v! ? 1 : 0))
    for (const c of counts.slice(0, this.mode.k)) this.out.row([c.v, c.n], end)
  }

  snapshot(): unknown {
    return {counts: [...this.counts.entries()], windowEnd: this.windowEnd ?? null}
  }

  restore(state: unknown): void {
    const s = state as {counts: [string | number | boolean, {v: SqlValue; n: number}][]; windowEnd: number | null}
    this.counts = new Map(s.counts)
    this.windowEnd = s.windowEnd ?? undefined
  }
}
