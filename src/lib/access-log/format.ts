import type {AccessLogEntry} from './entry.js'

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** The fields a formatter needs; an `AccessLogEntry` has them all. */
export type FormattableEntry = Pick<AccessLogEntry, 'host' | 'ident' | 'authuser' | 'time' | 'timezone' | 'request' | 'status' | 'bytes'> &
  Partial<Pick<AccessLogEntry, 'referer' | 'userAgent' | 'cookie'>>

/**
 * Writes an entry back as a log line, as Apache would: common format when it has no referer and
 * user agent, combined otherwise, and seed 000's cookie field when there is one. `"` and `\` in
 * quoted fields are escaped; zero bytes are written `-` (Apache's `%b`). The time is written in
 * the entry's own offset (UTC when it has none), so `parseAccessLine(formatAccessLine(e))` gives `e` back.
 */
export function formatAccessLine(entry: FormattableEntry): string {
  let line = `${entry.host} ${entry.ident} ${entry.authuser} [${formatLogTime(entry.time, entry.timezone)}] "${escape(entry.request)}" ${entry.status} ${entry.bytes === 0 ? '-' : entry.bytes}`
  if (entry.referer !== undefined || entry.userAgent !== undefined || entry.cookie !== undefined) {
    line += ` "${escape(entry.referer ?? '-')}" "${escape(entry.userAgent ?? '-')}"`
    if (entry.cookie !== undefined) line += ` "${escape(entry.cookie)}"`
  }
  return line
}

/** `dd/Mon/yyyy:HH:MM:SS +zzzz` for an epoch time shown in the given offset (`+0000` when absent). */
export function formatLogTime(time: number, timezone = '+0000'): string {
  const sign = timezone.startsWith('-') ? -1 : 1
  const offsetMinutes = sign * (Number(timezone.slice(1, 3)) * 60 + Number(timezone.slice(3, 5)))
  const d = new Date(time + offsetMinutes * 60_000)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCDate())}/${MONTH_NAMES[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${timezone}`
}

/** Apache's escaping: `"` and `\` get a backslash, except the `\xhh` sequences Apache wrote for raw bytes. */
function escape(value: string): string {
  return value.includes('"') || value.includes('\\') ? value.replace(/"|\\(?!x[0-9a-fA-F]{2})/g, '\\$&') : value
}
