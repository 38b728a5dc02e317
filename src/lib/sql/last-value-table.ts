import type {SqlValue} from './types.js'

/** A partition's key in a Map: the value itself (strings and numbers never collide); NULL is a sentinel. */
export type PartitionKey = string | number | boolean

/** The state of one LAG(x, 1) or LAST_VALUE(x) IGNORE NULLS partition, as snapshots keep it. */
export interface LastValueEntry {
  n: number
  lastT: number
  states: undefined
  has: boolean
  v: SqlValue
  t: number
  i: number
}

// One partition's numbers fill one 64-byte cache line: a row touches one line of state.
const STRIDE = 8
const N = 0
const LAST_T = 1
const KEPT_T = 2
const KEPT_I = 3
const KEPT_NUMBER = 4
const KIND = 5

const NOTHING = 0
const NUMBER = 1
const OTHER = 2

/**
 * Per-partition state of one LAG(x, 1) or LAST_VALUE(x) IGNORE NULLS, for every partition of a
 * window: the rows seen, the last row's time, and the kept value with its time and row index.
 * With tens of thousands of live partitions (seed 004: one per user), per-partition objects and
 * their boxed numbers scatter over the heap and every row pays several cache misses; here a
 * partition is a dense id into a flat array, so its numbers sit together on one cache line.
 */
export class LastValueTable {
  private readonly ids = new Map<PartitionKey, number>()
  private readonly free: number[] = []
  private nextId = 0
  private capacity = 0
  /**
   * Per id, STRIDE numbers: rows seen, last row time, the kept value's time, row index and value
   * (when a number), and what is kept (NOTHING, NUMBER, or OTHER in `others`; null is OTHER).
   */
  private nums = new Float64Array(0)
  private others: SqlValue[] = []

  get size(): number {
    return this.ids.size
  }

  /** The partition's id, created empty (no rows, nothing kept) if new. */
  idOf(key: PartitionKey, t: number): number {
    const id = this.ids.get(key)
    return id === undefined ? this.create(key, t) : id
  }

  private create(key: PartitionKey, t: number): number {
    let id = this.free.pop()
    if (id === undefined) {
      id = this.nextId++
      if (id >= this.capacity) this.grow()
    }
    this.ids.set(key, id)
    const b = id * STRIDE
    this.nums[b + N] = 0
    this.nums[b + LAST_T] = t
    this.nums[b + KEPT_T] = 0
    this.nums[b + KEPT_I] = 0
    this.nums[b + KIND] = NOTHING
    return id
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2)
    const nums = new Float64Array(capacity * STRIDE)
    nums.set(this.nums)
    this.nums = nums
    this.capacity = capacity
  }

  /** Counts a row of the partition at time t; returns its index within the partition. */
  nextRow(id: number, t: number): number {
    const b = id * STRIDE
    this.nums[b + LAST_T] = t
    return this.nums[b + N]++
  }

  /** The kept value if one is kept and still inside the frame (rows back, and ms back from t). */
  keptWithin(id: number, rowIndex: number, rows: number, t: number, range: number): SqlValue | undefined {
    const b = id * STRIDE
    const kind = this.nums[b + KIND]
    if (kind === NOTHING || rowIndex - this.nums[b + KEPT_I] > rows || this.nums[b + KEPT_T] < t - range) return undefined
    return kind === NUMBER ? this.nums[b + KEPT_NUMBER] : this.others[id]
  }

  keep(id: number, v: SqlValue, t: number, rowIndex: number): void {
    const b = id * STRIDE
    this.nums[b + KEPT_T] = t
    this.nums[b + KEPT_I] = rowIndex
    if (typeof v === 'number') {
      // Let a string kept earlier be collected.
      if (this.nums[b + KIND] === OTHER) this.others[id] = null
      this.nums[b + KIND] = NUMBER
      this.nums[b + KEPT_NUMBER] = v
    } else {
      this.nums[b + KIND] = OTHER
      this.others[id] = v
    }
  }

  /** Drops partitions whose last row is older than `limit`. */
  dropOlderThan(limit: number): void {
    for (const [key, id] of this.ids) {
      if (this.nums[id * STRIDE + LAST_T] < limit) {
        this.ids.delete(key)
        this.others[id] = null
        this.free.push(id)
      }
    }
  }

  entries(): [PartitionKey, LastValueEntry][] {
    const out: [PartitionKey, LastValueEntry][] = []
    for (const [key, id] of this.ids) {
      const b = id * STRIDE
      const kind = this.nums[b + KIND]
      out.push([key, {
        n: this.nums[b + N],
        lastT: this.nums[b + LAST_T],
        states: undefined,
        has: kind !== NOTHING,
        v: kind === NUMBER ? this.nums[b + KEPT_NUMBER] : kind === OTHER ? this.others[id] : null,
        t: this.nums[b + KEPT_T],
        i: this.nums[b + KEPT_I],
      }])
    }
    return out
  }

  restore(entries: readonly [PartitionKey, LastValueEntry][]): void {
    this.ids.clear()
    this.free.length = 0
    this.nextId = 0
    this.others = []
    for (const [key, e] of entries) {
      const id = this.create(key, e.lastT)
      const b = id * STRIDE
      this.nums[b + N] = e.n
      if (e.has) this.keep(id, e.v ?? null, e.t, e.i)
    }
  }
}
