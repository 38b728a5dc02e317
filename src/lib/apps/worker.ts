import type {Clock} from '../core/clock.js'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {ConflictError, InputError} from '../core/errors.js'
import type {Workspace} from '../local/workspace.js'
import {createRecordMapper} from '../sql/input/mapper.js'
import {parseInputSchema, sourceStreamOf} from '../sql/input/schema.js'
import {openSink, openSource, parseTarget} from '../targets/index.js'
import type {Sink, TargetContext} from '../targets/types.js'
import {readCheckpoint, writeCheckpoint} from './checkpoint.js'
import {compileSql} from './compile.js'
import {resolveOutputStream, routableStreams, rowFormatter} from './output.js'
import {appPaths, loadApp} from './registry.js'
import {emptyCounters, runApplication, type OutputRoute, type RunCounters} from './runner.js'
import {isAlive, writeStatus, type WorkerStatus} from './status-file.js'

/** Where a started application begins reading: its checkpoint, or a position in the stream. */
export type StartFrom = 'last-stopped' | 'trim-horizon' | 'now'

export interface WorkerOptions {
  ctx: TargetContext
  name: string
  from: StartFrom
  signal: AbortSignal
  clock: Clock
  heartbeatMs?: number
  checkpointEveryMs?: number
  /** Diagnostics (the worker log). */
  log: (message: string) => void
}

/** The producer id a deployed app writes each output with: marks are per deployment and stream. */
/** Names one output of one deployment to the sinks that keep marks (a stream may have several outputs). */
export const producerIdOf = (name: string, deploymentId: string, stream: string, target: string) => `app:${name}:${deploymentId}:${stream}:${target}`

/**
 * The background worker of a deployed application. It resumes from the checkpoint (input position,
 * operator state and output counters, stored together), drops output rows the sinks' marks show
 * were written before a crash, and checkpoints as it goes; a stop signal ends it after a final
 * checkpoint. So stop/start and crashes lose nothing and repeat nothing on local outputs.
 */
export async function runWorker(options: WorkerOptions): Promise<RunCounters> {
  const {ctx, name, clock, log} = options
  const ws: Workspace = ctx.workspace
  const {definition, sql, input} = await loadApp(ws, name)
  const status: WorkerStatus = {state: 'starting', pid: process.pid, startedAt: new Date(clock.now()).toISOString(), updatedAt: new Date(clock.now()).toISOString()}
  const sinks: Sink[] = []
  // Status writes happen in call order, each with the status as it was when asked for: a
  // progress write still in flight must not land after the final 'stopped'.
  let statusWrites: Promise<void> = Promise.resolve()
  const saveStatus = (): Promise<void> => {
    const text = structuredClone(status)
    statusWrites = statusWrites.then(() => writeStatus(ws, name, text)).catch(() => undefined)
    return statusWrites
  }
  const releaseLock = await takeWorkerLock(appPaths(ws, name).lock, name)
  try {
    const mapping = parseInputSchema(definition.schema, appPaths(ws, name).definition)
    const app = await compileSql(sql, {sources: [sourceStreamOf(mapping)], file: definition.sourceFile})

    let checkpoint = await readCheckpoint(ws, name)
    if (checkpoint && checkpoint.deploymentId !== definition.deploymentId) checkpoint = undefined
    const resume = options.from === 'last-stopped' && checkpoint !== undefined
    const counters: RunCounters = resume ? checkpoint!.counters : {...emptyCounters(), rowsOut: {...(checkpoint?.counters.rowsOut ?? {})}}
    status.startedFrom = resume ? `checkpoint ${checkpoint!.input ?? '(start)'}` : options.from === 'now' ? 'now' : 'trim-horizon'
    log(`starting '${name}' from ${status.startedFrom}`)

    const routes: OutputRoute[] = []
    const streams = routableStreams(app.streams)
    for (const output of definition.outputs) {
      const stream = resolveOutputStream(output.stream, streams)
      // append: a restarted worker adds to a file output instead of replacing it.
      const sink = await openSink(parseTarget(output.target, 'output'), ctx, {producerId: producerIdOf(name, definition.deploymentId, stream.name, output.target), append: true})
      sinks.push(sink)
      const mark = sink.lastMark ? await sink.lastMark() : undefined
      const deliveredThrough = mark !== undefined && /^\d+$/.test(mark) ? Number(mark) : undefined
      if (deliveredThrough !== undefined && deliveredThrough > (counters.rowsOut[stream.name] ?? 0)) {
        log(`${output.target}: rows ${(counters.rowsOut[stream.name] ?? 0) + 1}-${deliveredThrough} of ${stream.name} were written before the last checkpoint; they will not be written again`)
      }
      routes.push({stream: stream.name, columns: stream.columns, sink, deliveredThrough, useMarks: sink.lastMark !== undefined, format: rowFormatter(output.format, stream.columns, false)})
    }

    const source = await openSource(input, ctx, {
      from: resume ? undefined : options.from === 'now' ? 'latest' : 'trim-horizon',
      resume: resume ? checkpoint!.input : undefined,
      follow: true,
      signal: options.signal,
    })
    status.state = 'running'
    status.counters = counters
    if (checkpoint) status.lastCheckpoint = {at: checkpoint.at, input: checkpoint.input}
    await saveStatus()
    let lastStatusWrite = clock.now()
    try {
      await runApplication({
        app,
        sourceStream: mapping.streamName,
        mapper: createRecordMapper(mapping),
        batches: source.batches(),
        position: () => source.checkpoint(),
        routes,
        withRowtime: false,
        clock,
        signal: options.signal,
        finite: false,
        heartbeatMs: options.heartbeatMs,
        restore: resume ? checkpoint!.state : undefined,
        counters,
        checkpointEveryMs: options.checkpointEveryMs,
        onCheckpoint: async (data) => {
          const at = new Date(clock.now()).toISOString()
          // No new position (nothing read since the start) keeps the one we resumed from.
          const inputPosition = data.input ?? (resume ? checkpoint!.input : undefined)
          await writeCheckpoint(ws, name, {version: 1, deploymentId: definition.deploymentId, at, ...data, input: inputPosition})
          status.lastCheckpoint = {at, input: inputPosition}
          status.updatedAt = at
          await saveStatus()
          lastStatusWrite = clock.now()
        },
        onProgress: () => {
          if (clock.now() - lastStatusWrite < 1000) return
          lastStatusWrite = clock.now()
          status.updatedAt = new Date(clock.now()).toISOString()
          void saveStatus()
        },
      })
    } finally {
      await source.close()
    }
    for (const sink of sinks.splice(0)) await sink.close()
    status.state = 'stopped'
    status.stoppedAt = status.updatedAt = new Date(clock.now()).toISOString()
    await saveStatus()
    log(`stopped '${name}': ${counters.recordsIn} records in, ${counters.errors} set aside, ${Object.entries(counters.rowsOut).map(([s, n]) => `${s} ${n}`).join(', ')}`)
    return counters
  } catch (error) {
    status.state = 'failed'
    status.error = error instanceof InputError ? (error as InputError).located : (error as Error).message
    status.stoppedAt = status.updatedAt = new Date(clock.now()).toISOString()
    await saveStatus()
    throw error
  } finally {
    for (const sink of sinks) await sink.close().catch(() => undefined)
    await releaseLock()
  }
}

/**
 * One worker per application: `worker.pid` is created exclusively, so two starts racing each
 * other cannot both run it. A lock left by a dead worker is taken over.
 */
async function takeWorkerLock(path: string, name: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, {flag: 'wx'})
      return async () => {
        await rm(path, {force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim())
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new ConflictError(`application '${name}' is already running (pid ${holder}).`, {suggestions: [`Stop it with 'clickstream app stop ${name}'.`]})
      }
      await rm(path, {force: true})
    }
  }
  throw new ConflictError(`application '${name}' is being started by another process.`)
}
