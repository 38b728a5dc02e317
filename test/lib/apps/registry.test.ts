import {readdir} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'
import {appPaths, defaultOutputTarget, listApps, loadApp, removeApp, storeApp, validateAppName} from '../../../src/lib/apps/registry.js'
import {ConflictError, NotFoundError, UsageError} from '../../../src/lib/core/errors.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {workspaceIn} from './local-stream-helpers.js'

const definition = (name: string) => ({
  name,
  input: 'local:clicks',
  schema: {RecordFormat: {RecordFormatType: 'JSON' as const}, RecordColumns: [{Name: 'u', SqlType: 'INTEGER', Mapping: '$.u'}]},
  schemaOrigin: 'file' as const,
  outputs: [{stream: 'DESTINATION_SQL_STREAM', target: 'local:sessions'}],
  sourceFile: 'app.sql',
})

describe('the app registry (apps/<name>/ in the workspace)', () => {
  const tempDir = useTempDir()

  it('stores, lists, loads and removes applications as plain files', async () => {
    const ws = await workspaceIn(await tempDir())
    const stored = await storeApp(ws, definition('lab'), 'CREATE STREAM X (A INT);', Date.UTC(2026, 10, 23))
    await storeApp(ws, definition('beverage'), 'SELECT 1;', 0)
    expect(stored).toMatchObject({name: 'lab', deployedAt: '2026-11-23T00:00:00.000Z'})
    expect(stored.deploymentId).toMatch(/^[0-9a-f]{12}$/)
    expect(await readdir(appPaths(ws, 'lab').dir)).toEqual(['app.json', 'app.sql'])
    expect(await listApps(ws)).toEqual(['beverage', 'lab'])
    const loaded = await loadApp(ws, 'lab')
    expect([loaded.sql, loaded.input]).toEqual(['CREATE STREAM X (A INT);', {kind: 'local', name: 'clicks'}])
    await removeApp(ws, 'lab')
    expect(await listApps(ws)).toEqual(['beverage'])
    expect(await readdir(ws.apps)).toEqual(['beverage'])
  })

  it('refuses a second application of the same name and names missing ones', async () => {
    const ws = await workspaceIn(await tempDir())
    await storeApp(ws, definition('lab'), '', 0)
    await expect(storeApp(ws, definition('lab'), '', 0)).rejects.toThrow(ConflictError)
    await expect(loadApp(ws, 'nope')).rejects.toThrow(NotFoundError)
    await expect(removeApp(ws, 'nope')).rejects.toThrow("no application 'nope'")
  })

  it.each(['lab', 'web-metrics_2.v1'])('accepts the name %s', (name) => expect(validateAppName(name)).toBe(name))
  it.each(['', 'has space', 'a/b', 'x'.repeat(129)])('rejects the name %j', (name) => expect(() => validateAppName(name)).toThrow(UsageError))

  it('routes a terminal stream to a local stream named after the app by default', () => {
    expect(defaultOutputTarget('lab', 'DESTINATION_SQL_STREAM')).toBe('local:lab-destination-sql-stream')
    expect(defaultOutputTarget('lab', 'Quoted Name')).toBe('local:lab-quoted-name')
  })
})
