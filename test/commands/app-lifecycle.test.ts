import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {runCli as runCliIn} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'
import {appendTo, readAll, workspaceIn} from '../lib/apps/local-stream-helpers.js'
import type {Workspace} from '../../src/lib/local/workspace.js'
import {applicationStatus, type AppStatus} from '../../src/lib/apps/lifecycle.js'

const TEMPLATES = fileURLToPath(new URL('../../templates/sql/', import.meta.url))
const LAB_SQL = join(TEMPLATES, 'sessionize-lab.sql')
const LAB_SCHEMA = join(TEMPLATES, 'sessionize-lab.schema.json')
const runCli = (args: string[], cwd: string) => runCliIn(args, {cwd, env: {CLICKSTREAM_HOME: join(cwd, '.clickstream')}})

/** Lab clicks: user u clicks at t; the record clock is the event time (as `generate --start` writes). */
function clicks(from: number, count: number): Array<{data: string; time: number}> {
  return Array.from({length: count}, (_, i) => {
    const n = from + i
    // Five users; every 7th click of a user comes after a 15 s pause, so sessions keep starting.
    const t = 1_700_000_000_000 + n * 3_000 + Math.floor(n / 7) * 15_000
    const user = `user${n % 5}`
    return {data: JSON.stringify({user_id: user, event_timestamp: t, event_name: 'detail', event_type: 'click', device_type: 'desktop'}), time: t}
  })
}

async function statusOf(dir: string, name: string) {
  const result = await runCli(['app', 'status', name, '--json'], dir)
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout).applications[0]
}

/** Polls the status service (in process: faster than the CLI) until `done` holds, bounded. */
async function waitFor(dir: string, name: string, done: (s: AppStatus) => boolean, what: string): Promise<AppStatus> {
  const ws = await workspaceIn(dir)
  for (let i = 0; i < 200; i++) {
    const [s] = await applicationStatus({ws, name})
    if (done(s)) return s
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`application ${name} did not get there in time: ${what}`)
}

const waitForRecords = (dir: string, name: string, records: number) =>
  waitFor(dir, name, (s) => s.recordsIn >= records && s.lag?.records === 0, `${records} records read`)

async function expectedSessions(dir: string, ws: Workspace): Promise<string[]> {
  // The same application over the whole input in the foreground: the reference output.
  const result = await runCli(['app', 'run', LAB_SQL, '--from', 'local:clicks', '--no-follow'], dir)
  expect(result.code).toBe(0)
  void ws
  return result.stdout.trim().split('\n')
}

describe('application lifecycle on the local runtime', () => {
  const tempDir = useTempDir()

  it('deploy → start → more records → stop → start → more records: nothing lost, nothing repeated', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'clicks', clicks(0, 40))

    const deployed = await runCli(['app', 'deploy', LAB_SQL, '--name', 'lab', '--input', 'local:clicks', '--schema', LAB_SCHEMA, '--output', 'DESTINATION_SQL_STREAM=local:sessions'], dir)
    expect(deployed.code).toBe(0)
    expect(deployed.stdout).toContain("Deployed 'lab'")
    expect((await statusOf(dir, 'lab')).state).toBe('deployed')

    const started = await runCli(['app', 'start', 'lab', '--json'], dir)
    expect(started.code).toBe(0)
    expect(JSON.parse(started.stdout)).toMatchObject({runtime: 'local', name: 'lab', state: 'running', startedFrom: 'trim-horizon'})
    expect((await runCli(['app', 'start', 'lab'], dir)).code).toBe(5)

    await appendTo(ws, 'clicks', clicks(40, 30))
    const running = await waitForRecords(dir, 'lab', 70)
    expect(running).toMatchObject({state: 'running', errors: 0, lag: {records: 0}})
    const shown = await runCli(['app', 'status'], dir)
    expect(shown.stdout).toMatch(/│ lab +│ running \(pid \d+\) │ local:clicks │ 0 rec +│ +70 │/)

    const stopped = await runCli(['app', 'stop', 'lab'], dir)
    expect(stopped.code).toBe(0)
    expect((await statusOf(dir, 'lab')).state).toBe('stopped')

    // Written while the application is stopped: read after the restart, from the checkpoint.
    await appendTo(ws, 'clicks', clicks(70, 25))
    const restarted = await runCli(['app', 'start', 'lab', '--json'], dir)
    expect(JSON.parse(restarted.stdout).startedFrom).toMatch(/^checkpoint /)
    await appendTo(ws, 'clicks', clicks(95, 25))
    const final = await waitForRecords(dir, 'lab', 120)
    expect((await runCli(['app', 'stop', 'lab'], dir)).code).toBe(0)

    const sessions = await readAll(ws, 'sessions')
    expect(sessions).toEqual(await expectedSessions(dir, ws))
    expect(final.outputs[0].rows).toBe(sessions.length)
    expect(await readFile(join(ws.apps, 'lab', 'worker.log'), 'utf8')).toContain("stopped 'lab': 70 records in")
  })

  it('resumes after the worker is killed without losing or repeating output rows', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'clicks', clicks(0, 50))
    expect((await runCli(['app', 'deploy', LAB_SQL, '--name', 'lab', '--input', 'local:clicks', '--schema', LAB_SCHEMA, '--output', 'DESTINATION_SQL_STREAM=local:sessions'], dir)).code).toBe(0)
    const {pid} = JSON.parse((await runCli(['app', 'start', 'lab', '--json'], dir)).stdout)
    await waitForRecords(dir, 'lab', 50)
    await appendTo(ws, 'clicks', clicks(50, 20))
    process.kill(pid, 'SIGKILL')
    const crashed = await waitFor(dir, 'lab', (s) => s.state !== 'running', 'seen as no longer running')
    expect(crashed.state).toBe('failed')
    expect(crashed.error).toContain('exited without stopping')

    expect((await runCli(['app', 'start', 'lab'], dir)).code).toBe(0)
    await waitForRecords(dir, 'lab', 70)
    expect((await runCli(['app', 'stop', 'lab'], dir)).code).toBe(0)
    expect(await readAll(ws, 'sessions')).toEqual(await expectedSessions(dir, ws))
  })

  it('refuses what cannot work, with the reason', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'clicks', clicks(0, 3))
    expect((await runCli(['app', 'deploy', LAB_SQL, '--name', 'lab', '--input', 'local:clicks'], dir)).code).toBe(0)
    const again = await runCli(['app', 'deploy', LAB_SQL, '--name', 'lab', '--input', 'local:clicks'], dir)
    expect([again.code, again.stderr]).toEqual([5, expect.stringContaining("an application named 'lab' is already deployed")])
    const empty = await runCli(['app', 'deploy', LAB_SQL, '--name', 'other', '--input', 'local:nothing-yet'], dir)
    expect(empty.code).toBe(4)
    const file = await runCli(['app', 'deploy', LAB_SQL, '--name', 'other', '--input', 'file:clicks.ndjson'], dir)
    expect([file.code, file.stderr]).toEqual([2, expect.stringContaining('a deployed application reads a stream')])
    const twice = await runCli(['app', 'deploy', LAB_SQL, '--name', 'other', '--input', 'local:clicks', '--output', 'DESTINATION_SQL_STREAM=local:s', '--output', 'DESTINATION_SQL_STREAM=local:s'], dir)
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('--output DESTINATION_SQL_STREAM=local:s is given twice')])
    expect((await runCli(['app', 'start', 'nope'], dir)).code).toBe(4)
    const kda = await runCli(['app', 'deploy', LAB_SQL, '--name', 'lab', '--input', 'kinesis:clicks', '--runtime', 'kda'], dir)
    expect([kda.code, kda.stderr]).toEqual([2, expect.stringContaining('--runtime kda needs --role-arn')])
    const deleted = await runCli(['app', 'delete', 'lab', '--json'], dir)
    expect(JSON.parse(deleted.stdout)).toEqual({runtime: 'local', name: 'lab', deleted: true})
    const listed = await runCli(['app', 'status', '--json'], dir)
    expect(JSON.parse(listed.stdout)).toEqual({runtime: 'local', applications: []})
  })
})
