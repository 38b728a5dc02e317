import {UsageError} from './errors.js'

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

/**
 * Parses `500ms`, `10s`, `10m`, `1h30m`, `2d` (a bare number is seconds) into milliseconds.
 * `what` names the flag in the error, e.g. `--duration`.
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  const part = /(\d+(?:\.\d+)?)(ms|sec|min|s|m|h|d)/gy
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  while ((m = part.exec(trimmed)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]]
    matched = part.lastIndex
  }
  if (trimmed === '' || matched !== trimmed.length) {
    throw new UsageError(`${what} expects a duration such as 30s, 10m, 1h30m or 2d; got '${text}'.`)
  }
  return total
}

const SIZE_UNITS: Record<string, number> = {b: 1, kb: 1000, mb: 1_000_000, gb: 1_000_000_000, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3}

/** Parses `64MiB`, `5MB`, `1024` (bytes) into bytes. */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m?.[2].toLowerCase() || 'b'
  if (!m || !(unit in SIZE_UNITS)) {
    throw new UsageError(`${what} expects a size such as 1024, 128KiB, 5MiB or 1GB; got '${text}'.`)
  }
  return Math.round(Number(m[1]) * SIZE_UNITS[unit])
}

/**
 * Parses a point in time: `now`, an ISO-8601 string (a missing zone means UTC), `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM[:SS]`, or epoch milliseconds.
 */
export function parseTime(text: string, what: string, now: number = Date.now()): number {
  const t = text.trim()
  if (t === 'now') return now
  if (/^\d{12,}$/.test(t)) return Number(t)
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t)
  if (iso) {
    const zone = iso[8] ?? 'Z'
    const normalized = `${iso[1]}-${iso[2]}-${iso[3]}T${iso[4] ?? '00'}:${iso[5] ?? '00'}:${iso[6] ?? '00'}${iso[7] ?? ''}${zone}`
    const ms = Date.parse(normalized)
    if (!Number.isNaN(ms)) return ms
  }
  throw new UsageError(`${what} expects a time such as 2026-11-23, 2026-11-23T08:00:00Z or now; got '${text}'.`)
}

export type Speed = number | 'max'

/** Parses a speed factor: `max`, `1`, `60`, `0.5`, `10x`. */
export function parseSpeed(text: string, what: string): Speed {
  const t = text.trim().toLowerCase()
  if (t === 'max') return 'max'
  const m = /^(\d+(?:\.\d+)?)x?$/.exec(t)
  if (!m || Number(m[1]) <= 0) throw new UsageError(`${what} expects a positive factor such as 1, 60 or max; got '${text}'.`)
  return Number(m[1])
}

/** Human-friendly count: 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** Human-friendly duration: 1234 → "1.2s", 65000 → "1m05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.floor((ms % 60_000) / 1000)
  if (minutes < 60) return `${minutes}m${String(seconds).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}

/** Human-friendly bytes: 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`
}
