import {spawn} from 'node:child_process'
import {closeSync, openSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'
import type {Clock} from '../core/clock.js'
import {ConflictError, ExternalServiceError, UsageError} from '../core/errors.js'
import {notFound, streamExists} from '../local/streams/index.js'
import type {Workspace} from '../local/workspace.js'
import {formatSqlType} from '../sql/types.js'
import {sourceStreamOf, toInputSchemaJson} from '../sql/input/schema.js'
import {formatTarget, openSource} from '../targets/index.js'
import type {TargetSpec} from '../targets/spec.js'
import type {TargetContext} from '../targets/types.js'
import {readCheckpoint} from './checkpoint.js'
import {compileSql} from './compile.js'
import {adjacentSchemaFile, discoverSchema, loadSchemaFile, peekRecords, readTextFile, type ResolvedSchema} from './input.js'
import {resolveOutputStream, routableStreams, terminalStreams, type OutputSpec} from './output.js'
import {appExists, appPaths, defaultOutputTarget, listApps, loadApp, removeApp, storeApp, validateAppName} from './registry.js'
import type {RunCounters} from './runner.js'
import {isAlive, readStatus, writeStatus, type WorkerState} from './status-file.js'
import type {StartFrom} from './worker.js'

export interface DeployOptions {
  ctx: TargetContext
  name: string
  sqlFile: string
  input: TargetSpec
  schemaFile?: string
  outputs: OutputSpec[]
}

export interface DeployResult {
  name: string
  input: string
  sourceStream: string
  schema: {origin: 'file' | 'discovered'; columns: Array<{name: string; type: string}>}
  outputs: Array<{stream: string; target: string; format?: 'JSON' | 'CSV'}>
  path: string
}

/** Input kinds a background worker can follow. */
const FOLLOWABLE = new Set<TargetSpec['kind']>(['local', 'kinesis'])

/**
 * `app deploy`: validates the application (its schema, its SQL against that schema, its
 * outputs) and stores it in the workspace. Without a schema file, the input stream is sampled.
 */
export async function deployApplication(options: DeployOptions): Promise<DeployResult> {
  const {ctx} = options
  const name = validateAppName(options.name)
  if (!FOLLOWABLE.has(options.input.kind)) {
    throw new UsageError(`--input ${formatTarget(options.input)}: a deployed application reads a stream (local:NAME or kinesis:NAME).`, {
      suggestions: [`Run an application over a file in the foreground with 'clickstream app run ${options.sqlFile} --from ${formatTarget(options.input)}'.`],
    })
  }
  if (appExists(ctx.workspace, name)) {
    throw new ConflictError(`an application named '${name}' is already deployed.`, {
      suggestions: [`Delete it first with 'clickstream app delete ${name}', or deploy under another --name.`],
    })
  }
  // As KDA does, the input stream must exist when the application is deployed.
  if (options.input.kind === 'local' && !streamExists(ctx.workspace, options.input.name)) throw notFound(ctx.workspace, options.input.name)
  const sql = await readTextFile(options.sqlFile, 'application SQL')
  let schema: ResolvedSchema
  // As `app run` does: --schema, else the APP.schema.json the templates ship beside their SQL.
  const schemaFile = options.schemaFile ?? adjacentSchemaFile(options.sqlFile)
  if (schemaFile !== undefined) {
    schema = await loadSchemaFile(schemaFile)
  } else {
    const source = await openSource(options.input, ctx, {from: 'trim-horizon', follow: false})
    try {
      const peeked = await peekRecords(source.batches())
      schema = discoverSchema(peeked.samples, formatTarget(options.input))
    } finally {
      await source.close()
    }
  }
  const app = await compileSql(sql, {sources: [sourceStreamOf(schema.mapping)], file: options.sqlFile})
  const streams = routableStreams(app.streams)
  const outputs =
    options.outputs.length > 0
      ? options.outputs.map((o) => ({
          stream: resolveOutputStream(o.stream, streams).name,
          // The worker runs later, from anywhere: a relative file path means the deploy's folder.
          target: formatTarget(o.target.kind === 'file' ? {...o.target, path: resolve(o.target.path)} : o.target),
          ...(o.format === 'CSV' ? {format: 'CSV' as const} : {}),
        }))
      : terminalStreams(app.streams).map((s) => ({stream: s.name, target: defaultOutputTarget(name, s.name)}))
  const seen = new Set<string>()
  for (const o of outputs) {
    if (o.target === '-') throw new UsageError(`--output ${o.stream}=-: a background worker has no stdout; route it to a stream or a file.`)
    if (seen.has(`${o.stream}=${o.target}`)) throw new UsageError(`--output ${o.stream}=${o.target} is given twice.`)
    seen.add(`${o.stream}=${o.target}`)
  }
  await storeApp(ctx.workspace, {name, input: formatTarget(options.input), schema: toInputSchemaJson(schema.mapping), schemaOrigin: schema.origin, outputs, sourceFile: options.sqlFile}, sql, ctx.clock.now())
  return {
    name,
    input: formatTarget(options.input),
    sourceStream: schema.mapping.streamName,
    schema: {origin: schema.origin, columns: schema.mapping.columns.map((c) => ({name: c.name, type: formatSqlType(c.type)}))},
    outputs,
    path: appPaths(ctx.workspace, name).dir,
  }
}

export interface StartOptions {
  ws: Workspace
  name: string
  from: StartFrom
  /** How to run `clickstream` itself: the node binary and the CLI script (the CLI knows). */
  cli: {command: string; args: string[]}
  clock: Clock
  /** How long to wait for the worker to report that it runs. */
  readyTimeoutMs?: number
  env?: NodeJS.ProcessEnv
}

export interface StartResult {
  name: string
  pid: number
  state: WorkerState
  startedFrom: string
  log: string
}

/**
 * `app start`: runs the application in a detached worker process (logging to worker.log in the
 * app folder) and waits until it reports that it runs, so a broken start is reported here.
 */
export async function startApplication(options: StartOptions): Promise<StartResult> {
  const {ws, name, clock} = options
  await loadApp(ws, name)
  const paths = appPaths(ws, name)
  const current = await readStatus(ws, name)
  if (current && (current.state === 'running' || current.state === 'starting' || current.state === 'stopping') && isAlive(current.pid)) {
    throw new ConflictError(`application '${name}' is already running (pid ${current.pid}).`, {suggestions: [`Stop it with 'clickstream app stop ${name}'.`]})
  }
  // Written before the spawn, so it can never overwrite the worker's own 'running'.
  await writeStatus(ws, name, {...(current ?? {}), state: 'starting', pid: undefined, error: undefined, updatedAt: new Date(clock.now()).toISOString()})
  const logFd = openSync(paths.log, 'a')
  let pid: number
  try {
    const child = spawn(options.cli.command, [...options.cli.args, 'app', 'worker', name, '--workspace', ws.root, '--from', options.from], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: options.env ?? process.env,
    })
    if (child.pid === undefined) throw new ExternalServiceError('process', `could not start the worker for '${name}'.`)
    pid = child.pid
    child.unref()
  } finally {
    closeSync(logFd)
  }
  const deadline = clock.now() + (options.readyTimeoutMs ?? 20_000)
  while (clock.now() < deadline) {
    const status = await readStatus(ws, name)
    if (status?.pid === pid && status.state === 'running') return {name, pid, state: 'running', startedFrom: status.startedFrom ?? options.from, log: paths.log}
    if (status?.state === 'failed' || !isAlive(pid)) {
      const log = await tailOf(paths.log)
      throw new ExternalServiceError('worker', `application '${name}' failed to start: ${status?.error ?? 'the worker exited'}`, {
        suggestions: [`Worker log (${paths.log}):\n${log}`],
      })
    }
    await clock.sleep(50)
  }
  return {name, pid, state: 'starting', startedFrom: options.from, log: paths.log}
}

async function tailOf(path: string, lines = 15): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '')
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

export interface StopResult {
  name: string
  state: WorkerState
  /** It was not running. */
  wasRunning: boolean
  /** The worker did not stop in time and was killed; its last checkpoint still holds. */
  killed: boolean
  counters?: RunCounters
}

/** `app stop`: asks the worker to stop (SIGTERM), which checkpoints and exits; waits for it. */
export async function stopApplication(options: {ws: Workspace; name: string; clock: Clock; timeoutMs?: number}): Promise<StopResult> {
  const {ws, name, clock} = options
  await loadApp(ws, name)
  const status = await readStatus(ws, name)
  if (!status || !isAlive(status.pid) || status.state === 'stopped' || status.state === 'failed') {
    return {name, state: status?.state === 'failed' ? 'failed' : 'stopped', wasRunning: false, killed: false, counters: status?.counters}
  }
  const pid = status.pid!
  process.kill(pid, 'SIGTERM')
  const deadline = clock.now() + (options.timeoutMs ?? 15_000)
  while (isAlive(pid) && clock.now() < deadline) await clock.sleep(50)
  let killed = false
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL')
    killed = true
    while (isAlive(pid)) await clock.sleep(20)
  }
  const after = await readStatus(ws, name)
  if (killed || after?.state !== 'stopped') {
    await writeStatus(ws, name, {...(after ?? status), state: 'stopped', pid: undefined, stoppedAt: new Date(clock.now()).toISOString(), updatedAt: new Date(clock.now()).toISOString()})
  }
  return {name, state: 'stopped', wasRunning: true, killed, counters: after?.counters}
}

export interface AppStatus {
  name: string
  /** running, stopped, failed; `deployed` when it never ran. A worker that died without stopping is failed. */
  state: WorkerState | 'deployed'
  pid?: number
  input: string
  outputs: Array<{stream: string; target: string; rows: number}>
  recordsIn: number
  rowsIn: number
  errors: number
  firstErrors: string[]
  /** How far behind the input's newest record the application is (local inputs). */
  lag?: {records: number; ms?: number}
  lastCheckpoint?: {at: string; input?: string}
  startedAt?: string
  stoppedAt?: string
  error?: string
  log: string
}

/** `app status`: one application or all of them, with worker liveness checked. */
export async function applicationStatus(options: {ws: Workspace; name?: string}): Promise<AppStatus[]> {
  const {ws} = options
  const names = options.name === undefined ? await listApps(ws) : [options.name]
  const out: AppStatus[] = []
  for (const name of names) {
    const {definition, input} = await loadApp(ws, name)
    const status = await readStatus(ws, name)
    const checkpoint = status ? undefined : await readCheckpoint(ws, name)
    const counters = status?.counters ?? checkpoint?.counters
    let state: AppStatus['state'] = status?.state ?? 'deployed'
    let error = status?.error
    // 'starting' without a pid: `app start` is spawning the worker right now.
    if ((state === 'running' || state === 'starting' || state === 'stopping') && !(state === 'starting' && !status?.pid) && !isAlive(status?.pid)) {
      state = 'failed'
      error ??= 'the worker exited without stopping (crashed or killed); start it again to resume from its last checkpoint.'
    }
    out.push({
      name,
      state,
      pid: state === 'running' || state === 'starting' ? status?.pid : undefined,
      input: definition.input,
      outputs: definition.outputs.map((o) => ({...o, rows: counters?.rowsOut[o.stream] ?? 0})),
      recordsIn: counters?.recordsIn ?? 0,
      rowsIn: counters?.rowsIn ?? 0,
      errors: counters?.errors ?? 0,
      firstErrors: counters?.firstErrors ?? [],
      lag: input.kind === 'local' ? await localLag(ws, input.name, counters) : undefined,
      lastCheckpoint: status?.lastCheckpoint ?? (checkpoint ? {at: checkpoint.at, input: checkpoint.input} : undefined),
      startedAt: status?.startedAt,
      stoppedAt: status?.stoppedAt,
      error,
      log: appPaths(ws, name).log,
    })
  }
  return out
}

async function localLag(ws: Workspace, stream: string, counters: RunCounters | undefined): Promise<AppStatus['lag']> {
  const {describeStream, streamExists} = await import('../local/streams/index.js')
  if (!streamExists(ws, stream)) return undefined
  const d = describeStream(ws, stream)
  const lastSeq = counters?.lastPosition !== undefined && /^\d+$/.test(counters.lastPosition) ? Number(counters.lastPosition) : d.firstSeq - 1
  const records = Math.max(0, d.nextSeq - 1 - lastSeq)
  const newest = d.newestRecordTime ? Date.parse(d.newestRecordTime) : undefined
  const ms = records === 0 ? 0 : newest !== undefined && counters?.lastArrival !== undefined ? Math.max(0, newest - counters.lastArrival) : undefined
  return {records, ms}
}

/** `app delete`: removes a stopped application (its outputs stay). */
export async function deleteApplication(options: {ws: Workspace; name: string}): Promise<{name: string; deleted: true}> {
  const {ws, name} = options
  await loadApp(ws, name)
  const status = await readStatus(ws, name)
  if (status && status.state !== 'stopped' && status.state !== 'failed' && isAlive(status.pid)) {
    throw new ConflictError(`application '${name}' is running (pid ${status.pid}).`, {suggestions: [`Stop it first with 'clickstream app stop ${name}'.`]})
  }
  await removeApp(ws, name)
  return {name, deleted: true}
}

export interface ExplainResult {
  application: string
  sourceStream: string
  streams: Array<{name: string; role: 'source' | 'intermediate' | 'terminal'; columns: Array<{name: string; type: string}>}>
  plan: string
}

/** `app explain`: the compiled plan, against the given schema or a placeholder source. */
export async function explainApplication(options: {sqlFile: string; schemaFile?: string}): Promise<ExplainResult> {
  const sql = await readTextFile(options.sqlFile, 'application SQL')
  const schemaFile = options.schemaFile ?? adjacentSchemaFile(options.sqlFile)
  if (schemaFile === undefined) {
    throw new UsageError(`explain needs the input schema of ${options.sqlFile}: give it with --schema FILE (KDA InputSchema JSON).`, {
      suggestions: ['Templates ship one beside the SQL: templates/sql/NAME.schema.json.'],
    })
  }
  const {mapping} = await loadSchemaFile(schemaFile)
  const app = await compileSql(sql, {sources: [sourceStreamOf(mapping)], file: options.sqlFile})
  return {
    application: options.sqlFile,
    sourceStream: mapping.streamName,
    streams: app.streams.map((s) => ({
      name: s.name,
      role: s.isSource ? 'source' : s.isTerminal ? 'terminal' : 'intermediate',
      columns: s.columns.map((c) => ({name: c.name, type: formatSqlType(c.type)})),
    })),
    plan: app.explain(),
  }
}
