// The local KDA-SQL engine against DuckDB, in the same run, on the same NDJSON file: seed 004's
// LAG sessionization (both pumps verbatim, with the seed's final WHERE "session_timestamp" IS NOT
// NULL) over EVENTS click events of USERS users. Ours: what `app run --from file:... --rowtime
// event_timestamp` runs for a big file (a second thread reads and maps the records with the KDA
// input mapping, passing on only the columns the SQL reads; this one runs the engine), output
// rows counted, not written. For
// reference, `app run` on one thread (as for a small file), and the same mapping and engine in an
// inline loop with none of app run's bookkeeping. Peer:
// DuckDB read_json + the same logic as SQL windows (LAG over user → session starts → the last
// session start per user). Prints both times, the ratio (ours relative to DuckDB's speed), rows
// out of each (they must agree) and the heap after the run (state is per user, not per event).
// Each is timed warm (best of ROUNDS in this process, the two taking turns) and as the first run
// in a fresh process (best of ROUNDS such processes), which is what one command costs.
//   npm run build && node --expose-gc bench/sql.mjs
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CLICK_EVENTS_SCHEMA} from './clickstream-schema.mjs'

const EVENTS = Number(process.env.EVENTS ?? 1_000_000)
const USERS = Number(process.env.USERS ?? 50_000)

const {compileApplication} = await import('../dist/lib/sql/index.js')
const {createRecordMapper, parseInputSchema} = await import('../dist/lib/sql/input/index.js')
const {runApplication} = await import('../dist/lib/apps/runner.js')
const {mapFileInThread} = await import('../dist/lib/apps/mapped-file-input.js')
const {readsInThread} = await import('../dist/lib/apps/run.js')
const {openSource} = await import('../dist/lib/targets/index.js')
const {systemClock} = await import('../dist/lib/core/clock.js')

const SQL = `
CREATE OR REPLACE STREAM "INTERMEDIATE_SQL_STREAM"
(
    "event_timestamp" TIMESTAMP,
    "user_id" VARCHAR(7),
    "device_type" VARCHAR(10),
    "session_timestamp" TIMESTAMP
);
CREATE OR REPLACE  PUMP "STREAM_PUMP1" AS INSERT INTO "INTERMEDIATE_SQL_STREAM"
SELECT  STREAM
    TO_TIMESTAMP("event_timestamp") as "event_timestamp",
    "user_id",
    "device_type",
    CASE WHEN ("event_timestamp" - lag("event_timestamp", 1) OVER (PARTITION BY "user_id" ROWS 1 PRECEDING)) > (10 * 1000) THEN
            TO_TIMESTAMP("event_timestamp")
         WHEN ("event_timestamp" - lag("event_timestamp", 1) OVER (PARTITION BY "user_id" ROWS 1 PRECEDING)) IS NULL THEN
            TO_TIMESTAMP("event_timestamp")
         ELSE NULL
    END AS "session_timestamp"
FROM "SOURCE_SQL_STREAM_001";
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "user_id" CHAR(7),
    "session_id" VARCHAR(50),
    "session_time" VARCHAR(20),
    "latest_time" VARCHAR(20)
);
CREATE OR REPLACE  PUMP "STREAM_PUMP2" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM
    "user_id",
    "user_id"||'_'||"device_type"||'_'||TIMESTAMP_TO_CHAR('HH:mm:ss', LAST_VALUE("session_timestamp") IGNORE NULLS OVER
        (PARTITION BY "user_id" RANGE INTERVAL '24' HOUR PRECEDING)) AS "session_id",
    TIMESTAMP_TO_CHAR('HH:mm:ss', "session_timestamp") AS "session_time",
    TIMESTAMP_TO_CHAR('HH:mm:ss', "event_timestamp") AS "latest_time"
FROM "INTERMEDIATE_SQL_STREAM"
WHERE "session_timestamp" IS NOT NULL;
`

const SCHEMA = CLICK_EVENTS_SCHEMA

// Deterministic input: events at random times, each from a random user.
function generate(path) {
  let s = 12345
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296)
  const names = ['checkout', 'search', 'category', 'detail', 'navigate']
  const devices = ['desktop', 'mobile', 'tablet']
  const start = Date.UTC(2024, 4, 1)
  // each user's clicks are ~6 s apart on average, so about one gap in five exceeds 10 s
  const span = (EVENTS / USERS) * 6000
  const lines = new Array(EVENTS)
  const times = new Float64Array(EVENTS)
  for (let i = 0; i < EVENTS; i++) times[i] = start + Math.floor(rand() * span)
  times.sort()
  for (let i = 0; i < EVENTS; i++) {
    const user = 'u' + Math.floor(rand() * USERS) // fits the seed's VARCHAR(7)
    lines[i] = JSON.stringify({user_id: user, event_timestamp: times[i], event_name: names[Math.floor(rand() * 5)], event_type: 'click', device_type: devices[Math.floor(rand() * 3)]})
  }
  writeFileSync(path, lines.join('\n') + '\n')
}

// As `app run` does (src/lib/apps/run.ts): a file this big is read and mapped on a second thread,
// then runApplication pushes the rows and routes the output, here to sinks that only count.
async function runApp(path, inThread = true) {
  const mapping = parseInputSchema(SCHEMA)
  const spec = {kind: 'file', path, gzip: false}
  const ctx = {workspace: undefined, aws: {}, clock: systemClock}
  // The thread starts first and reads while the SQL compiles; it then passes on only the columns
  // the application reads.
  const threaded = inThread && (await readsInThread(spec))
  let columnsRead
  const batches = threaded
    ? mapFileInThread({path, schema: SCHEMA, rowtimeField: 'event_timestamp', clock: systemClock, columnsRead: new Promise((resolve) => (columnsRead = resolve))})
    : (await openSource(spec, ctx)).batches()
  const compiled = compileApplication(SQL, {sources: [{name: mapping.streamName, columns: mapping.columns.map((c) => ({name: c.name, type: c.type}))}]})
  columnsRead?.(compiled.streams.find((s) => s.name === mapping.streamName).columnsRead)
  let rt
  const app = {...compiled, createRuntime: (options) => (rt = compiled.createRuntime(options))}
  const counter = () => {
    const sink = {target: 'count', rows: 0, async write(batch) { sink.rows += batch.length }, async flush() {}, async close() { return {target: 'count', delivered: sink.rows, bytes: 0, retried: 0, failed: 0} }}
    return sink
  }
  const out = counter()
  const errors = counter()
  const columns = (name) => compiled.streams.find((s) => s.name === name)?.columns ?? []
  await runApplication({
    app,
    sourceStream: mapping.streamName,
    mapper: createRecordMapper(mapping, {rowtimeField: 'event_timestamp'}),
    batches,
    routes: [
      {stream: 'DESTINATION_SQL_STREAM', columns: columns('DESTINATION_SQL_STREAM'), sink: out, format: () => ''},
      {stream: 'error_stream', columns: [], sink: errors, format: () => ''},
    ],
    withRowtime: false,
    clock: systemClock,
    finite: true,
  })
  return {out: out.rows, errors: errors.rows, label: threaded ? 'clickstream app run: mapping on a 2nd thread + engine' : '  app run on one thread (the file source, as before)', rt}
}

function runEngine(path, probeState = false) {
  const mapping = parseInputSchema(SCHEMA)
  const map = createRecordMapper(mapping, {rowtimeField: 'event_timestamp'})
  const sourceName = mapping.streamName
  const columns = mapping.columns.map((c) => ({name: c.name, type: c.type}))
  const app = compileApplication(SQL, {sources: [{name: sourceName, columns}]})
  let out = 0
  let errors = 0
  const rt = app.createRuntime({
    onRow(stream) {
      if (stream === 'DESTINATION_SQL_STREAM') out++
      else if (stream === 'error_stream') errors++
    },
  })
  const text = readFileSync(path, 'utf8')
  let from = 0
  let lines = 0
  let stateAtQuarter = 0
  for (;;) {
    const nl = text.indexOf('\n', from)
    if (nl < 0) break
    const line = text.slice(from, nl)
    from = nl + 1
    // operator state after a quarter of the events, to compare with the state at the end
    if (probeState && ++lines === EVENTS / 4) stateAtQuarter = JSON.stringify(rt.snapshot()).length
    const m = map(line, 0)
    if (!m.rows) {
      errors++
      continue
    }
    for (let i = 0; i < m.rows.length; i++) rt.push(sourceName, m.rows[i], m.rowtimes[i])
  }
  rt.end()
  forgetLastMatch()
  // (Not the runtime: its keys are slices of the whole file's text, which would stay in memory.)
  return {out, errors, stateAtQuarter}
}

async function runDuckDB(path, threads) {
  const {DuckDBInstance} = await import('@duckdb/node-api')
  const db = await DuckDBInstance.create(':memory:', threads ? {threads: String(threads)} : undefined)
  const con = await db.connect()
  const reader = await con.runAndReadAll(`
    WITH e AS (
      SELECT * FROM read_json('${path}', format = 'newline_delimited',
        columns = {user_id: 'VARCHAR', event_timestamp: 'BIGINT', event_name: 'VARCHAR', event_type: 'VARCHAR', device_type: 'VARCHAR'})
    ), lagged AS (
      SELECT user_id, device_type, event_timestamp,
             event_timestamp - lag(event_timestamp) OVER (PARTITION BY user_id ORDER BY event_timestamp) AS gap
      FROM e
    ), starts AS (
      SELECT user_id, device_type, event_timestamp,
             CASE WHEN gap > 10000 OR gap IS NULL THEN event_timestamp END AS session_ts
      FROM lagged
    ), sessions AS (
      SELECT user_id, device_type, event_timestamp, session_ts,
             last_value(session_ts IGNORE NULLS) OVER (PARTITION BY user_id ORDER BY event_timestamp
               RANGE BETWEEN 86400000 PRECEDING AND CURRENT ROW) AS last_start
      FROM starts WHERE session_ts IS NOT NULL
    )
    SELECT count(*) AS n, sum(length(user_id || '_' || device_type || '_' || strftime(make_timestamp(last_start * 1000), '%H:%M:%S'))) AS chars FROM sessions`)
  const [[n]] = reader.getRows()
  con.closeSync()
  db.closeSync()
  return {out: Number(n)}
}

// Wall time is what a user waits; CPU time (user + system, all threads of this process) shows
// the work done, which matters on a busy machine where wall time mostly measures waiting.
const timed = async (f) => {
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const result = await f()
  const used = process.cpuUsage(cpu)
  return {...result, ms: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1000}
}

function parseOnly(path) {
  const map = createRecordMapper(parseInputSchema(SCHEMA), {rowtimeField: 'event_timestamp'})
  const text = readFileSync(path, 'utf8')
  let from = 0
  let n = 0
  for (;;) {
    const nl = text.indexOf('\n', from)
    if (nl < 0) break
    n += map(text.slice(from, nl), 0).rows.length
    from = nl + 1
  }
  forgetLastMatch()
  return {out: n}
}

// V8 keeps the input of the last regular expression match for RegExp.lastMatch: a slice of the
// whole file's text, which would keep it (120 MB) in the heap while the next runs are timed.
const forgetLastMatch = () => /^$/.test('')

const ROUNDS = Number(process.env.ROUNDS ?? 3)

// `node bench/sql.mjs --once ours|duck FILE`: one run in this fresh process, its times as JSON
// (what a user who types the command once gets: nothing warmed up).
if (process.argv[2] === '--once') {
  const run = process.argv[3] === 'ours' ? () => runApp(process.argv[4]) : () => runDuckDB(process.argv[4])
  const {ms, cpu, out} = await timed(run)
  console.log(JSON.stringify({ms, cpu, out}))
  process.exit(0)
}

/** A first run in a fresh process of this script. */
function once(which, path) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--once', which, path], {encoding: 'utf8'})
  if (child.status !== 0) throw new Error(`bench/sql.mjs --once ${which} failed: ${child.stderr}`)
  return JSON.parse(child.stdout)
}

const dir = mkdtempSync(join(tmpdir(), 'clickstream-bench-sql-'))
try {
  const path = join(dir, 'events.ndjson')
  generate(path)
  console.log(`input: ${EVENTS.toLocaleString('en')} events of ${USERS.toLocaleString('en')} users; best of ${ROUNDS} rounds`)
  readFileSync(path)
  const best = {}
  const keep = (name, r) => {
    if (!best[name] || r.ms < best[name].ms) best[name] = r
  }
  let heap
  let snapshotBytes
  // The two contenders take turns. The reference runs come after all of them: sharing the
  // engine's code with other kinds of rows first would slow ours down, as it never is in use.
  for (let round = 0; round < ROUNDS; round++) {
    keep('duck', await timed(() => runDuckDB(path)))
    globalThis.gc?.()
    const before = process.memoryUsage().heapUsed
    const ours = await timed(() => runApp(path))
    globalThis.gc?.()
    heap = {before, after: process.memoryUsage().heapUsed}
    snapshotBytes = JSON.stringify(ours.rt.snapshot()).length
    keep('ours', ours)
  }
  const fresh = {duck: [], ours: []}
  for (let round = 0; round < ROUNDS; round++) for (const which of ['duck', 'ours']) fresh[which].push(once(which, path))
  for (let round = 0; round < ROUNDS; round++) {
    keep('one', await timed(() => runEngine(path)))
    keep('sequential', await timed(() => runApp(path, false)))
    keep('parse', await timed(() => parseOnly(path)))
    keep('duck1', await timed(() => runDuckDB(path, 1)))
  }
  const {ours, sequential, one, duck, parse, duck1} = best
  const firstOf = (runs) => runs.reduce((a, b) => (b.ms < a.ms ? b : a))
  const [freshOurs, freshDuck] = [firstOf(fresh.ours), firstOf(fresh.duck)]
  const line = (label, r, extra = '') => console.log(label.padEnd(62) + `${r.ms.toFixed(0).padStart(6)} ms wall ${r.cpu.toFixed(0).padStart(6)} ms cpu  ${extra}`)
  line(ours.label, ours, `${ours.out} session starts, ${ours.errors} errors`)
  line('  the same, first run in a fresh process', freshOurs, `${freshOurs.out} session starts`)
  line(sequential.label, sequential, `${sequential.out} session starts, ${sequential.errors} errors`)
  line('  one thread, inline loop, same mapping + engine (reference)', one, `${one.out} session starts, ${one.errors} errors`)
  line('  of which JSON parse + mapping alone', parse)
  line('duckdb read_json + window query (peer, default threads)', duck, `${duck.out} session starts`)
  line('  the same, first run in a fresh process', freshDuck, `${freshDuck.out} session starts`)
  line('duckdb, threads = 1 (for reference)', duck1)
  console.log(`rows agree: ${[ours, freshOurs, sequential, one, freshDuck].every((r) => r.out === duck.out) ? 'yes' : 'NO'}`)
  console.log(`speed ratio clickstream / duckdb (wall): ${(duck.ms / ours.ms).toFixed(2)} (bar: >= 0.50); first runs in fresh processes: ${(freshDuck.ms / freshOurs.ms).toFixed(2)}; vs duckdb on one thread: ${(duck1.ms / ours.ms).toFixed(2)}; by CPU time: ${(duck.cpu / ours.cpu).toFixed(2)}`)
  // an untimed run that also measures the operator state a quarter of the way through
  const probe = runEngine(path, true)
  console.log(`heap after the run: ${(heap.after / 1e6).toFixed(1)} MB (before: ${(heap.before / 1e6).toFixed(1)} MB)`)
  console.log(`operator state as JSON: ${(probe.stateAtQuarter / 1e6).toFixed(1)} MB after ${EVENTS / 4} events, ${(snapshotBytes / 1e6).toFixed(1)} MB after ${EVENTS} (${USERS} users: state follows keys, not events)`)
  if (!globalThis.gc) console.log('(run with node --expose-gc for exact heap figures)')
} finally {
  rmSync(dir, {recursive: true, force: true})
}
