import {spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ManualClock} from '../../src/lib/core/clock.js'
import {crawlLocal} from '../../src/lib/lake/crawl.js'
import {APACHE_LOGS, runCli} from '../helpers/run-cli.js'
import {fixtureWorkspace} from '../lib/lake/fixture-lake.js'

let root: string
const ws = () => ['--workspace', join(root, 'ws')]

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'clickstream-report-'))
  const workspace = await fixtureWorkspace(join(root, 'ws'), ['web', 'sessions'])
  await crawlLocal({workspace, clock: new ManualClock(0)})
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('clickstream report', () => {
  it('report list shows every report with its description', async () => {
    const {code, stdout} = await runCli(['report', 'list'], {cwd: root})
    expect(code).toBe(0)
    for (const name of ['daily', 'durations', 'status-codes', 'top-pages', 'navigation', 'devices', 'funnel']) expect(stdout).toContain(`│ ${name} `)
    expect(stdout).toMatch(/requests, bytes, visitors, 4xx and 5xx/)
  })

  it('report daily prints a titled table; --json gives the stable shape', async () => {
    const human = await runCli(['report', 'daily', '--table', 'sessions', ...ws()], {cwd: root})
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^daily \(sessions\) of sessions\n/)
    expect(human.stdout).toMatch(/│ day\s+│ sessions │ users │ events │ avg_duration_sec │ bounce_rate_pct │/)
    const json = await runCli(['report', 'daily', '--table', 'web', '--date', '2015-05-18', '--json', ...ws()], {cwd: root})
    expect(json.code).toBe(0)
    const result = JSON.parse(json.stdout)
    expect(Object.keys(result)).toEqual(['report', 'description', 'table', 'variant', 'from', 'until', 'chart', 'columns', 'rows', 'stats'])
    expect(result.rows).toEqual([{day: '2015-05-18', requests: 115, bytes: 63_829_445, visitors: 86, status_4xx: 2, status_5xx: 0}])
  })

  it('refuses a --date carrying SQL with exit 2, and the table is intact', async () => {
    const attack = await runCli(['report', 'daily', '--table', 'web', '--date', "2015-05-17' OR 1=1; DROP VIEW web; --", ...ws()], {cwd: root})
    expect(attack.code).toBe(2)
    expect(attack.stderr).toMatch(/--date expects a day as YYYY-MM-DD/)
    const count = await runCli(['query', 'SELECT count(*) AS n FROM web', '--json', ...ws()], {cwd: root})
    expect(JSON.parse(count.stdout).rows).toEqual([{n: 400}])
  })

  it('refuses an unknown --table with exit 4, listing the tables', async () => {
    const {code, stderr} = await runCli(['report', 'status-codes', '--table', 'web; DROP VIEW web', ...ws()], {cwd: root})
    expect(code).toBe(4)
    expect(stderr).toMatch(/there is no table 'web; DROP VIEW web'\. Tables: sessions, web\./)
  })

  it('prints CSV with --format csv', async () => {
    const {code, stdout} = await runCli(['report', 'status-codes', '--format', 'csv', ...ws()], {cwd: root})
    expect(code).toBe(0)
    expect(stdout.split('\n').slice(0, 2)).toEqual(['response,requests,share_pct', '200,368,92'])
  })
})

/** GoAccess's JSON report of a log file; its VISITORS panel has hits, bytes and visitors per day. */
function runGoaccess(file: string, out: string): void {
  const run = spawnSync('goaccess', [file, '--log-format=COMBINED', '--no-global-config', '-o', out], {encoding: 'utf8'})
  if (run.error || run.status !== 0) throw new Error(`goaccess failed (it is the peer this test compares with; CI installs it): ${run.error?.message ?? run.stderr}`)
}

describe('the lake end to end, against GoAccess', () => {
  it('replay → lake → crawl → query and report daily agree with GoAccess on the real access log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clickstream-e2e-'))
    try {
      const replay = await runCli(['replay', APACHE_LOGS, '--to', 'lake:web', '--transform', 'json', '--json'], {cwd: dir})
      expect(replay.code).toBe(0)
      // The whole file is delivered (its last line is complete); count what replay says it delivered.
      const {delivered} = JSON.parse(replay.stdout) as {delivered: number}
      expect((await runCli(['crawl'], {cwd: dir})).code).toBe(0)
      const count = JSON.parse((await runCli(['query', 'SELECT count(*) AS n FROM web', '--json'], {cwd: dir})).stdout)
      expect(count.rows).toEqual([{n: delivered}])
      expect(delivered).toBe(10_000)

      runGoaccess(APACHE_LOGS, join(dir, 'goaccess.json'))
      const panel = JSON.parse(await readFile(join(dir, 'goaccess.json'), 'utf8')) as {
        visitors: {data: Array<{data: string; hits: {count: number}; bytes: {count: number}; visitors: {count: number}}>}
      }
      const expected = panel.visitors.data
        .map((d) => ({day: `${d.data.slice(0, 4)}-${d.data.slice(4, 6)}-${d.data.slice(6, 8)}`, requests: d.hits.count, bytes: d.bytes.count, visitors: d.visitors.count}))
        .sort((a, b) => a.day.localeCompare(b.day))
      const report = JSON.parse((await runCli(['report', 'daily', '--table', 'web', '--json'], {cwd: dir})).stdout)
      expect(report.rows.map((r: Record<string, unknown>) => ({day: r.day, requests: r.requests, bytes: r.bytes, visitors: r.visitors}))).toEqual(expected)
      expect(expected).toHaveLength(4)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
