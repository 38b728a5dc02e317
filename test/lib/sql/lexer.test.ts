import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/lib/core/errors.js'
import {tokenize} from '../../../src/lib/sql/lexer.js'

const kinds = (sql: string) => tokenize(sql).map((t) => `${t.kind}:${t.value}`)

describe('SQL lexer', () => {
  it.each([
    ['unquoted identifiers are upper-cased', 'select Foo', ['ident:SELECT', 'ident:FOO', 'eof:']],
    ['quoted identifiers keep their case and "" escapes a quote', '"user_id" "a""b"', ['quoted:user_id', 'quoted:a"b', 'eof:']],
    ["strings keep their case and '' escapes a quote", "'It''s'", ["string:It's", 'eof:']],
    ['numbers: integers, decimals, exponents', '1 2.5 .5 1e2 3E-1', ['number:1', 'number:2.5', 'number:.5', 'number:1e2', 'number:3E-1', 'eof:']],
    ['operators, longest first', '<> <= >= != || = .', ['op:<>', 'op:<=', 'op:>=', 'op:<>', 'op:||', 'op:=', 'op:.', 'eof:']],
    ['-- comments run to the end of the line, also inside argument lists', 'f(1, -- one\n2)', ['ident:F', 'op:(', 'number:1', 'op:,', 'number:2', 'op:)', 'eof:']],
    ['/* block comments */ are skipped', 'a /* x\ny */ b', ['ident:A', 'ident:B', 'eof:']],
    ["U&'...' unicode literals decode \\XXXX", "U&'a\\0009b'", ['string:a\tb', 'eof:']],
  ])('%s', (_name, sql, expected) => {
    expect(kinds(sql)).toEqual(expected)
  })

  it('records line and column of every token', () => {
    const t = tokenize('SELECT\n  STREAM x')
    expect(t.map((x) => [x.value, x.line, x.column])).toEqual([
      ['SELECT', 1, 1],
      ['STREAM', 2, 3],
      ['X', 2, 10],
      ['', 2, 11],
    ])
  })

  it.each([
    ["'open", 'unterminated string literal', 1],
    ['"open', 'unterminated quoted identifier', 1],
    ['a ? b', "unexpected character '?'", 3],
  ])('rejects %j with its place', (sql, message, column) => {
    try {
      tokenize(sql, 'app.sql')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).message).toBe(message)
      expect((error as InputError).location).toEqual({file: 'app.sql', line: 1, column})
    }
  })
})
