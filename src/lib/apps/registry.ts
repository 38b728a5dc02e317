import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdir, readdir, readFile, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {ConflictError, NotFoundError, UsageError} from '../core/errors.js'
import type {Workspace} from '../local/workspace.js'
import type {InputSchemaJson} from '../sql/input/schema.js'
import {parseTarget, formatTarget, type TargetSpec} from '../targets/spec.js'
import {readJsonFile, writeFileAtomic} from '../core/files.js'

/** What `app deploy` stores in `apps/<name>/app.json`. */
export interface AppDefinition {
  name: string
  /** Identifies this deployment: a name deleted and deployed again starts fresh output marks. */
  deploymentId: string
  input: string
  schema: InputSchemaJson
  schemaOrigin: 'file' | 'discovered'
  outputs: Array<{stream: string; target: string; format?: 'JSON' | 'CSV'}>
  /** The SQL file it was deployed from (the code itself is stored as app.sql). */
  sourceFile: string
  deployedAt: string
}

export const APP_NAME = /^[A-Za-z0-9_.-]{1,128}$/

export function validateAppName(name: string): string {
  if (!APP_NAME.test(name)) throw new UsageError(`--name '${name}': an application name is 1-128 letters, digits, _ . or -.`)
  return name
}

/** The files of one deployed application, all inspectable with ordinary tools. */
export function appPaths(ws: Workspace, name: string) {
  const dir = join(ws.apps, name)
  return {
    dir,
    definition: join(dir, 'app.json'),
    sql: join(dir, 'app.sql'),
    checkpoint: join(dir, 'checkpoint.json'),
    status: join(dir, 'status.json'),
    log: join(dir, 'worker.log'),
    lock: join(dir, 'worker.pid'),
  }
}

export function appExists(ws: Workspace, name: string): boolean {
  return existsSync(appPaths(ws, name).definition)
}

function notDeployed(name: string): NotFoundError {
  return new NotFoundError(`no application '${name}' is deployed in this workspace.`, {
    suggestions: ["See the deployed applications with 'clickstream app status'.", `Deploy one with 'clickstream app deploy APP.sql --name ${name} --input local:STREAM'.`],
  })
}

export async function loadApp(ws: Workspace, name: string): Promise<{definition: AppDefinition; sql: string; input: TargetSpec}> {
  const paths = appPaths(ws, name)
  const definition = await readJsonFile<AppDefinition>(paths.definition)
  if (!definition) throw notDeployed(name)
  const sql = await readFile(paths.sql, 'utf8')
  return {definition, sql, input: parseTarget(definition.input, 'input')}
}

export async function listApps(ws: Workspace): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(ws.apps)
  } catch {
    return []
  }
  return names.filter((n) => APP_NAME.test(n) && appExists(ws, n)).sort()
}

/** Stores a validated application. The folder appears whole or not at all. */
export async function storeApp(ws: Workspace, definition: Omit<AppDefinition, 'deploymentId' | 'deployedAt'>, sql: string, now: number): Promise<AppDefinition> {
  const paths = appPaths(ws, definition.name)
  if (existsSync(paths.dir)) {
    throw new ConflictError(`an application named '${definition.name}' is already deployed.`, {
      suggestions: [`Delete it first with 'clickstream app delete ${definition.name}', or deploy under another --name.`],
    })
  }
  await mkdir(ws.apps, {recursive: true})
  const staging = join(ws.apps, `.${definition.name}.${randomBytes(4).toString('hex')}.staging`)
  await mkdir(staging)
  const full: AppDefinition = {...definition, deploymentId: randomBytes(6).toString('hex'), deployedAt: new Date(now).toISOString()}
  await writeFileAtomic(join(staging, 'app.sql'), sql)
  await writeFileAtomic(join(staging, 'app.json'), JSON.stringify(full, null, 2) + '\n')
  try {
    await rename(staging, paths.dir)
  } catch (error) {
    await rm(staging, {recursive: true, force: true})
    throw new ConflictError(`an application named '${definition.name}' was deployed at the same time.`, {cause: error})
  }
  return full
}

export async function removeApp(ws: Workspace, name: string): Promise<void> {
  const paths = appPaths(ws, name)
  if (!appExists(ws, name)) throw notDeployed(name)
  // Rename first so a reader never sees a half-deleted folder.
  const doomed = join(ws.apps, `.${name}.${randomBytes(4).toString('hex')}.deleted`)
  await rename(paths.dir, doomed)
  await rm(doomed, {recursive: true, force: true})
}

/** The output a deployed app gets for a terminal stream when none is given: a local stream. */
export function defaultOutputTarget(appName: string, stream: string): string {
  return formatTarget({kind: 'local', name: `${appName}-${stream.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}`.slice(0, 128)})
}
