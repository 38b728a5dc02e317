import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {MAP_IN_THREAD_MIN_BYTES} from '../../../src/lib/apps/mapped-file-input.js'
import {runApplicationFile} from '../../../src/lib/apps/run.js'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {runCli} from '../../helpers/run-cli.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {JSON_APP, JSON_SCHEMA, jsonInput, T0} from '../../lib/apps/input-thread-helpers.js'

const tempDir = useTempDir('clickstream-app-run-thread-')

describe('clickstream app run over a big file', () => {
  it('reads it on a second thread and writes what reading it on one writes', async () => {
    // Given a file above the threshold, with bad lines of every kind
    const dir = await tempDir()
    await writeFile(join(dir, 'app.sql'), JSON_APP)
    await writeFile(join(dir, 'app.schema.json'), JSON.stringify(JSON_SCHEMA))
    const perRecord = Buffer.byteLength(jsonInput(1000)) / 1000
    // (A good record first: records set aside before any row take the arrival time, a wall clock.)
    const first = JSON.stringify({user_id: 'first', event_timestamp: T0 - 10_000})
    await writeFile(join(dir, 'clicks.ndjson'), first + '\n' + jsonInput(Math.ceil((MAP_IN_THREAD_MIN_BYTES * 1.1) / perRecord)))
    expect((await stat(join(dir, 'clicks.ndjson'))).size).toBeGreaterThanOrEqual(MAP_IN_THREAD_MIN_BYTES)

    // When the CLI runs it (on the thread, the compiled worker found beside its module) and the
    // library runs it on this thread only
    const cli = await runCli(
      ['app', 'run', 'app.sql', '--from', 'file:clicks.ndjson', '--rowtime', 'event_timestamp', '--output', 'OUT=file:cli/out.ndjson', '--output', 'error_stream=file:cli/errors.ndjson', '--json'],
      {cwd: dir, env: {CLICKSTREAM_HOME: join(dir, '.clickstream')}},
    )
    const here = await runApplicationFile({
      sqlFile: join(dir, 'app.sql'),
      from: {kind: 'file', path: join(dir, 'clicks.ndjson'), gzip: false},
      rowtimeField: 'event_timestamp',
      outputs: [
        {stream: 'OUT', target: {kind: 'file', path: join(dir, 'here', 'out.ndjson'), gzip: false}, format: 'JSON'},
        {stream: 'error_stream', target: {kind: 'file', path: join(dir, 'here', 'errors.ndjson'), gzip: false}, format: 'JSON'},
      ],
      withRowtime: false,
      follow: false,
      ctx: {workspace: resolveWorkspace({workspace: join(dir, '.clickstream')}), aws: {}, clock: new ManualClock(0)},
      inputThread: {minBytes: Infinity},
    })

    // Then the rows, the counts and the records set aside are the same
    expect(cli.code, cli.stderr).toBe(0)
    const summary = JSON.parse(cli.stdout)
    expect(summary).toMatchObject({recordsIn: here.recordsIn, rowsIn: here.rowsIn, errors: here.errors, ended: true})
    expect(summary.reading).toEqual({secondThread: true, columnsNotPassedOn: []})
    expect(here.reading).toEqual({secondThread: false, columnsNotPassedOn: []})
    // Error messages name positions relative to where each run was started.
    expect(summary.firstErrors).toEqual(here.firstErrors.map((e) => e.replace(`${dir}/`, '')))
    expect(await readFile(join(dir, 'cli', 'out.ndjson'), 'utf8')).toBe(await readFile(join(dir, 'here', 'out.ndjson'), 'utf8'))
    // error_stream rows carry the wall-clock time they were set aside: compare all but that.
    const errors = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((l) => ({...JSON.parse(l), ERROR_TIME: undefined}))
    expect(await errors(join(dir, 'cli', 'errors.ndjson'))).toEqual(await errors(join(dir, 'here', 'errors.ndjson')))
    expect(here.errors).toBeGreaterThan(1000)
  })
})
