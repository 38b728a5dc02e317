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

// A partition is one 64-byte record, one cache line: five numbers, then what is kept, the key's
// hash, its length and (up to 7 UTF-16 units) the key itself.
const RECORD_BYTES = 64
const F64 = RECORD_BYTES / 8
const I32 = RECORD_BYTES / 4
const U16 = RECORD_BYTES / 2
const N = 0
const LAST_T = 1
const KEPT_T = 2
const KEPT_I = 3
const KEPT_NUMBER = 4
const KIND = 10 // int32 index within the record
const HASH = 11 // int32
const KEY_LENGTH = 24 // uint16
const KEY_CHARS = 25 // uint16 × 7
const INLINE_KEY = 7
/** KEY_LENGTH of a key kept only in `keys`: a long string, or a number / boolean key. */
const LONG_KEY = 0xffff

const FREE = -1
const NOTHING = 0
const NUMBER = 1
const OTHER = 2

const EMPTY = -1
const TOMBSTONE = -2

/**
 * Per-partition state of one LAG(x, 1) or LAST_VALUE(x) IGNORE NULLS, for every partition of a
 * window: the rows seen, the last row's time, and the kept value with its time and row index.
 *
 * With tens of thousands of live partitions (seed 004: one per user) a row's lookup is the
 * engine's hottest spot, and its cost is cache misses: a Map's bucket, its entry, the stored key
 * string, then the state. Here string keys are found through an open-addressing index small
 * enough to stay in cache, which leads to one record holding the key's hash, the key itself when
 * short, and the state: usually one miss per row. Other keys (numbers, booleans) go through a Map.
 */
export class LastValueTable {
  /** Slot → partition id (EMPTY, TOMBSTONE); linear probing, at most three quarters full (small enough to stay in cache). */
  private index = new Int32Array(1024).fill(EMPTY)
  private used = 0
  private readonly otherIds = new Map<PartitionKey, number>()
  private readonly keys: PartitionKey[] = []
  private readonly others: SqlValue[] = []
  private readonly free: number[] = []
  private nextId = 0
  private live = 0
  private capacity = 0
  private f64 = new Float64Array(0)
  private i32 = new Int32Array(0)
  private u16 = new Uint16Array(0)

  get size(): number {
    return this.live
  }

  /** The partition's id, created empty (no rows, nothing kept) if new. */
  idOf(key: PartitionKey, t: number): number {
    if (typeof key !== 'string') {
      const id = this.otherIds.get(key)
      if (id !== undefined) return id
      const created = this.create(key, t, 0)
      this.otherIds.set(key, created)
      return created
    }
    const length = key.length
    const hash = hashOf(key)
    const index = this.index
    const mask = index.length - 1
    let slot = (hash ^ (hash >>> 16)) & mask
    let reuse = -1
    for (;;) {
      const id = index[slot]
      if (id === EMPTY) break
      if (id === TOMBSTONE) {
        if (reuse < 0) reuse = slot
      } else if (this.i32[id * I32 + HASH] === hash && this.sameKey(id, key, length)) {
        return id
      }
      slot = (slot + 1) & mask
    }
    const id = this.create(key, t, hash)
    if (reuse >= 0) index[reuse] = id
    else {
      index[slot] = id
      if (++this.used * 4 > index.length * 3) this.rehash()
    }
    return id
  }

  private sameKey(id: number, key: string, length: number): boolean {
    const u16 = this.u16
    const at = id * U16
    if (u16[at + KEY_LENGTH] === LONG_KEY) return this.keys[id] === key
    if (u16[at + KEY_LENGTH] !== length) return false
    for (let i = 0; i < length; i++) if (u16[at + KEY_CHARS + i] !== key.charCodeAt(i)) return false
    return true
  }

  private create(key: PartitionKey, t: number, hash: number): number {
    let id = this.free.pop()
    if (id === undefined) {
      id = this.nextId++
      if (id >= this.capacity) this.grow()
    }
    this.live++
    this.keys[id] = key
    const f = id * F64
    this.f64[f + N] = 0
    this.f64[f + LAST_T] = t
    this.f64[f + KEPT_T] = 0
    this.f64[f + KEPT_I] = 0
    const w = id * I32
    this.i32[w + KIND] = NOTHING
    this.i32[w + HASH] = hash
    const h = id * U16
    if (typeof key === 'string' && key.length <= INLINE_KEY) {
      this.u16[h + KEY_LENGTH] = key.length
      for (let i = 0; i < key.length; i++) this.u16[h + KEY_CHARS + i] = key.charCodeAt(i)
    } else {
      this.u16[h + KEY_LENGTH] = LONG_KEY
    }
    return id
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2)
    const buffer = new ArrayBuffer(capacity * RECORD_BYTES)
    new Uint8Array(buffer).set(new Uint8Array(this.f64.buffer, 0, this.capacity * RECORD_BYTES))
    this.f64 = new Float64Array(buffer)
    this.i32 = new Int32Array(buffer)
    this.u16 = new Uint16Array(buffer)
    this.capacity = capacity
  }

  /** A fresh index for the live string keys, at most half full (tombstones are dropped). */
  private rehash(): void {
    let size = 1024
    while (size < this.live * 2) size *= 2
    const index = new Int32Array(size).fill(EMPTY)
    const mask = size - 1
    let used = 0
    for (let id = 0; id < this.nextId; id++) {
      if (this.i32[id * I32 + KIND] === FREE || typeof this.keys[id] !== 'string') continue
      const hash = this.i32[id * I32 + HASH]
      let slot = (hash ^ (hash >>> 16)) & mask
      while (index[slot] !== EMPTY) slot = (slot + 1) & mask
      index[slot] = id
      used++
    }
    this.index = index
    this.used = used
  }

  /** Counts a row of the partition at time t; returns its index within the partition. */
  nextRow(id: number, t: number): number {
    const f = id * F64
    this.f64[f + LAST_T] = t
    return this.f64[f + N]++
  }

  /** The kept value if one is kept and still inside the frame (rows back, and ms back from t). */
  keptWithin(id: number, rowIndex: number, rows: number, t: number, range: number): SqlValue | undefined {
    const kind = this.i32[id * I32 + KIND]
    const f = id * F64
    if (kind === NOTHING || rowIndex - this.f64[f + KEPT_I] > rows || this.f64[f + KEPT_T] < t - range) return undefined
    return kind === NUMBER ? this.f64[f + KEPT_NUMBER] : this.others[id]
  }

  keep(id: number, v: SqlValue, t: number, rowIndex: number): void {
    const f = id * F64
    this.f64[f + KEPT_T] = t
    this.f64[f + KEPT_I] = rowIndex
    const w = id * I32 + KIND
    if (typeof v === 'number') {
      // Let a string kept earlier be collected.
      if (this.i32[w] === OTHER) this.others[id] = null
      this.i32[w] = NUMBER
      this.f64[f + KEPT_NUMBER] = v
    } else {
      this.i32[w] = OTHER
      this.others[id] = v
    }
  }

  /** Drops partitions whose last row is older than `limit`. */
  dropOlderThan(limit: number): void {
    let dropped = 0
    for (let id = 0; id < this.nextId; id++) {
      if (this.i32[id * I32 + KIND] === FREE || !(this.f64[id * F64 + LAST_T] < limit)) continue
      const key = this.keys[id]
      if (typeof key === 'string') {
        const mask = this.index.length - 1
        const hash = this.i32[id * I32 + HASH]
        let slot = (hash ^ (hash >>> 16)) & mask
        while (this.index[slot] !== id) slot = (slot + 1) & mask
        this.index[slot] = TOMBSTONE
      } else {
        this.otherIds.delete(key)
      }
      this.i32[id * I32 + KIND] = FREE
      this.keys[id] = ''
      this.others[id] = null
      this.free.push(id)
      this.live--
      dropped++
    }
    if (dropped > 0 && this.used > this.live * 2) this.rehash()
  }

  entries(): [PartitionKey, LastValueEntry][] {
    const out: [PartitionKey, LastValueEntry][] = []
    for (let id = 0; id < this.nextId; id++) {
      const kind = this.i32[id * I32 + KIND]
      if (kind === FREE) continue
      const f = id * F64
      out.push([this.keys[id], {
        n: this.f64[f + N],
        lastT: this.f64[f + LAST_T],
        states: undefined,
        has: kind !== NOTHING,
        v: kind === NUMBER ? this.f64[f + KEPT_NUMBER] : kind === OTHER ? this.others[id] : null,
        t: this.f64[f + KEPT_T],
        i: this.f64[f + KEPT_I],
      }])
    }
    return out
  }

  restore(entries: readonly [PartitionKey, LastValueEntry][]): void {
    this.index = new Int32Array(1024).fill(EMPTY)
    this.used = 0
    this.otherIds.clear()
    this.keys.length = 0
    this.others.length = 0
    this.free.length = 0
    this.nextId = 0
    this.live = 0
    for (const [key, e] of entries) {
      const id = this.idOf(key, e.lastT)
      this.f64[id * F64 + N] = e.n
      if (e.has) this.keep(id, e.v ?? null, e.t, e.i)
    }
  }
}

/** FNV-1a over the UTF-16 units. */
function hashOf(key: string): number {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h
}
