import {describe, expect, it} from 'vitest'
import type {QueryResultJson} from '../../../src/lib/reports/engine.js'
import {renderCsv, renderResultTable, renderStats} from '../../../src/lib/reports/render.js'

const result: QueryResultJson = {
  columns: [
    {name: 'response', type: 'BIGINT'},
    {name: 'requests', type: 'BIGINT'},
  ],
  rows: [
    {response: 200, requests: 9126},
    {response: 404, requests: 213},
  ],
  stats: {engine: 'local', elapsedMs: 12},
}

describe('rendering results', () => {
  it('adds a bar column scaled to the chart column on a terminal', () => {
    const text = renderResultTable(result, {chart: 'requests', interactive: true})
    const lines = text.split('\n').filter((l) => l.includes('│'))
    expect(lines[1]).toContain('█'.repeat(30))
    expect(lines[2]).not.toContain('██')
  })

  it('leaves bars out when the output is not a terminal', () => {
    expect(renderResultTable(result, {chart: 'requests', interactive: false})).not.toContain('█')
  })

  it('cuts long text so a table fits a terminal', () => {
    const long: QueryResultJson = {columns: [{name: 'ua', type: 'VARCHAR'}], rows: [{ua: 'x'.repeat(200)}], stats: result.stats}
    expect(renderResultTable(long)).toContain(`${'x'.repeat(79)}…`)
  })

  it('writes CSV with a header row', () => {
    expect(renderCsv(result)).toBe('response,requests\n200,9126\n404,213\n')
  })

  it('reports the data an Athena query scanned', () => {
    expect(renderStats({engine: 'athena', elapsedMs: 850, bytesScanned: 3 * 1024 * 1024, queryId: 'q-1'}, 4)).toBe('4 rows in 850ms, 3.0 MiB scanned, query q-1 (Athena)')
  })
})
