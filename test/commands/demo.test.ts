import {readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {DemoResult} from '../../src/lib/demo/demo.js'
import {runCli} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'

describe('clickstream demo', () => {
  const tempDir = useTempDir()

  it('runs the whole pipeline, and the counts add up: events generated = events in the lake = events counted by the sessions', async () => {
    const dir = await tempDir()
    const workspace = join(dir, 'ws')

    const run = await runCli(['demo', '--workspace', workspace, '--minutes', '3', '--rate', '20', '--speed', '600', '--seed', '3', '--json'], {timeoutMs: 120_000})

    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as DemoResult
    const {clicks, sessions, web} = result
    expect(clicks.generated).toBeGreaterThan(3000)
    expect([clicks.readByApplication, clicks.inLake, clicks.countedBySessions]).toEqual([clicks.generated, clicks.generated, clicks.generated])
    expect(sessions.emitted).toBeGreaterThan(100)
    expect(sessions.emitted).toBeLessThan(clicks.generated)
    expect([sessions.tailed, sessions.inLake, sessions.countedByReport]).toEqual([sessions.emitted, sessions.emitted, sessions.emitted])
    expect(web.linesWritten).toBeGreaterThan(2000)
    expect([web.delivered, web.inLake, web.requestsInReport, web.rejected]).toEqual([web.linesWritten, web.linesWritten, web.linesWritten, 0])
    expect(result.checks.filter((c) => !c.ok)).toEqual([])
    expect(result.tables.map((t) => t.name)).toEqual(['clicks', 'sessions', 'web'])
    expect(result.reports.durations.rows.length).toBeGreaterThan(0)
    // The workspace is left to explore: streams, the stopped application, the lake and the catalog.
    expect((await readdir(workspace)).sort()).toEqual(expect.arrayContaining(['access_log', 'apps', 'catalog.duckdb', 'lake', 'streams']))
  })

  it('announces each step with its AWS counterpart and the command that runs it alone, and ends with the measured summary', async () => {
    const dir = await tempDir()

    const run = await runCli(['demo', '--workspace', join(dir, 'ws'), '--minutes', '2', '--rate', '10', '--speed', '600'], {timeoutMs: 120_000})

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/\[1\/10\] Create the click stream\n\s+on AWS: Kinesis Data Streams/)
    expect(run.stdout).toContain('$ clickstream app deploy templates/sql/sessionize-lab.sql --name sessionize')
    expect(run.stdout).toMatch(/on AWS: an AWS Glue crawler\n\s+alone: +\$ clickstream crawl/)
    expect(run.stdout).toMatch(/All 10 cross-checks agree/)
    expect(run.stdout).toContain(`The workspace is left for you to explore: ${join(dir, 'ws')}`)
  })

  it('refuses a workspace that is not empty before doing anything', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'notes.txt'), 'mine\n')

    const run = await runCli(['demo', '--workspace', dir, '--json'], {cwd: dir})

    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout).error.message).toMatch(/the demo needs an empty workspace, and .* holds notes.txt/)
    expect(await readdir(dir)).toEqual(['notes.txt'])
  })
})
