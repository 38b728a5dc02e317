import {beforeAll, afterAll, describe, expect, it} from 'vitest'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ManualClock} from '../../src/lib/core/clock.js'
import {crawlLocal} from '../../src/lib/lake/crawl.js'
import {runCli} from '../helpers/run-cli.js'
import {fixtureWorkspace} from '../lib/lake/fixture-lake.js'

let root: string
const ws = () => ['--workspace', join(root, 'ws')]

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'clickstream-query-'))
  const workspace = await fixtureWorkspace(join(root, 'ws'), ['web'])
  await crawlLocal({workspace, clock: new ManualClock(0)})
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

const SQL = 'SELECT response, count(*) AS requests FROM web GROUP BY response ORDER BY requests DESC LIMIT 3'

describe('clickstream query', () => {
  it('prints a table with a header row, and the row count and time on stderr', async () => {
    const {code, stdout, stderr} = await runCli(['query', SQL, ...ws()], {cwd: root})
    expect(code).toBe(0)
    expect(stdout).toMatch(/│ response │ requests │/)
    expect(stdout).toMatch(/│\s+200 │\s+368 │/)
    expect(stderr).toMatch(/^3 rows in \d+(ms|\.\ds) \(DuckDB\)$/m)
  })

  it('prints {columns, rows, stats} with --json', async () => {
    const {code, stdout} = await runCli(['query', SQL, '--json', ...ws()], {cwd: root})
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.columns).toEqual([
      {name: 'response', type: 'BIGINT'},
      {name: 'requests', type: 'BIGINT'},
    ])
    expect(result.rows).toEqual([
      {response: 200, requests: 368},
      {response: 304, requests: 22},
      {response: 404, requests: 6},
    ])
    expect(result.stats).toMatchObject({engine: 'local'})
  })

  it('prints CSV with --format csv, quoting what needs quotes', async () => {
    const {code, stdout} = await runCli(['query', `SELECT 'a,b' AS x, 'say "hi"' AS y, NULL AS z, 1.5 AS w`, '--format', 'csv', ...ws()], {cwd: root})
    expect(code).toBe(0)
    expect(stdout).toBe('x,y,z,w\n"a,b","say ""hi""",,1.5\n')
  })

  it('reports a SQL error with DuckDB\'s message, exit code 3 and no stack trace', async () => {
    const {code, stderr} = await runCli(['query', 'SELECT nope FROM web', ...ws()], {cwd: root})
    expect(code).toBe(3)
    expect(stderr).toMatch(/Binder Error: Referenced column "nope" not found/)
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('opens the catalog read-only: a query cannot drop a table', async () => {
    const {code} = await runCli(['query', 'DROP VIEW web', ...ws()], {cwd: root})
    expect(code).not.toBe(0)
    const after = await runCli(['query', 'SELECT count(*) AS n FROM web', '--json', ...ws()], {cwd: root})
    expect(JSON.parse(after.stdout).rows).toEqual([{n: 400}])
  })

  it('says to crawl when there is no catalog yet (exit 4)', async () => {
    const {code, stderr} = await runCli(['query', 'SELECT 1', '--workspace', join(root, 'empty')], {cwd: root})
    expect(code).toBe(4)
    expect(stderr).toMatch(/there is no catalog yet/)
    expect(stderr).toMatch(/clickstream crawl/)
  })
})
