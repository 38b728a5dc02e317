/**
 * Reading time values out of records as KDA's input mapping and `--rowtime` accept them. All
 * times are UTC unless the text carries an offset: KDA's TIMESTAMP has no time zone.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/**
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff…]]`, ISO `YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]`,
 * or a string of digits read as epoch milliseconds. Fractions beyond milliseconds are dropped
 * (KDA's TIMESTAMP has millisecond precision). Returns undefined when the text is none of these.
 */
export function parseTimestampText(text: string): number | undefined {
  const t = text.trim()
  if (/^-?\d{1,16}$/.test(t)) return Number(t)
  const m = DATE_TIME.exec(t)
  if (!m) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // Date.UTC rolls 2021-02-30 over into March; KDA rejects it.
  if (new Date(ms).getUTCDate() !== day) return undefined
  const zone = m[8]
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)
    if (!z) return undefined
    const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000
    ms -= z[1] === '+' ? offset : -offset
  }
  return ms
}

/** `HH:MM[:SS[.fff]]` → milliseconds since midnight. */
export function parseTimeText(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text.trim())
  if (!m) return undefined
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]
  if (h > 23 || mi > 59 || s > 59) return undefined
  return ((h * 60 + mi) * 60 + s) * 1000 + (m[4] ? Number(m[4].slice(0, 3).padEnd(3, '0')) : 0)
}

/**
 * A record time as `--rowtime` reads it: a JSON number (epoch ms) or a string in one of the forms
 * of parseTimestampText. Returns undefined for anything else.
 */
export function readTimeValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined
  if (typeof value === 'string') return parseTimestampText(value)
  return undefined
}

export const DAY_MS = 86_400_000
