import {describe, expect, it} from 'vitest'
import {codeGen, generatedFunction} from '../../../src/lib/core/generated-code.js'
import {codeOf, compileExpr, type Bound, type Resolver} from '../../../src/lib/sql/compile.js'
import {parseExpression} from '../../../src/lib/sql/parser.js'
import type {Row, SqlType, SqlValue} from '../../../src/lib/sql/types.js'

// Expressions written as code in generated row functions (Bound.code) must give what their
// closures give, NULLs, short-circuits and all: random expressions over random rows, both ways.

const COLUMNS: Array<{name: string; type: SqlType}> = [
  {name: 'A', type: {name: 'INTEGER'}},
  {name: 'B', type: {name: 'DOUBLE'}},
  {name: 'S', type: {name: 'VARCHAR', length: 10}},
  {name: 'F', type: {name: 'BOOLEAN'}},
]

/** Columns as the planner binds them, with or without their code. */
function resolver(withCode: boolean): Resolver {
  return {
    column(ref) {
      const i = COLUMNS.findIndex((c) => c.name === ref.name)
      const bound: Bound = {ev: (r) => r[i], type: COLUMNS[i].type, rowtimeOnly: false, monotonic: false, constant: false}
      if (withCode) bound.code = () => `r[${i}]`
      return bound
    },
    rowtime: () => ({ev: (_r, t) => t, type: {name: 'TIMESTAMP'}, rowtimeOnly: true, monotonic: true, constant: false, ...(withCode ? {code: () => 't'} : {})}),
  }
}

function seeded(seed: number): (n: number) => number {
  let s = seed >>> 0
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s % n
  }
}

/** A random, well-typed SQL expression of `kind`. */
function expression(kind: 'num' | 'bool' | 'str', rand: (n: number) => number, depth: number): string {
  const leaf = depth <= 0 || rand(3) === 0
  const num = () => expression('num', rand, depth - 1)
  const bool = () => expression('bool', rand, depth - 1)
  const str = () => expression('str', rand, depth - 1)
  if (kind === 'num') {
    if (leaf) return ['A', 'B', String(rand(7) - 3), '2.5', 'NULL', 'CAST(NULL AS INTEGER)'][rand(6)]
    return [
      () => `(${num()} + ${num()})`,
      () => `(${num()} - ${num()})`,
      () => `(${num()} * ${num()})`,
      () => `-(${num()})`,
      () => `CASE WHEN ${bool()} THEN ${num()} WHEN ${bool()} THEN ${num()} ELSE ${num()} END`,
      () => `CASE ${num()} WHEN ${num()} THEN ${num()} ELSE ${num()} END`,
      () => `CASE WHEN ${bool()} THEN ${num()} END`,
      () => `ABS(${num()})`,
    ][rand(8)]()
  }
  if (kind === 'bool') {
    if (leaf) return ['F', 'TRUE', 'FALSE', 'A IS NULL', 'S IS NOT NULL'][rand(5)]
    const cmp = ['=', '<>', '<', '<=', '>', '>='][rand(6)]
    return [
      () => `(${num()} ${cmp} ${num()})`,
      () => `(${str()} ${cmp} ${str()})`,
      () => `(${bool()} AND ${bool()})`,
      () => `(${bool()} OR ${bool()})`,
      () => `NOT (${bool()})`,
      () => `(${num()}) IS NULL`,
      () => `(${bool()}) IS NOT NULL`,
    ][rand(7)]()
  }
  if (leaf) return ['S', "'x'", "''", "'A'"][rand(4)]
  return [() => `(${str()} || ${str()})`, () => `(${str()} || ${num()})`, () => `CASE WHEN ${bool()} THEN ${str()} ELSE ${str()} END`, () => `UPPER(${str()})`][rand(4)]()
}

function row(rand: (n: number) => number): Row {
  const pick = <T>(values: T[]) => (rand(4) === 0 ? null : values[rand(values.length)])
  return [pick([0, 1, -2, 3, 7]), pick([0, 0.5, -1.25, 3]), pick(['', 'x', 'A', 'ab', 'x1']), pick([true, false])] as Row
}

/** What evaluating gives: a value, or the error thrown. */
function outcome(f: () => SqlValue): unknown {
  try {
    return f()
  } catch (error) {
    return {error: (error as Error).message}
  }
}

describe('expressions written as code', () => {
  it('give what their closures give, over random expressions and rows', () => {
    const rand = seeded(2026)
    let written = 0
    for (let e = 0; e < 600; e++) {
      const kind = (['num', 'bool', 'str'] as const)[e % 3]
      const sql = expression(kind, rand, 4)
      const closure = compileExpr(parseExpression(sql), resolver(false))
      const coded = compileExpr(parseExpression(sql), resolver(true))
      if (coded.code !== undefined) written++
      const bindings: Record<string, unknown> = {}
      const g = codeGen(bindings)
      const body = `return ${codeOf(coded, g)}`
      const f = generatedFunction<(r: Row, t: number) => SqlValue>('expr', ['r', 't'], bindings, [...g.declarations(), body])
      for (let k = 0; k < 20; k++) {
        const r = row(rand)
        expect(outcome(() => f(r, 1000)), `${sql} over ${JSON.stringify(r)}`).toEqual(outcome(() => closure.ev(r, 1000)))
      }
    }
    // Most were written as code (calls such as ABS and UPPER are called as closures within it).
    expect(written).toBeGreaterThan(400)
  })
})
