import {describe, expect, it} from 'vitest'
import {Random} from '../../../src/lib/core/random.js'
import {compileApplication} from '../../../src/lib/sql/index.js'
import {RandomCutForest} from '../../../src/lib/sql/rcf.js'
import type {Row} from '../../../src/lib/sql/types.js'

// Scores cannot equal AWS's (the forest samples at random), so these tests check what the
// documentation promises: zeros while learning, determinism, and anomalies scoring clearly higher.
const forest = (subSampleSize = 64) => new RandomCutForest({numberOfTrees: 50, subSampleSize, timeDecay: 100_000, shingleSize: 1, seed: 1, inputDim: 2})

describe('random cut forest', () => {
  it('scores 0 for the first subSampleSize points, then positive scores', () => {
    const f = forest(32)
    const r = new Random(3)
    const scores = Array.from({length: 100}, () => f.process([r.normal(0, 1), r.normal(0, 1)]))
    expect(scores.slice(0, 32).every((s) => s === 0)).toBe(true)
    expect(scores.slice(32).every((s) => s > 0)).toBe(true)
  })

  it('scores an outlier several times higher than points from the bulk of the data', () => {
    const f = forest()
    const r = new Random(5)
    for (let i = 0; i < 2000; i++) f.process([r.normal(10, 1), r.normal(-5, 1)])
    const normal: number[] = []
    for (let i = 0; i < 50; i++) normal.push(f.process([r.normal(10, 1), r.normal(-5, 1)]))
    const mean = normal.reduce((a, b) => a + b, 0) / normal.length
    const outlier = f.process([30, 20])
    expect(outlier).toBeGreaterThan(3 * mean)
    expect(mean).toBeGreaterThan(0.3)
    expect(mean).toBeLessThan(2)
  })

  it('is deterministic for a given seed', () => {
    const run = () => {
      const f = forest()
      const r = new Random(9)
      return Array.from({length: 300}, () => f.process([r.float(0, 1), r.float(0, 1)]))
    }
    expect(run()).toEqual(run())
  })

  it('RANDOM_CUT_FOREST_WITH_EXPLANATION: per-column attributions add up to the score, and say which way the value is off', () => {
    const app = compileApplication(
      `CREATE STREAM O ("a" DOUBLE, "b" DOUBLE, S DOUBLE, E VARCHAR(2048));
       CREATE PUMP P AS INSERT INTO O SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM * FROM SRC), 50, 64, 100000, 1, true));`,
      {sources: [{name: 'SRC', columns: [{name: 'a', type: {name: 'DOUBLE'}}, {name: 'b', type: {name: 'DOUBLE'}}]}]},
    )
    const rows: Row[] = []
    const rt = app.createRuntime({onRow: (_s, row) => rows.push(row)})
    const r = new Random(11)
    for (let i = 0; i < 1000; i++) rt.push('SRC', [r.normal(100, 2), r.normal(60, 2)], i * 1000)
    rt.push('SRC', [150, 60], 1_000_000)
    const [, , score, explanation] = rows.at(-1)!
    const parsed = JSON.parse(explanation as string) as Record<string, {DIRECTION: string; STRENGTH: string; ATTRIBUTION_SCORE: string}>
    expect(Object.keys(parsed)).toEqual(['a', 'b'])
    expect(parsed.a.DIRECTION).toBe('HIGH')
    expect(Number(parsed.a.ATTRIBUTION_SCORE)).toBeGreaterThan(Number(parsed.b.ATTRIBUTION_SCORE))
    expect(Number(parsed.a.ATTRIBUTION_SCORE) + Number(parsed.b.ATTRIBUTION_SCORE)).toBeCloseTo(score as number, 2)
  })

  it('the workshop form: SELECT STREAM * adds ANOMALY_SCORE after the cursor columns and scores only numeric ones', () => {
    const app = compileApplication(
      `CREATE STREAM O (NAME VARCHAR(8), X INTEGER, ANOMALY_SCORE DOUBLE);
       CREATE PUMP P AS INSERT INTO O SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM NAME, X FROM SRC)));`,
      {sources: [{name: 'SRC', columns: [{name: 'NAME', type: {name: 'VARCHAR', length: 8}}, {name: 'X', type: {name: 'INTEGER'}}]}]},
    )
    expect(app.explain()).toContain('RandomCutForest trees=100 subSampleSize=256 timeDecay=100000 shingleSize=1 on X')
    const rows: Row[] = []
    const rt = app.createRuntime({onRow: (_s, row) => rows.push(row)})
    for (let i = 0; i < 300; i++) rt.push('SRC', ['n', i % 10], i)
    expect(rows).toHaveLength(300)
    expect(rows[0]).toEqual(['n', 0, 0])
    expect(rows[299][2]).toBeGreaterThan(0)
  })
})
