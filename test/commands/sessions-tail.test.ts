import {describe, expect, it} from 'vitest'
import {runCli as runCliIn} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'
import {appendTo, workspaceIn} from '../lib/apps/local-stream-helpers.js'
import {storeApp} from '../../src/lib/apps/registry.js'

/** The CLI with the workspace the test wrote to. */
const runCli = (args: string[], options: {cwd: string}) => runCliIn(args, {cwd: options.cwd, env: {CLICKSTREAM_HOME: `${options.cwd}/.clickstream`}})

const sessions = [
  {SESSION_ID: '213_MOB1547156040', USER_ID: 213, EVENTS: 3},
  {SESSION_ID: '64_TAB1547156040', USER_ID: 64, EVENTS: 1},
  {SESSION_ID: '213_MOB1547156100', USER_ID: 213, EVENTS: 2},
]

describe('clickstream sessions tail', () => {
  const tempDir = useTempDir()

  it('prints a local stream as NDJSON when piped and stops at its end with --no-follow', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'sessions', sessions.map((s, i) => ({data: JSON.stringify(s), time: 1_547_156_100_000 + i})))
    const result = await runCli(['sessions', 'tail', '--from', 'local:sessions', '--no-follow'], {cwd: dir})
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(sessions)
    expect(result.stderr).toContain('3 records from local:sessions')
  })

  it('with --json keeps stdout for records and puts the summary on stderr; --limit stops early', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'sessions', sessions.map((s, i) => ({data: JSON.stringify(s), time: i})))
    const result = await runCli(['sessions', 'tail', '--from', 'local:sessions', '--no-follow', '--json', '--limit', '2'], {cwd: dir})
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(sessions.slice(0, 2))
    expect(JSON.parse(result.stderr)).toMatchObject({source: 'local:sessions', records: 2})
  })

  it('finds the stream a deployed application writes to with --app', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'lab-destination-sql-stream', [{data: JSON.stringify(sessions[0]), time: 0}])
    await storeApp(
      ws,
      {
        name: 'lab',
        input: 'local:clicks',
        schema: {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'u', SqlType: 'INTEGER', Mapping: '$.u'}]},
        schemaOrigin: 'file',
        outputs: [{stream: 'DESTINATION_SQL_STREAM', target: 'local:lab-destination-sql-stream'}],
        sourceFile: 'lab.sql',
      },
      'CREATE STREAM X (A INT);',
      0,
    )
    const result = await runCli(['sessions', 'tail', '--app', 'lab', '--no-follow'], {cwd: dir})
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(sessions[0])
  })

  it.each([
    [['sessions', 'tail', '--no-follow'], 2, 'name what to tail'],
    [['sessions', 'tail', '--app', 'nope', '--no-follow'], 4, "no application 'nope'"],
    [['sessions', 'tail', '--from', 'local:missing', '--no-follow'], 4, 'missing'],
  ])('%j fails with exit %i (%s)', async (args, code, message) => {
    const dir = await tempDir()
    const result = await runCli(args, {cwd: dir})
    expect(result.code).toBe(code)
    expect(result.stderr).toContain(message)
  })
})
