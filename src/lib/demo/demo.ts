import {readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Clock} from '../core/clock.js'
import {ExternalServiceError, InterruptedError, UsageError} from '../core/errors.js'
import {formatCount} from '../core/units.js'
import {applicationStatus, deployApplication, startApplication, stopApplication} from '../apps/lifecycle.js'
import {generate} from '../events/generate.js'
import {crawlLocal, type CrawledTable} from '../lake/crawl.js'
import {ensureStream} from '../local/streams/index.js'
import {ensureWorkspace, type Workspace} from '../local/workspace.js'
import {replay} from '../replay/replay.js'
import {runReport, type ReportResult} from '../reports/run.js'
import {deliverStream} from '../targets/deliver.js'
import {openSource} from '../targets/index.js'
import type {TargetContext} from '../targets/types.js'

const TEMPLATES = fileURLToPath(new URL('../../../templates/sql/', import.meta.url))
const APP = 'sessionize'
const SESSIONS_STREAM = 'DESTINATION_SQL_STREAM'

export interface DemoOptions {
  workspace: Workspace
  /** How to run `clickstream` itself, for the application's background worker. */
  cli: {command: string; args: string[]}
  clock: Clock
  seed: number
  /** Event time of the first simulated event, epoch ms. */
  start: number
  /** Simulated minutes of traffic. */
  minutes: number
  /** Lab click events per second of event time (the web log gets three quarters of that). */
  rate: number
  /** Simulated seconds per real second while clicks flow to the application. */
  speed: number
  signal?: AbortSignal
  onEvent?: (event: DemoEvent) => void
}

export interface DemoStep {
  index: number
  total: number
  title: string
  /** What did this in the workshops on AWS. */
  aws: string
  /** The commands that run this step alone. */
  command: string | string[]
}

export type DemoEvent =
  | {type: 'step'; step: DemoStep}
  | {type: 'step-done'; step: DemoStep; detail: string}
  | {type: 'sessions'; rows: Array<Record<string, unknown>>; count: number}
  | {type: 'report'; title: string; command: string; result: ReportResult}

export interface DemoCheck {
  name: string
  expected: number
  actual: number
  ok: boolean
}

export interface DemoResult {
  workspace: string
  elapsedMs: number
  clicks: {generated: number; readByApplication: number; inLake: number; countedBySessions: number}
  sessions: {emitted: number; tailed: number; inLake: number; countedByReport: number}
  web: {linesWritten: number; delivered: number; rejected: number; inLake: number; requestsInReport: number}
  tables: Array<{name: string; rows: number; columns: number; partitions: number}>
  reports: {dailyWeb: ReportResult; dailyClicks: ReportResult; durations: ReportResult}
  checks: DemoCheck[]
}

/**
 * `clickstream demo`: the workshops' pipeline end to end on the embedded default. Click events
 * flow into a local stream while seed 004's sessionization SQL runs on them in a background
 * worker; sessions are tailed as they form; a web shop's access log is shipped to the lake the
 * way seed 000 does it; raw events and sessions are delivered to the lake, crawled, and reported
 * on. Every count is measured, and the counts that must agree are checked against each other.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const {clock} = options
  const leftovers = await readdir(options.workspace.root).catch(() => [])
  if (leftovers.length > 0) {
    throw new UsageError(`the demo needs an empty workspace, and ${options.workspace.root} holds ${leftovers.join(', ')}.`, {
      suggestions: ['Run it without --workspace (it makes a new temporary folder), or name a new or empty folder.'],
    })
  }
  const ws = await ensureWorkspace(options.workspace)
  const ctx: TargetContext = {workspace: ws, aws: {}, clock, warn: () => undefined}
  const started = clock.now()
  const at = `--workspace ${ws.root}`
  const startIso = new Date(options.start).toISOString().replace('.000Z', 'Z')
  const duration = `${options.minutes}m`
  const webRate = Math.max(1, Math.round(options.rate * 0.75))
  const sqlFile = join(TEMPLATES, 'sessionize-lab.sql')
  const schemaFile = join(TEMPLATES, 'sessionize-lab.schema.json')
  const steps = [
    {title: 'Create the click stream', aws: 'Kinesis Data Streams (the lab-stream of seed 004)', command: `clickstream streams create clicks --shards 2 ${at}`},
    {
      title: 'Deploy the sessionization SQL application',
      aws: 'Kinesis Data Analytics for SQL (retired by AWS on 2026-01-27; runs here unchanged)',
      command: `clickstream app deploy templates/sql/sessionize-lab.sql --name ${APP} --input local:clicks --output ${SESSIONS_STREAM}=local:sessions --output ${SESSIONS_STREAM}=lake:sessions ${at}`,
    },
    {title: 'Start it in the background', aws: 'KDA "Run application"', command: `clickstream app start ${APP} ${at}`},
    {
      title: `Send ${options.minutes} minutes of shoppers' clicks, ${options.speed}x faster than real time, and watch sessions form`,
      aws: "seed 004's put-record loop or the Kinesis Data Generator; the KDA console's real-time analytics tab",
      command: [
        `clickstream generate --profile lab --start ${startIso} --duration ${duration} --rate ${options.rate} --speed ${options.speed} --seed ${options.seed} --to local:clicks ${at}`,
        `clickstream sessions tail --app ${APP} ${at}`,
      ],
    },
    {title: 'Stop the application', aws: 'KDA "Stop application"', command: `clickstream app stop ${APP} ${at}`},
    {title: 'Deliver the raw clicks to the lake', aws: 'a Kinesis Data Firehose delivery stream into S3', command: `clickstream streams deliver clicks --to lake:clicks ${at}`},
    {title: 'Write the web shop’s access log', aws: "seed 000's Apache server on EC2", command: `clickstream generate --format apache --start ${startIso} --duration ${duration} --rate ${webRate} --seed ${options.seed} --to file:${join(ws.root, 'access_log')}`},
    {
      title: 'Ship the log to the lake as JSON',
      aws: 'Kinesis Agent → Firehose → the Lambda ETL → S3 (seed 000)',
      command: `clickstream replay ${join(ws.root, 'access_log')} --transform json --to lake:web ${at}`,
    },
    {title: 'Crawl the lake into the catalog', aws: 'an AWS Glue crawler', command: `clickstream crawl ${at}`},
    {title: 'Report', aws: 'Amazon Athena and the workshops’ dashboards', command: `clickstream report daily --table web ${at}`},
  ]
  const total = steps.length
  let current = 0
  const emit = (event: DemoEvent) => options.onEvent?.(event)
  const step = async <T>(run: () => Promise<T>, detail: (value: T) => string): Promise<T> => {
    const s: DemoStep = {index: current + 1, total, ...steps[current]}
    current++
    if (options.signal?.aborted) throw new InterruptedError(`the demo was interrupted before step ${s.index}; the workspace is at ${ws.root}.`)
    emit({type: 'step', step: s})
    const value = await run()
    emit({type: 'step-done', step: s, detail: detail(value)})
    return value
  }

  await step(
    async () => ensureStream(ws, 'clicks', {shards: 2}),
    ({config}) => `local:clicks, ${config.shards} shards, in ${join(ws.streams, 'clicks')}`,
  )
  await step(
    () =>
      deployApplication({
        ctx,
        name: APP,
        sqlFile,
        input: {kind: 'local', name: 'clicks'},
        schemaFile,
        outputs: [
          {stream: SESSIONS_STREAM, target: {kind: 'local', name: 'sessions'}},
          {stream: SESSIONS_STREAM, target: {kind: 'lake', table: 'sessions'}},
        ],
      }),
    (d) => `${d.sourceStream} (${d.schema.columns.length} columns) → ${d.outputs.map((o) => o.target).join(', ')}`,
  )
  await step(
    () => startApplication({ws, name: APP, from: 'trim-horizon', cli: options.cli, clock}),
    (s) => `worker pid ${s.pid}, log ${s.log}`,
  )

  // Clicks flow while sessions are tailed: the generator paces event time, the worker sessionizes
  // as records land, and the tail shows the rows as the worker writes them.
  ensureStream(ws, 'sessions')
  const tailAbort = new AbortController()
  const stopTail = () => tailAbort.abort()
  options.signal?.addEventListener('abort', stopTail, {once: true})
  let tailed = 0
  const tail = tailSessions(ctx, tailAbort.signal, (rows) => {
    tailed += rows.length
    emit({type: 'sessions', rows, count: tailed})
  })
  let clicks: Awaited<ReturnType<typeof generate>> | undefined
  const readByApplication = await step(
    async () => {
      clicks = await generate(
        {to: {kind: 'local', name: 'clicks'}, profile: 'lab', start: options.start, durationMs: options.minutes * 60_000, rate: options.rate, speed: options.speed, seed: options.seed},
        {ctx, signal: options.signal},
      )
      return waitForInput(ws, clicks.records, clock, options.signal)
    },
    (read) => `${formatCount(clicks!.records)} click events from ${formatCount(clicks!.visitors)} visitors; the application read ${formatCount(read)}`,
  )
  const stopped = await step(
    async () => {
      const result = await stopApplication({ws, name: APP, clock})
      await waitUntil(() => tailed >= sessionsOut(result.counters?.rowsOut), clock, 10_000, options.signal)
      tailAbort.abort()
      await tail
      return result
    },
    (s) => `${formatCount(s.counters?.recordsIn ?? 0)} records in, ${formatCount(sessionsOut(s.counters?.rowsOut))} sessions out, ${formatCount(tailed)} tailed`,
  )
  const emitted = sessionsOut(stopped.counters?.rowsOut)
  const generated = clicks!

  const delivered = await step(
    () => deliverStream({from: {kind: 'local', name: 'clicks'}, to: {kind: 'lake', table: 'clicks'}, start: 'trim-horizon', follow: false}, ctx),
    (d) => `${formatCount(d.delivered)} events into ${join(ws.lake, 'clicks')}/YYYY/MM/DD/HH/`,
  )
  const accessLog = join(ws.root, 'access_log')
  const web = await step(
    () =>
      generate(
        {to: {kind: 'file', path: accessLog, gzip: false}, format: 'apache', start: options.start, durationMs: options.minutes * 60_000, rate: webRate, speed: 'max', seed: options.seed},
        {ctx, signal: options.signal},
      ),
    (g) => `${formatCount(g.records)} lines in ${accessLog}`,
  )
  const shipped = await step(
    () => replay({files: [accessLog], cwd: ws.root, to: {kind: 'lake', table: 'web'}, transform: 'json', speed: 'max', follow: false, from: 'start', partitionKey: 'host', signal: options.signal}, ctx),
    (r) => `${formatCount(r.delivered)} documents delivered, ${formatCount(r.rejected)} lines rejected`,
  )
  const crawl = await step(
    () => crawlLocal({workspace: ws, clock}),
    (c) => c.tables.map((t) => `${t.name} (${formatCount(t.rows)} rows, ${t.partitions} hour partitions)`).join(', '),
  )

  const day = new Date(options.start).toISOString().slice(0, 10)
  const report = async (name: string, table: string) => {
    const result = await runReport({name, table, date: day, engine: 'local', workspace: ws, clock, aws: {}})
    emit({type: 'report', title: `${name} --table ${table}`, command: `clickstream report ${name} --table ${table} --date ${day} ${at}`, result})
    return result
  }
  const {dailyWeb, dailyClicks, durations} = await step(
    async () => ({dailyWeb: await report('daily', 'web'), dailyClicks: await report('daily', 'clicks'), durations: await report('durations', 'clicks')}),
    () => 'daily (web log and clicks), durations (clicks)',
  )

  const rowsOf = (name: string) => crawl.tables.find((t: CrawledTable) => t.name === name)?.rows ?? 0
  const sum = (result: ReportResult, column: string) => result.rows.reduce((s, r) => s + Number(r[column] ?? 0), 0)
  const result: DemoResult = {
    workspace: ws.root,
    elapsedMs: clock.now() - started,
    clicks: {generated: generated.records, readByApplication, inLake: rowsOf('clicks'), countedBySessions: sum(dailyClicks, 'events')},
    sessions: {emitted, tailed, inLake: rowsOf('sessions'), countedByReport: sum(dailyClicks, 'sessions')},
    web: {linesWritten: web.records, delivered: shipped.delivered, rejected: shipped.rejected, inLake: rowsOf('web'), requestsInReport: sum(dailyWeb, 'requests')},
    tables: crawl.tables.map((t) => ({name: t.name, rows: t.rows, columns: t.columns.length, partitions: t.partitions})),
    reports: {dailyWeb, dailyClicks, durations},
    checks: [],
  }
  const check = (name: string, expected: number, actual: number) => result.checks.push({name, expected, actual, ok: expected === actual})
  check('click events read by the application', generated.records, readByApplication)
  check('click events delivered to the lake', generated.records, delivered.delivered)
  check('click events in the lake table', generated.records, result.clicks.inLake)
  check('click events counted in the sessions of report daily', generated.records, result.clicks.countedBySessions)
  check('sessions tailed', emitted, tailed)
  check('sessions in the lake table', emitted, result.sessions.inLake)
  check('sessions counted by report daily (same 10-second rule)', emitted, result.sessions.countedByReport)
  check('access-log lines delivered as documents', web.records, shipped.delivered)
  check('documents in the lake table', web.records, result.web.inLake)
  check('requests in report daily', web.records, result.web.requestsInReport)
  return result
}

function sessionsOut(rowsOut: Record<string, number> | undefined): number {
  return rowsOut?.[SESSIONS_STREAM] ?? 0
}

async function tailSessions(ctx: TargetContext, signal: AbortSignal, onRows: (rows: Array<Record<string, unknown>>) => void): Promise<void> {
  const source = await openSource({kind: 'local', name: 'sessions'}, ctx, {from: 'trim-horizon', follow: true, signal})
  try {
    for await (const batch of source.batches()) onRows(batch.map((r) => JSON.parse(r.data) as Record<string, unknown>))
  } finally {
    await source.close()
  }
}

/** Waits until the application has read every record sent; returns how many it read. */
async function waitForInput(ws: Workspace, sent: number, clock: Clock, signal: AbortSignal | undefined): Promise<number> {
  let read = 0
  await waitUntil(
    async () => {
      const [status] = await applicationStatus({ws, name: APP})
      read = status?.recordsIn ?? 0
      if (status?.state === 'failed') throw new ExternalServiceError('worker', `the application failed: ${status.error ?? 'see its log'}`, {suggestions: [`Its log: ${status.log}`]})
      return read >= sent
    },
    clock,
    60_000,
    signal,
  )
  return read
}

async function waitUntil(done: () => boolean | Promise<boolean>, clock: Clock, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = clock.now() + timeoutMs
  while (!(await done())) {
    if (signal?.aborted || clock.now() > deadline) return
    await clock.sleep(100, signal)
  }
}
