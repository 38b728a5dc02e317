import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN} from '../helpers/run-cli.js'

const REGISTER = fileURLToPath(new URL('../helpers/module-log/register.mjs', import.meta.url))
const MANIFEST = fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url))

/** The heavy dependencies a command may load only when it runs and needs them. */
const HEAVY = [/@aws-sdk\//, /@duckdb\//, /@faker-js\//, /\/dist\/lib\/sql\/(?!types\.js|api\.js)/]

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clickstream-startup-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const log = join(dir, `${args.join('_').replace(/[^a-z0-9_-]/gi, '')}.log`)
  const result = spawnSync(process.execPath, ['--import', REGISTER, BIN, ...args], {
    env: {...process.env, CLICKSTREAM_MODULE_LOG: log, NO_COLOR: '1'},
    encoding: 'utf8',
  })
  expect(result.status, result.stderr).toBe(0)
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean)
}

describe('start-up loads no heavy dependency', () => {
  it('answers --version without loading oclif', async () => {
    const loaded = await modulesLoadedBy(['--version'])
    expect(loaded.filter((url) => url.includes('@oclif/'))).toEqual([])
  })

  const commands = Object.keys(JSON.parse(readFileSync(MANIFEST, 'utf8')).commands as Record<string, unknown>)
  it.each([['--help'], ...commands.map((id) => [`${id.split(':').join(' ')} --help`])])('%s loads neither the AWS SDK, DuckDB, faker nor the SQL engine', async (args) => {
    const loaded = await modulesLoadedBy(args.split(' '))
    expect(loaded.filter((url) => HEAVY.some((re) => re.test(url)))).toEqual([])
  })
})
