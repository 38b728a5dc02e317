import {copyFile, readFile, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import type {TargetSpec} from '../../../src/lib/targets/spec.js'
import {describe, expect, it} from 'vitest'
import {deployApplication} from '../../../src/lib/apps/lifecycle.js'
import {appPaths} from '../../../src/lib/apps/registry.js'
import {readStatus} from '../../../src/lib/apps/status-file.js'
import {runWorker, type StartFrom} from '../../../src/lib/apps/worker.js'
import {systemClock} from '../../../src/lib/core/clock.js'
import {ConflictError} from '../../../src/lib/core/errors.js'
import type {Workspace} from '../../../src/lib/local/workspace.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {appendTo, contextFor, readAll, workspaceIn} from './local-stream-helpers.js'

const TEMPLATES = fileURLToPath(new URL('../../../templates/sql/', import.meta.url))

function clicks(from: number, count: number) {
  return Array.from({length: count}, (_, i) => {
    const n = from + i
    const t = 1_700_000_000_000 + n * 4_000 + Math.floor(n / 5) * 12_000
    return {data: JSON.stringify({user_id: `user${n % 3}`, event_timestamp: t, event_name: 'detail', event_type: 'click', device_type: 'mobile'}), time: t}
  })
}

/** Runs the worker in this process until it has read `records` records, then stops it. */
/** Deploys seed 004's sessionization on local:clicks, its sessions going to `output`. */
async function deployLab(ws: Workspace, output: TargetSpec = {kind: 'local', name: 'sessions'}) {
  await deployApplication({
    ctx: contextFor(ws),
    name: 'lab',
    sqlFile: `${TEMPLATES}sessionize-lab.sql`,
    input: {kind: 'local', name: 'clicks'},
    schemaFile: `${TEMPLATES}sessionize-lab.schema.json`,
    outputs: [{stream: 'DESTINATION_SQL_STREAM', target: output}],
  })
}

async function runUntil(ws: Workspace, records: number, from: StartFrom = 'last-stopped') {
  const before = (await readStatus(ws, 'lab'))?.updatedAt
  const controller = new AbortController()
  const done = runWorker({ctx: contextFor(ws), name: 'lab', from, signal: controller.signal, clock: systemClock, heartbeatMs: 50, checkpointEveryMs: 0, log: () => undefined})
  for (let i = 0; i < 200; i++) {
    const status = await readStatus(ws, 'lab')
    if (status?.state === 'running' && status.updatedAt !== before && (status.counters?.recordsIn ?? 0) >= records) break
    await new Promise((r) => setTimeout(r, 25))
  }
  controller.abort()
  return done
}

describe('the application worker', () => {
  const tempDir = useTempDir()

  it('does not repeat output rows that were written after its last checkpoint (a crash between the two)', async () => {
    const ws = await workspaceIn(await tempDir())
    await appendTo(ws, 'clicks', clicks(0, 20))
    await deployLab(ws)
    const paths = appPaths(ws, 'lab')
    await runUntil(ws, 20)
    await copyFile(paths.checkpoint, `${paths.checkpoint}.older`)
    const afterFirst = (await readAll(ws, 'sessions')).length

    await appendTo(ws, 'clicks', clicks(20, 20))
    await runUntil(ws, 40)
    const reference = await readAll(ws, 'sessions')
    expect(reference.length).toBeGreaterThan(afterFirst)

    // As if the worker had died after writing the second run's rows but before checkpointing.
    await copyFile(`${paths.checkpoint}.older`, paths.checkpoint)
    await appendTo(ws, 'clicks', clicks(40, 10))
    const counters = await runUntil(ws, 50)
    expect(counters.recordsIn).toBe(50)

    const sessions = await readAll(ws, 'sessions')
    expect(sessions.slice(0, reference.length)).toEqual(reference)
    expect(new Set(sessions).size).toBe(sessions.length)
    expect(counters.rowsOut.DESTINATION_SQL_STREAM).toBe(sessions.length)
  })

  it('starts over at trim-horizon when asked, keeping the output numbering so nothing is dropped', async () => {
    const ws = await workspaceIn(await tempDir())
    await appendTo(ws, 'clicks', clicks(0, 15))
    await deployLab(ws)
    await runUntil(ws, 15)
    const once = await readAll(ws, 'sessions')
    const counters = await runUntil(ws, 15, 'trim-horizon')
    expect(counters.recordsIn).toBe(15)
    expect(await readAll(ws, 'sessions')).toEqual([...once, ...once])
  })

  it('refuses to run while another live process holds the application, and takes over a dead one\'s lock', async () => {
    const ws = await workspaceIn(await tempDir())
    await appendTo(ws, 'clicks', clicks(0, 5))
    await deployLab(ws)
    const lock = appPaths(ws, 'lab').lock
    await writeFile(lock, `${process.ppid}\n`)
    const controller = new AbortController()
    await expect(runWorker({ctx: contextFor(ws), name: 'lab', from: 'last-stopped', signal: controller.signal, clock: systemClock, log: () => undefined})).rejects.toThrow(ConflictError)
    await writeFile(lock, '999999999\n')
    expect((await runUntil(ws, 5)).recordsIn).toBe(5)
  })

  it('appends to a file output across restarts', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'clicks', clicks(0, 10))
    await deployLab(ws, {kind: 'file', path: `${dir}/sessions.ndjson`, gzip: false})
    const first = await runUntil(ws, 10)
    await appendTo(ws, 'clicks', clicks(10, 10))
    const second = await runUntil(ws, 20)
    const lines = (await readFile(`${dir}/sessions.ndjson`, 'utf8')).trim().split('\n')
    expect(first.rowsOut.DESTINATION_SQL_STREAM).toBeGreaterThan(0)
    expect(lines).toHaveLength(second.rowsOut.DESTINATION_SQL_STREAM)
  })
})
