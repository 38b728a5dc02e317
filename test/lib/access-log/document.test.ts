import {describe, expect, it} from 'vitest'
import {formatAccessLogDocument, parseAccessLine, toAccessLogDocument, utcIso, verbOf, type AccessLogEntry} from '../../../src/lib/access-log/index.js'

function parsed(line: string): AccessLogEntry {
  const result = parseAccessLine(line)
  if (!result.ok) throw new Error(result.reason)
  return result.entry
}

describe("seed 000's JSON document", () => {
  it('has the Lambda ETL fields, with numbers, without quotes, ISO times and the cookie user name', () => {
    const line =
      '187.74.103.143 - - [03/Nov/2018:04:29:29 +0000] "GET products/Meeqeos/ HTTP/1.1" 403 37679 "www.unicornshop.com/home/" "Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X)" "user = anonymous; PHPSESSID=2ef5dd310f9c4a2781a9145d190909d5"'
    expect(formatAccessLogDocument(parsed(line))).toBe(
      '{"host":"187.74.103.143","ident":"-","authuser":"-","@timestamp":"2018-11-03T04:29:29","request":"GET products/Meeqeos/ HTTP/1.1","response":403,"bytes":37679,"referer":"www.unicornshop.com/home/","user-agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X)","username":"anonymous","verb":"GET","timezone":"+0000","@timestamp_utc":"2018-11-03T04:29:29+00:00"}',
    )
  })

  it('keeps @timestamp as the local time written and converts @timestamp_utc', () => {
    const doc = toAccessLogDocument(parsed('2001:db8::7 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 -'))
    expect(doc).toEqual({
      host: '2001:db8::7',
      ident: '-',
      authuser: '-',
      '@timestamp': '2000-10-10T13:55:36',
      request: 'GET /a.gif HTTP/1.0',
      response: 200,
      bytes: 0,
      referer: '-',
      'user-agent': '-',
      verb: 'GET',
      timezone: '-0700',
      '@timestamp_utc': '2000-10-10T20:55:36+00:00',
    })
  })

  it('leaves out timezone and @timestamp_utc when the log has no offset, and verb when the request has no path', () => {
    const doc = toAccessLogDocument(parsed('1.2.3.4 - - [17/May/2015:10:05:03] "-" 400 0 "-" "-"'))
    expect(doc).not.toHaveProperty('timezone')
    expect(doc).not.toHaveProperty('@timestamp_utc')
    expect(doc).not.toHaveProperty('verb')
  })

  it.each([
    ['plain', '1.2.3.4 - - [17/May/2015:10:05:03 +0530] "GET / HTTP/1.1" 200 1 "-" "-"'],
    ['plain, with ident, user, cookie and another verb', '1.2.3.4 id frank [17/May/2015:10:05:03 +0000] "POST /x HTTP/1.1" 201 1 "-" "-" "user = bob; PHPSESSID=1"'],
    ['plain, common format without offset', '1.2.3.4 - - [17/May/2015:10:05:03] "HEAD /x HTTP/1.0" 200 -'],
    ['quotes and backslashes', '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /\\"q\\" HTTP/1.1" 200 1 "-" "a\\\\b"'],
    ['control bytes as written', '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "\\x16\\x03" 400 1 "-" "-"'],
    ['non-ASCII text', '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /é HTTP/1.1" 200 1 "-" "Ünïcode 🦄"'],
    ['a raw tab in a field', '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a\tb HTTP/1.1" 200 1 "-" "-"'],
  ])('writes the same text as JSON.stringify of the document (%s)', (_what, line) => {
    const entry = parsed(line)
    expect(formatAccessLogDocument(entry)).toBe(JSON.stringify(toAccessLogDocument(entry)))
    expect(JSON.parse(formatAccessLogDocument(entry))).toEqual(toAccessLogDocument(entry))
  })

  it.each([
    ['GET / HTTP/1.1', 'GET'],
    ['  POST  /x', 'POST'],
    ['GET', undefined],
    ['-', undefined],
    ['', undefined],
  ])('takes the verb of %j as %j, as the Lambda did', (request, verb) => {
    expect(verbOf(request)).toBe(verb)
  })

  it('formats UTC times as Python isoformat does', () => {
    expect(utcIso(Date.UTC(2019, 0, 1, 2, 3, 4))).toBe('2019-01-01T02:03:04+00:00')
    expect(utcIso(Date.UTC(1999, 11, 31, 23, 59, 59))).toBe('1999-12-31T23:59:59+00:00')
  })
})
