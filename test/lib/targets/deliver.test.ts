import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {deliverStream} from '../../../src/lib/targets/deliver.js'
import {appendTo, contextFor, workspaceIn} from '../apps/local-stream-helpers.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {runCli} from '../../helpers/run-cli.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0)

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(() => [])
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort()
}

async function linesOf(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean)
}

describe('streams deliver', () => {
  const tempDir = useTempDir()

  it('files every record of a stream in the lake under the hour of its own time', async () => {
    const ws = await workspaceIn(await tempDir())
    const records = Array.from({length: 30}, (_, i) => ({data: JSON.stringify({n: i}), time: T0 + (i < 20 ? 0 : HOUR)}))
    await appendTo(ws, 'clicks', records)

    const result = await deliverStream({from: {kind: 'local', name: 'clicks'}, to: {kind: 'lake', table: 'clicks'}, start: 'trim-horizon', follow: false}, contextFor(ws))

    expect(result).toMatchObject({read: 30, delivered: 30, failed: 0, target: 'lake:clicks'})
    const files = await filesUnder(join(ws.lake, 'clicks'))
    expect(new Set(files.map((f) => f.split('/').slice(0, 4).join('/')))).toEqual(new Set(['2026/11/23/08', '2026/11/23/09']))
    const delivered = (await Promise.all(files.map((f) => linesOf(join(ws.lake, 'clicks', f))))).flat()
    expect(delivered.map((d) => JSON.parse(d).n).sort((a, b) => a - b)).toEqual(records.map((_, i) => i))
  })

  it('continues after the checkpoint, so a second run delivers only what is new', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    const checkpoint = join(dir, 'clicks.checkpoint')
    const out = join(dir, 'out.ndjson')
    await appendTo(ws, 'clicks', [1, 2, 3].map((n) => ({data: `{"n":${n}}`, time: T0})))
    const first = await deliverStream({from: {kind: 'local', name: 'clicks'}, to: {kind: 'file', path: out, gzip: false}, start: 'trim-horizon', follow: false, checkpoint}, contextFor(ws))
    await appendTo(ws, 'clicks', [4, 5].map((n) => ({data: `{"n":${n}}`, time: T0})))
    const second = await deliverStream({from: {kind: 'local', name: 'clicks'}, to: {kind: 'file', path: `${out}.2`, gzip: false}, start: 'trim-horizon', follow: false, checkpoint}, contextFor(ws))

    expect([first.delivered, second.delivered]).toEqual([3, 2])
    expect(await linesOf(`${out}.2`)).toEqual(['{"n":4}', '{"n":5}'])
  })

  it('refuses a checkpoint kept for another source, naming both', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    const checkpoint = join(dir, 'shared.checkpoint')
    await appendTo(ws, 'a', [{data: '{}', time: T0}])
    await appendTo(ws, 'b', [{data: '{}', time: T0}])
    await deliverStream({from: {kind: 'local', name: 'a'}, to: {kind: 'file', path: join(dir, 'a.ndjson'), gzip: false}, start: 'trim-horizon', follow: false, checkpoint}, contextFor(ws))

    await expect(
      deliverStream({from: {kind: 'local', name: 'b'}, to: {kind: 'file', path: join(dir, 'b.ndjson'), gzip: false}, start: 'trim-horizon', follow: false, checkpoint}, contextFor(ws)),
    ).rejects.toThrow(/checkpoint of local:a, not of local:b/)
  })

  it('reports what it delivered from the command line, and --json gives the counts', async () => {
    const dir = await tempDir()
    const ws = await workspaceIn(dir)
    await appendTo(ws, 'clicks', [{data: '{"n":1}', time: T0}, {data: '{"n":2}', time: T0}])

    const result = await runCli(['streams', 'deliver', 'clicks', '--to', 'lake:clicks', '--workspace', ws.root, '--json'])

    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({source: 'local:clicks', target: 'lake:clicks', read: 2, delivered: 2, failed: 0})
    const bad = await runCli(['streams', 'deliver', 'clicks', '--to', 's3:bucket', '--workspace', ws.root])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--to 's3:bucket': unknown kind 's3'/)
  })
})
