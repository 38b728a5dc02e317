import type {AccessLogEntry, ParseResult} from './entry.js'

const SPACE = 0x20
const TAB = 0x09
const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const DASH = 0x2d
const PLUS = 0x2b
const ZERO = 0x30
const NINE = 0x39

const MONTHS: Record<string, number> = {Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11}
const MONTH_LENGTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Parses one line of an NCSA common or combined access log, with seed 000's optional cookie
 * field after the user agent:
 *
 *     host ident authuser [dd/Mon/yyyy:HH:MM:SS +zzzz] "request" status bytes ["referer" "user-agent" ["cookie"]]
 *
 * A hand-written scanner (no regular expression per line): it is several times faster than the
 * equivalent regex and can say where a line goes wrong. It accepts what servers really write:
 * IPv6 and host names, `\"` inside quoted fields, a quote the server forgot to escape (a field
 * ends only at a quote followed by a space or the end of the line), `-` byte counts, extra spaces
 * between fields, and a line cut inside its last quoted field (the field keeps what was written,
 * and `truncated` is set). It rejects what no analyzer can use: a line without a valid time or
 * status, or one cut inside the request. `start`/`end` let callers parse a slice of a larger
 * string without copying it; columns in errors are 1-based from `start`.
 */
export function parseAccessLine(text: string, start = 0, end = text.length): ParseResult {
  let p = start
  const fail = (reason: string, at: number): ParseResult => ({ok: false, reason, column: at - start + 1})

  while (end > p && isBlank(text.charCodeAt(end - 1))) end--
  while (p < end && isBlank(text.charCodeAt(p))) p++
  if (p >= end) return fail('empty line', p)

  // host ident authuser
  const hostStart = p
  while (p < end && !isBlank(text.charCodeAt(p))) p++
  const host = text.slice(hostStart, p)
  if (host === '-') return fail('the client host is missing (-)', hostStart)
  if (!isHost(host)) return fail(`'${clip(host)}' is not a client address or host name`, hostStart)
  p = skipSpaces(text, p, end)
  const identStart = p
  while (p < end && !isBlank(text.charCodeAt(p))) p++
  if (p === identStart) return fail('the line ends after the client host', p)
  const ident = text.slice(identStart, p)
  p = skipSpaces(text, p, end)
  // The user name may itself contain spaces; the time field's bracket ends it.
  const userStart = p
  const bracket = text.indexOf('[', p)
  if (bracket === -1 || bracket >= end) return fail('the time field [dd/Mon/yyyy:HH:MM:SS +zzzz] is missing', p)
  let userEnd = bracket
  while (userEnd > userStart && isBlank(text.charCodeAt(userEnd - 1))) userEnd--
  if (userEnd === userStart || userEnd === bracket) return fail('expected the user field and a space before [', bracket)
  const authuser = text.slice(userStart, userEnd)
  p = bracket

  // [dd/Mon/yyyy:HH:MM:SS +zzzz]
  const time = readTime(text, p + 1, end)
  if (typeof time === 'number') return fail('the time is not dd/Mon/yyyy:HH:MM:SS [+-]zzzz', time)
  p = time.next
  if (p >= end || text.charCodeAt(p) !== CLOSE_BRACKET) return fail("expected ']' after the time", p)
  p = skipSpaces(text, p + 1, end)

  // "request": ends at a quote followed by spaces and a digit (the status), so a stray quote
  // inside a request does not end it early.
  if (p >= end || text.charCodeAt(p) !== QUOTE) return fail('expected the quoted request after the time', p)
  const requestStart = p + 1
  const backslashAt = nextBackslash(text, requestStart)
  const mayEscape = backslashAt !== -1 && backslashAt < end
  let q = requestStart
  let requestEnd = -1
  // The first quote followed by a space ends the request when no quote is followed by a status.
  let fallbackEnd = -1
  let stray = false
  while (true) {
    q = text.indexOf('"', q)
    if (q === -1 || q >= end) break
    if (mayEscape && isEscaped(text, q, requestStart)) {
      q++
      continue
    }
    if (fallbackEnd !== -1) stray = true
    const after = skipSpaces(text, q + 1, end)
    if (after > q + 1 && after < end && isDigit(text.charCodeAt(after))) {
      requestEnd = q
      break
    }
    if (after >= end && fallbackEnd === -1) return fail('the line ends after the request: status and bytes are missing', after)
    if (after > q + 1 && fallbackEnd === -1) fallbackEnd = q
    else stray = true
    q++
  }
  if (requestEnd === -1) requestEnd = fallbackEnd
  else if (fallbackEnd !== -1) stray = true
  if (requestEnd === -1) return fail('the line ends inside the request (no closing quote)', end)
  const request = readField(text, requestStart, requestEnd, mayEscape)
  p = skipSpaces(text, requestEnd + 1, end)

  // status
  const statusStart = p
  let status = 0
  while (p < end && isDigit(text.charCodeAt(p))) status = status * 10 + text.charCodeAt(p++) - ZERO
  if (p - statusStart !== 3 || status < 100 || status > 599) {
    while (p < end && !isBlank(text.charCodeAt(p))) p++
    return fail(`'${clip(text.slice(statusStart, p))}' is not an HTTP status (100-599)`, statusStart)
  }
  if (p < end && !isBlank(text.charCodeAt(p))) return fail('expected a space after the status', p)
  p = skipSpaces(text, p, end)

  // bytes: digits, or `-` for none
  const bytesStart = p
  let bytes = 0
  if (p < end && text.charCodeAt(p) === DASH) p++
  else while (p < end && isDigit(text.charCodeAt(p))) bytes = bytes * 10 + text.charCodeAt(p++) - ZERO
  if (p === bytesStart || (p < end && !isBlank(text.charCodeAt(p)))) {
    while (p < end && !isBlank(text.charCodeAt(p))) p++
    if (p === bytesStart) return fail('the byte count is missing', bytesStart)
    return fail(`'${clip(text.slice(bytesStart, p))}' is not a byte count (digits or -)`, bytesStart)
  }
  p = skipSpaces(text, p, end)

  // Combined extras: "referer" "user-agent", then seed 000's "cookie"; anything after is ignored.
  let referer: string | undefined
  let userAgent: string | undefined
  let cookie: string | undefined
  let truncated = false
  if (p < end) {
    if (text.charCodeAt(p) !== QUOTE) return fail('expected the quoted referer after the byte count', p)
    const r = readQuoted(text, p + 1, end, mayEscape)
    referer = r.value
    truncated = r.truncated
    stray ||= r.stray
    p = skipSpaces(text, r.next, end)
    if (!truncated && p < end) {
      if (text.charCodeAt(p) !== QUOTE) return fail('expected the quoted user agent after the referer', p)
      const u = readQuoted(text, p + 1, end, mayEscape)
      userAgent = u.value
      truncated = u.truncated
      stray ||= u.stray
      p = skipSpaces(text, u.next, end)
      if (!truncated && p < end && text.charCodeAt(p) === QUOTE) {
        const k = readQuoted(text, p + 1, end, mayEscape)
        cookie = k.value
        truncated = k.truncated
        stray ||= k.stray
      }
    }
  }

  const entry: AccessLogEntry = {
    host,
    ident,
    authuser,
    time: time.epoch,
    localTime: time.local,
    timezone: time.zone,
    request,
    status,
    bytes,
    referer,
    userAgent,
    cookie,
    username: cookie === undefined ? undefined : usernameOf(cookie),
    truncated,
    plainText: !stray && !mayEscape && !hasSpecial(text, start, end) && !ident.includes('"') && !authuser.includes('"'),
  }
  return {ok: true, entry}
}

/** The `NAME` of a cookie field `user = NAME; …` (seed 000's web shop writes it). */
export function usernameOf(cookie: string): string | undefined {
  if (!cookie.startsWith('user = ')) return undefined
  const semi = cookie.indexOf(';', 7)
  return semi === -1 ? cookie.slice(7) : cookie.slice(7, semi)
}

// Callers parse the lines of one large chunk in order; remembering where the next backslash is
// keeps the search from rescanning the rest of the chunk for every line.
let backslashText = ''
let backslashFrom = 0
let backslashAt = -1

/** The position of the first backslash at or after `from` (-1 when none). */
function nextBackslash(text: string, from: number): number {
  if (text !== backslashText || from < backslashFrom || (backslashAt !== -1 && backslashAt < from)) {
    backslashText = text
    backslashAt = text.indexOf('\\', from)
  }
  backslashFrom = from
  return backslashAt
}

// Characters JSON must escape, besides quotes: backslash, controls (a line holds no newline), and
// surrogates (lone ones must be escaped; pairs are rare in logs and take the escaping path too).
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const SPECIAL = /[\\\u0000-\u0009\u000b-\u001f\ud800-\udfff]/g
let specialText = ''
let specialFrom = 0
let specialAt = -1

/** True when text[start, end) holds a character JSON must escape; the search is shared across a chunk's lines like nextBackslash. */
function hasSpecial(text: string, start: number, end: number): boolean {
  if (text !== specialText || start < specialFrom || (specialAt !== -1 && specialAt < start)) {
    specialText = text
    SPECIAL.lastIndex = start
    specialAt = SPECIAL.exec(text)?.index ?? -1
  }
  specialFrom = start
  return specialAt !== -1 && specialAt < end
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE
}

function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && isBlank(text.charCodeAt(p))) p++
  return p
}

/** IPv4, IPv6 (with an optional zone or brackets) or a DNS name: letters, digits and `.:-_%[]`. */
function isHost(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i)
    const ok =
      (c >= ZERO && c <= 0x3a) || // 0-9 and ':'
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2e || // .
      c === DASH ||
      c === 0x5f || // _
      c === 0x25 || // % (IPv6 zone)
      c === OPEN_BRACKET ||
      c === CLOSE_BRACKET
    if (!ok) return false
  }
  return host.length > 0
}

/** Reads a quoted field's body from just after its opening quote, to a quote followed by a space or the end. */
function readQuoted(text: string, from: number, end: number, mayEscape: boolean): {value: string; next: number; truncated: boolean; stray: boolean} {
  let q = from
  let stray = false
  while (true) {
    q = text.indexOf('"', q)
    if (q === -1 || q >= end) break
    if ((q + 1 >= end || isBlank(text.charCodeAt(q + 1))) && !(mayEscape && isEscaped(text, q, from))) {
      return {value: readField(text, from, q, mayEscape), next: q + 1, truncated: false, stray}
    }
    stray = true
    q++
  }
  return {value: readField(text, from, end, mayEscape), next: end, truncated: true, stray}
}

/** True when the character at `at` follows an odd run of backslashes (within the field). */
function isEscaped(text: string, at: number, fieldStart: number): boolean {
  let n = 0
  while (at - n - 1 >= fieldStart && text.charCodeAt(at - n - 1) === BACKSLASH) n++
  return n % 2 === 1
}

function readField(text: string, from: number, to: number, mayEscape: boolean): string {
  const raw = text.slice(from, to)
  return mayEscape && raw.includes('\\') ? unescape(raw) : raw
}

/** Apache escapes `"` and `\` in logged strings; other sequences (`\xhh`) are kept as written. */
function unescape(raw: string): string {
  return raw.replace(/\\(["\\])/g, '$1')
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

// Logs are in time order, so one cached day turns the date into arithmetic.
let cachedDayKey = ''
let cachedDayEpoch = 0
let cachedDayIso = ''

interface ParsedTime {
  epoch: number
  local: string
  zone: string | undefined
  next: number
}

/** Reads `dd/Mon/yyyy:HH:MM:SS[ +zzzz]` at `p`; returns the column of the first wrong character on failure. */
function readTime(text: string, p: number, end: number): ParsedTime | number {
  if (p + 20 > end) return p
  const dayKey = text.slice(p, p + 11)
  if (dayKey !== cachedDayKey) {
    const d = twoDigits(text, p)
    const month = MONTHS[text.slice(p + 3, p + 6)]
    const y = fourDigits(text, p + 7)
    if (d < 1 || text.charCodeAt(p + 2) !== 0x2f || month === undefined || text.charCodeAt(p + 6) !== 0x2f || y < 0) return p
    if (d > MONTH_LENGTH[month]) return p
    const epoch = Date.UTC(y, month, d)
    if (new Date(epoch).getUTCDate() !== d) return p // 29 Feb of a common year
    cachedDayKey = dayKey
    cachedDayEpoch = epoch
    cachedDayIso = `${text.slice(p + 7, p + 11)}-${month < 9 ? '0' : ''}${month + 1}-${text.slice(p, p + 2)}T`
  }
  if (text.charCodeAt(p + 11) !== 0x3a) return p + 11
  const h = twoDigits(text, p + 12)
  const m = twoDigits(text, p + 15)
  const s = twoDigits(text, p + 18)
  if (h < 0 || h > 23 || text.charCodeAt(p + 14) !== 0x3a) return p + 12
  if (m < 0 || m > 59 || text.charCodeAt(p + 17) !== 0x3a) return p + 15
  if (s < 0 || s > 60) return p + 18
  let epoch = cachedDayEpoch + ((h * 60 + m) * 60 + s) * 1000
  const local = cachedDayIso + text.slice(p + 12, p + 20)
  let q = p + 20
  let zone: string | undefined
  if (q < end && text.charCodeAt(q) === SPACE) {
    const sign = text.charCodeAt(q + 1)
    const zh = twoDigits(text, q + 2)
    const zm = twoDigits(text, q + 4)
    if ((sign !== PLUS && sign !== DASH) || q + 6 > end || zh < 0 || zh > 23 || zm < 0 || zm > 59) return q + 1
    zone = text.slice(q + 1, q + 6)
    const offset = (zh * 60 + zm) * 60_000
    epoch += sign === PLUS ? -offset : offset
    q += 6
  }
  return {epoch, local, zone, next: q}
}

function twoDigits(text: string, p: number): number {
  const a = text.charCodeAt(p) - ZERO
  const b = text.charCodeAt(p + 1) - ZERO
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1
  return a * 10 + b
}

function fourDigits(text: string, p: number): number {
  const hi = twoDigits(text, p)
  const lo = twoDigits(text, p + 2)
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo
}
