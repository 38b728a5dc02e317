import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli} from '../helpers/run-cli.js'
import {fixtureWorkspace} from '../lib/lake/fixture-lake.js'

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'clickstream-crawl-'))
  await fixtureWorkspace(join(root, 'ws'), ['web', 'sessions'])
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

describe('clickstream crawl', () => {
  it('prints the tables it created, then unchanged on a second run (--json)', async () => {
    const first = await runCli(['crawl', '--workspace', join(root, 'ws')], {cwd: root})
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/│ sessions │ created │\s+120 │/)
    expect(first.stdout).toMatch(/│ web\s+│ created │\s+400 │/)
    expect(first.stdout).toMatch(/2 tables created, 0 updated, 0 unchanged, 0 deleted in .*catalog\.duckdb\./)
    const second = await runCli(['crawl', '--json', '--workspace', join(root, 'ws')], {cwd: root})
    expect(second.code).toBe(0)
    const result = JSON.parse(second.stdout)
    expect(result).toMatchObject({engine: 'local', summary: {created: 0, updated: 0, unchanged: 2, deleted: 0}})
    expect(result.tables.map((t: {name: string; action: string}) => [t.name, t.action])).toEqual([
      ['sessions', 'unchanged'],
      ['web', 'unchanged'],
    ])
  })

  it('says what to do when the lake is empty', async () => {
    const {code, stdout} = await runCli(['crawl', '--workspace', join(root, 'empty')], {cwd: root})
    expect(code).toBe(0)
    expect(stdout).toMatch(/No tables in .* yet: deliver data with --to lake:TABLE, then crawl again\./)
  })
})
