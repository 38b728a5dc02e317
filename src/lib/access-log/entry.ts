/**
 * One request of an Apache/NCSA access log (common or combined, with seed 000's optional cookie
 * field). Text fields are as written in the log, with `\"` and `\\` unescaped; `-` stays `-`.
 */
export interface AccessLogEntry {
  /** Client address as written: IPv4, IPv6 or a host name. */
  host: string
  /** RFC 1413 identity (`-` almost always). */
  ident: string
  /** Authenticated user (`-` when none). */
  authuser: string
  /** When the request happened, epoch milliseconds (UTC). A log time without offset is read as UTC. */
  time: number
  /** The log's own local time, `YYYY-MM-DDTHH:MM:SS`, as written (no offset applied). */
  localTime: string
  /** The written UTC offset, `+0000` or `-0700`; undefined when the log has none. */
  timezone: string | undefined
  /** The request line, e.g. `GET /index.html HTTP/1.1`. May be empty or malformed: clients send anything. */
  request: string
  /** HTTP status, 100-599. */
  status: number
  /** Response body size. Apache writes `-` for zero bytes (`%b`), so `-` reads as 0. */
  bytes: number
  /** Referer header; undefined in the common format. */
  referer: string | undefined
  /** User-Agent header; undefined in the common format or when the line ends after the referer. */
  userAgent: string | undefined
  /** Seed 000's trailing cookie field, e.g. `user = bob; PHPSESSID=…`; undefined when absent. */
  cookie: string | undefined
  /** The `user = NAME` part of the cookie field. */
  username: string | undefined
  /** True when the line ends inside its last quoted field (cut before the closing quote). */
  truncated: boolean
  /**
   * True when no text field holds a character JSON must escape (quote, backslash, control
   * character): the JSON document can then be written without escaping, which is most lines.
   */
  plainText: boolean
}

export type ParseResult = {ok: true; entry: AccessLogEntry} | {ok: false; reason: string; column: number}
