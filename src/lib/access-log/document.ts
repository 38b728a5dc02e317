import type {AccessLogEntry} from './entry.js'

/**
 * Seed 000's JSON document (its Lambda ETL's output, as Glue and Athena read it), with that
 * Lambda's bugs fixed: no quotes left around referer and user agent, numbers for response and
 * bytes (`-` bytes are 0, as Apache means it), and IPv6 clients are not dropped.
 */
export interface AccessLogDocument {
  host: string
  ident: string
  authuser: string
  /** The log's local time as written, ISO-8601 without offset: `2018-10-30T05:52:25`. */
  '@timestamp': string
  request: string
  response: number
  bytes: number
  /** `-` when the log has none (common format, or the header was absent). */
  referer: string
  'user-agent': string
  /** From the cookie field `user = NAME; …`, when the log has one. */
  username?: string
  /** The request's method, when the request has a method and a path. */
  verb?: string
  /** The written UTC offset, `+0000`; with `@timestamp_utc`, only when the log has an offset. */
  timezone?: string
  /** The same instant in UTC, ISO-8601 with offset: `2018-10-30T05:52:25+00:00`. */
  '@timestamp_utc'?: string
}

/** The method of a request line (its first word), when at least a second word follows. */
export function verbOf(request: string): string | undefined {
  let i = 0
  while (i < request.length && isWhite(request.charCodeAt(i))) i++
  const start = i
  while (i < request.length && !isWhite(request.charCodeAt(i))) i++
  const end = i
  while (i < request.length && isWhite(request.charCodeAt(i))) i++
  return end > start && i < request.length ? request.slice(start, end) : undefined
}

export function toAccessLogDocument(entry: AccessLogEntry): AccessLogDocument {
  const doc: AccessLogDocument = {
    host: entry.host,
    ident: entry.ident,
    authuser: entry.authuser,
    '@timestamp': entry.localTime,
    request: entry.request,
    response: entry.status,
    bytes: entry.bytes,
    referer: entry.referer ?? '-',
    'user-agent': entry.userAgent ?? '-',
  }
  if (entry.username !== undefined) doc.username = entry.username
  const verb = verbOf(entry.request)
  if (verb !== undefined) doc.verb = verb
  if (entry.timezone !== undefined) {
    doc.timezone = entry.timezone
    doc['@timestamp_utc'] = utcIsoOf(entry)
  }
  return doc
}

/**
 * The document as one line of JSON, the same text `JSON.stringify(toAccessLogDocument(entry))`
 * gives, built without the intermediate object (replay writes millions of these).
 */
export function formatAccessLogDocument(entry: AccessLogEntry): string {
  if (entry.plainText) return formatPlain(entry)
  let json = `{"host":${str(entry.host)},"ident":${str(entry.ident)},"authuser":${str(entry.authuser)},"@timestamp":"${entry.localTime}","request":${str(entry.request)},"response":${entry.status},"bytes":${entry.bytes},"referer":${str(entry.referer ?? '-')},"user-agent":${str(entry.userAgent ?? '-')}`
  if (entry.username !== undefined) json += `,"username":${str(entry.username)}`
  const verb = verbOf(entry.request)
  if (verb !== undefined) json += `,"verb":${str(verb)}`
  if (entry.timezone !== undefined) json += `,"timezone":"${entry.timezone}","@timestamp_utc":"${utcIsoOf(entry)}"`
  return `${json}}`
}

const NO_IDENT_NO_USER = '","ident":"-","authuser":"-","@timestamp":"'

/**
 * The same document for entries whose text needs no escaping. The common values are written as
 * one constant piece: writing the batch joins these pieces, and fewer pieces join faster.
 */
function formatPlain(e: AccessLogEntry): string {
  const who = e.ident === '-' && e.authuser === '-' ? NO_IDENT_NO_USER : `","ident":"${e.ident}","authuser":"${e.authuser}","@timestamp":"`
  let json = `{"host":"${e.host}${who}${e.localTime}","request":"${e.request}","response":${e.status},"bytes":${e.bytes},"referer":"${e.referer ?? '-'}","user-agent":"${e.userAgent ?? '-'}"`
  if (e.username !== undefined) json += `,"username":"${e.username}"`
  const verb = verbOf(e.request)
  if (verb !== undefined) json += verb === 'GET' ? ',"verb":"GET"' : `,"verb":"${verb}"`
  if (e.timezone === undefined) return `${json}}`
  if (e.timezone === '+0000') return `${json},"timezone":"+0000","@timestamp_utc":"${e.localTime}+00:00"}`
  return `${json},"timezone":"${e.timezone}","@timestamp_utc":"${utcIso(e.time)}"}`
}

const DAY_MS = 86_400_000
let cachedDay = Number.NaN
let cachedDayIso = ''

/** `YYYY-MM-DDTHH:MM:SS+00:00`, as Python's isoformat() writes a UTC time (the seed's Lambda did). */
export function utcIso(time: number): string {
  const day = Math.floor(time / DAY_MS)
  if (day !== cachedDay) {
    cachedDay = day
    cachedDayIso = new Date(day * DAY_MS).toISOString().slice(0, 11)
  }
  const seconds = Math.floor((time - day * DAY_MS) / 1000)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor(seconds / 60) % 60
  const s = seconds % 60
  return `${cachedDayIso}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}+00:00`
}

/** Most logs are written in UTC, and then the UTC time is the local time as written. */
function utcIsoOf(entry: AccessLogEntry): string {
  return entry.timezone === '+0000' ? `${entry.localTime}+00:00` : utcIso(entry.time)
}

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x09
}

/** Characters JSON must escape (lone surrogates included); others may stand as they are. */
const NEEDS_ESCAPE = /["\\\p{Cc}\p{Cs}]/u

/** A JSON string; plain text (the usual case) skips JSON.stringify's slower escaping pass. */
function str(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`
}
