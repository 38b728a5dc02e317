import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {formatAccessLine, parseAccessLine, type AccessLogEntry} from '../../../src/lib/access-log/index.js'
import {APACHE_LOGS} from '../../helpers/run-cli.js'

const COMBINED =
  '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)"'

function parsed(line: string): AccessLogEntry {
  const result = parseAccessLine(line)
  if (!result.ok) throw new Error(`expected '${line}' to parse, got ${result.reason} at column ${result.column}`)
  return result.entry
}

describe('parseAccessLine', () => {
  it('reads every field of a combined line', () => {
    expect(parsed(COMBINED)).toEqual({
      host: '83.149.9.216',
      ident: '-',
      authuser: '-',
      time: Date.UTC(2015, 4, 17, 10, 5, 3),
      localTime: '2015-05-17T10:05:03',
      timezone: '+0000',
      request: 'GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1',
      status: 200,
      bytes: 203023,
      referer: 'http://semicomplete.com/presentations/logstash-monitorama-2013/',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)',
      cookie: undefined,
      username: undefined,
      truncated: false,
      plainText: true,
    })
  })

  it("reads seed 000's cookie field and the user name in it", () => {
    const e = parsed(
      '162.250.88.82 - - [03/Nov/2018:04:29:26 +0000] "POST home/ HTTP/1.1" 200 20494 "www.unicornshop.com/categories//" "Mozilla/5.0 (Linux; U; Android-4.0.3)" "user = siskinstemson; PHPSESSID=903f966790f4452e8b695267efe93a99"',
    )
    expect(e.cookie).toBe('user = siskinstemson; PHPSESSID=903f966790f4452e8b695267efe93a99')
    expect(e.username).toBe('siskinstemson')
    expect(e.request).toBe('POST home/ HTTP/1.1')
  })

  it.each([
    ['IPv6', '2001:db8::1', '2001:db8::1'],
    ['IPv6 with a zone', 'fe80::1%eth0', 'fe80::1%eth0'],
    ['host name', 'crawl-66-249-73-135.googlebot.com', 'crawl-66-249-73-135.googlebot.com'],
    ['IPv4-mapped IPv6', '::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ])('accepts a client written as %s', (_what, host, expected) => {
    expect(parsed(`${host} - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" "-"`).host).toBe(expected)
  })

  it('converts the written offset to UTC and keeps the local time as written', () => {
    const e = parsed('1.2.3.4 - - [31/Dec/2018:23:30:00 -0230] "GET / HTTP/1.1" 200 1')
    expect(e.localTime).toBe('2018-12-31T23:30:00')
    expect(e.timezone).toBe('-0230')
    expect(new Date(e.time).toISOString()).toBe('2019-01-01T02:00:00.000Z')
  })

  it('reads a time without offset as UTC and leaves the timezone undefined', () => {
    const e = parsed('1.2.3.4 - - [17/May/2015:10:05:03] "GET / HTTP/1.1" 200 1')
    expect(e.timezone).toBeUndefined()
    expect(e.time).toBe(Date.UTC(2015, 4, 17, 10, 5, 3))
  })

  it('reads the common format: no referer, no user agent', () => {
    const e = parsed('1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326')
    expect(e).toMatchObject({authuser: 'frank', referer: undefined, userAgent: undefined, bytes: 2326})
  })

  it("reads '-' bytes as 0, as Apache's %b means it", () => {
    expect(parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 304 - "-" "-"').bytes).toBe(0)
  })

  it('unescapes \\" and \\\\ inside quoted fields', () => {
    const e = parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /q?x=\\"a\\" HTTP/1.1" 200 1 "-" "Agent \\"quoted\\" \\\\ back"')
    expect(e.request).toBe('GET /q?x="a" HTTP/1.1')
    expect(e.userAgent).toBe('Agent "quoted" \\ back')
  })

  it('keeps a quote the server forgot to escape inside the field', () => {
    const e = parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a"b HTTP/1.1" 200 1 "-" "Mozilla "x"y"')
    expect(e.request).toBe('GET /a"b HTTP/1.1')
    expect(e.userAgent).toBe('Mozilla "x"y')
    expect(e.plainText).toBe(false)
  })

  it.each([
    ['a request with a stray quote', '"GET /a" b HTTP/1.1" 200 1 "-" "-"'],
    ['an escaped quote', '"GET /\\"a HTTP/1.1" 200 1 "-" "-"'],
    ['a tab', '"GET /a\tb HTTP/1.1" 200 1 "-" "-"'],
    ['an emoji', '"GET / HTTP/1.1" 200 1 "-" "🦄"'],
    ['a quote in the user field', '"GET / HTTP/1.1" 200 1 "-" "-"'],
  ])('marks text with %s as not plain (JSON must escape it)', (what, rest) => {
    const user = what === 'a quote in the user field' ? 'a"b' : '-'
    expect(parsed(`1.2.3.4 - ${user} [17/May/2015:10:05:03 +0000] ${rest}`).plainText).toBe(false)
  })

  it('keeps a line cut before its last quote, with the user agent as written', () => {
    const e = parsed('46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /x HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html')
    expect(e.truncated).toBe(true)
    expect(e.userAgent).toBe('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html')
  })

  it('keeps a line cut inside the referer (GoAccess counts it too)', () => {
    const e = parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 100 "http://r/')
    expect(e).toMatchObject({referer: 'http://r/', userAgent: undefined, truncated: true})
  })

  it('accepts odd requests clients really send', () => {
    expect(parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "-" 400 0 "-" "-"').request).toBe('-')
    expect(parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "" 400 0 "-" "-"').request).toBe('')
    expect(parsed('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"').request).toBe('\\x16\\x03\\x01')
  })

  it('tolerates extra spaces between fields, CR and trailing blanks', () => {
    expect(parsed('1.2.3.4 - -  [17/May/2015:10:05:03 +0000]  "GET / HTTP/1.1"  200  -  "-"  "-"  \t').status).toBe(200)
  })

  it('parses a slice of a longer string, with columns counted from its start', () => {
    const text = `xx${COMBINED}yy`
    expect(parseAccessLine(text, 2, 2 + COMBINED.length)).toMatchObject({ok: true, entry: {host: '83.149.9.216'}})
    const bad = 'garbage\n1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 2000 1'
    expect(parseAccessLine(bad, 8)).toMatchObject({ok: false, column: 59})
  })

  it.each([
    ['', 'empty line', 1],
    ['garbage line', 'time field', 13],
    ['- - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1', 'client host is missing', 1],
    ['1.2.3.4 - - [17/Mayo/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1', 'time is not', 14],
    ['1.2.3.4 - - [31/Apr/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1', 'time is not', 14],
    ['1.2.3.4 - - [29/Feb/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1', 'time is not', 14],
    ['1.2.3.4 - - [17/May/2015:25:05:03 +0000] "GET / HTTP/1.1" 200 1', 'time is not', 26],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +000] "GET / HTTP/1.1" 200 1', 'time is not', 35],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1', 'inside the request', 57],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1"', 'status and bytes are missing', 58],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" - 100', 'not an HTTP status', 59],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 999 100', 'not an HTTP status', 59],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 20 100', 'not an HTTP status', 59],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200', 'byte count is missing', 62],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 12ab "-" "-"', 'not a byte count', 63],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 - "-"', 'quoted referer', 65],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" -', 'quoted user agent', 69],
    ['1.2.3"4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1', 'not a client address', 1],
  ])('rejects %j with the reason and column', (line, reason, column) => {
    const result = parseAccessLine(line)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.reason).toContain(reason)
    expect(result.column).toBe(column)
  })
})

describe('formatAccessLine', () => {
  it('writes what it parsed back to the same line', () => {
    expect(formatAccessLine(parsed(COMBINED))).toBe(COMBINED)
  })

  it('writes the common format, the cookie field, escapes and offsets', () => {
    const lines = [
      '1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      '1.2.3.4 - - [03/Nov/2018:04:29:26 +0000] "GET / HTTP/1.1" 200 - "-" "UA" "user = bob; PHPSESSID=1"',
      '1.2.3.4 - - [17/May/2015:10:05:03 +0530] "GET /q?x=\\"a\\" HTTP/1.1" 200 1 "-" "back\\\\slash"',
    ]
    for (const line of lines) expect(formatAccessLine(parsed(line))).toBe(line)
  })

  it('round-trips every line of the real sample (10,000 lines, one cut short)', () => {
    const lines = readFileSync(APACHE_LOGS, 'utf8').split('\n').filter((l) => l !== '')
    let differing = 0
    for (const line of lines) {
      const entry = parsed(line)
      const again = parsed(formatAccessLine(entry))
      expect({...again, truncated: entry.truncated}).toEqual(entry)
      if (formatAccessLine(entry) !== line) differing++
    }
    // Only the line cut before its closing quote comes back different (it gets its quote back);
    // the referers with raw bytes (\xe4…) come back as written.
    expect(differing).toBe(1)
  })
})
