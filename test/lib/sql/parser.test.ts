import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {NotSupportedError} from '../../../src/lib/core/errors.js'
import type {Script} from '../../../src/lib/sql/ast.js'
import {parseExpression, parseScript} from '../../../src/lib/sql/parser.js'
import {printExpr, printScript} from '../../../src/lib/sql/printer.js'
import {parseGolden} from '../../sql/golden.js'
import {WORKSHOPS} from './workshops.js'

/** The tree without source positions: what must survive printing and parsing again. */
function shape(script: Script): unknown {
  return JSON.parse(JSON.stringify(script, (key, value: unknown) => (key === 'pos' || key === 'targetPos' ? undefined : value)))
}

const goldenDir = fileURLToPath(new URL('../../sql/', import.meta.url))
const goldenSql = readdirSync(goldenDir, {recursive: true, encoding: 'utf8'})
  .filter((f) => f.endsWith('.sqltest') && !f.startsWith('errors'))
  .map((f) => ({name: f, sql: parseGolden(readFileSync(join(goldenDir, f), 'utf8')).find((s) => s.kind === 'sql')!.lines.join('\n')}))

describe('SQL parser round trip (AST → SQL → same AST)', () => {
  it.each(WORKSHOPS.map((w) => [w.file, w.sql]))('workshop program %s', (_file, sql) => {
    const ast = parseScript(sql)
    const printed = printScript(ast)
    expect(shape(parseScript(printed))).toEqual(shape(ast))
    // printing is stable: the printed text prints to itself
    expect(printScript(parseScript(printed))).toBe(printed)
  })

  it.each(goldenSql.map((g) => [g.name, g.sql]))('golden file %s', (_name, sql) => {
    const ast = parseScript(sql)
    expect(shape(parseScript(printScript(ast)))).toEqual(shape(ast))
  })

  it.each([
    ['a + b * c - d', '((A + (B * C)) - D)'],
    ["x || 'y' || z", "((X || 'y') || Z)"],
    ['NOT a = 1 AND b OR c', '(((NOT (A = 1)) AND B) OR C)'],
    ['a NOT LIKE \'x%\' ESCAPE \'!\'', "(A NOT LIKE 'x%' ESCAPE '!')"],
    ["s NOT SIMILAR TO '[ab]+'", "(S NOT SIMILAR TO '[ab]+')"],
    ['x BETWEEN 1 AND 2 + 3', '(X BETWEEN 1 AND (2 + 3))'],
    ['x IN (1, 2)', '(X IN (1, 2))'],
    ['x IS NOT NULL', '(X IS NOT NULL)'],
    ['-1', '-1'],
    ['-x', '(-X)'],
    ['"weblogs"."page"', '"weblogs"."page"'],
    ['s.ROWTIME', 'S.ROWTIME'],
    ['FLOOR(s.ROWTIME TO MINUTE)', 'FLOOR(S.ROWTIME TO MINUTE)'],
    ["STEP(ROWTIME BY INTERVAL '10' SECOND)", "STEP(ROWTIME BY INTERVAL '10' SECOND)"],
    ["(ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 10", "((ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 10)"],
    ["INTERVAL '59:59.999' MINUTE TO SECOND(3)", "INTERVAL '59:59.999' MINUTE TO SECOND(3)"],
    ["SUBSTRING(s FROM 2 FOR 3)", 'SUBSTRING(S FROM 2 FOR 3)'],
    ["SUBSTRING(s SIMILAR 'a#\"b#\"c' ESCAPE '#')", "SUBSTRING(S SIMILAR 'a#\"b#\"c' ESCAPE '#')"],
    ["TRIM(LEADING 'x' FROM s)", "TRIM(LEADING 'x' FROM S)"],
    ['POSITION(a IN b)', 'POSITION(A IN B)'],
    ['EXTRACT(HOUR FROM t)', 'EXTRACT(HOUR FROM T)'],
    ['CAST(x AS VARCHAR(16))', 'CAST(X AS VARCHAR(16))'],
    ['CASE x WHEN 1 THEN \'a\' ELSE \'b\' END', "CASE X WHEN 1 THEN 'a' ELSE 'b' END"],
    ['LAG(x, 2, 0) IGNORE NULLS OVER (PARTITION BY k ROWS 3 PRECEDING)', 'LAG(X, 2, 0) IGNORE NULLS OVER (PARTITION BY K ROWS 3 PRECEDING)'],
    ['NTH_VALUE(x, 2) FROM LAST RESPECT NULLS OVER w', 'NTH_VALUE(X, 2) FROM LAST RESPECT NULLS OVER W'],
    ['COUNT(*) OVER (RANGE CURRENT ROW)', 'COUNT(*) OVER (RANGE CURRENT ROW)'],
  ])('prints %s as %s', (sql, printed) => {
    const e = parseExpression(sql)
    expect(printExpr(e)).toBe(printed)
    expect(JSON.stringify(parseExpression(printed), (k, v: unknown) => (k === 'pos' ? undefined : v))).toBe(JSON.stringify(e, (k, v: unknown) => (k === 'pos' ? undefined : v)))
  })

  it('reads CREATE FUNCTION with its routine characteristics', () => {
    const sql = 'CREATE OR REPLACE FUNCTION F30(p_time TIMESTAMP) RETURNS TIMESTAMP CONTAINS SQL RETURNS NULL ON NULL INPUT RETURN FLOOR(p_time TO HOUR)'
    const ast = parseScript(sql)
    expect(ast.statements[0]).toMatchObject({type: 'createFunction', name: 'F30', params: [{name: 'P_TIME'}], returnsNullOnNullInput: true})
    expect(shape(parseScript(printScript(ast)))).toEqual(shape(ast))
  })

  it('accepts a last statement without a semicolon and stray semicolons', () => {
    expect(parseScript('CREATE STREAM A (X INT);; CREATE STREAM B (Y INT)').statements).toHaveLength(2)
  })

  it('reads CREATE [OR REPLACE] PUMP with and without a column list and a DESCRIPTION', () => {
    const s = parseScript(`CREATE PUMP "p" DESCRIPTION 'copies' AS INSERT INTO "o" ("a", b) SELECT STREAM * FROM s`).statements[0]
    expect(s).toMatchObject({type: 'createPump', name: 'p', orReplace: false, description: 'copies', target: 'o', columns: ['a', 'B']})
    const t = parseScript('CREATE OR REPLACE PUMP P AS INSERT INTO O (SELECT STREAM * FROM S)').statements[0]
    expect(t).toMatchObject({type: 'createPump', orReplace: true, columns: undefined})
  })

  it('reads joins, the comma join, windows on streams, TABLE(...) with CURSOR and subqueries with column aliases', () => {
    const sql = `SELECT STREAM * FROM a OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o LEFT OUTER JOIN b AS s ON o.id = s.id, c,
      TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM x FROM d), 10, 20)) AS r, (SELECT STREAM 1 FROM e) AS l(v)`
    const ast = parseScript(sql)
    expect(shape(parseScript(printScript(ast)))).toEqual(shape(ast))
  })

  it.each([
    ['CREATE FUNCTION f(x INT) RETURNS INT LANGUAGE JAVA', 'a function that is not written in SQL'],
    ['SELECT STREAM * FROM s WHERE x IN (SELECT y FROM t)', 'IN (subquery)'],
    ['SELECT STREAM * FROM a EXCEPT SELECT STREAM * FROM b', 'EXCEPT on streams'],
  ])('says %s is valid but not supported', (sql, what) => {
    expect(() => parseScript(sql)).toThrow(NotSupportedError)
    expect(() => parseScript(sql)).toThrow(what)
  })
})
