// Local stream write (and read) throughput against a raw file append of the same bytes, in the
// same run, on the same machine. Bar: >= 1,000,000 records/s of ~200-byte clickstream records.
//   npm run build && node bench/streams.mjs            (RECORDS=2000000 BATCH=5000 SHARDS=1)
import {closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {performance} from 'node:perf_hooks'
import {join} from 'node:path'
import {openSink, openSource} from '../dist/lib/targets/index.js'
import {createStream} from '../dist/lib/local/streams/index.js'
import {resolveWorkspace} from '../dist/lib/local/workspace.js'
import {systemClock} from '../dist/lib/core/clock.js'

const RECORDS = Number(process.env.RECORDS ?? 2_000_000)
const BATCH = Number(process.env.BATCH ?? 5000)
const SHARDS = Number(process.env.SHARDS ?? 1)
const PAGES = ['/', '/products', '/products/42', '/cart', '/checkout', '/search?q=shoes', '/account']

// Clickstream-sized JSON documents (about 200 bytes), made once so both sides write the same bytes.
const start = Date.UTC(2026, 10, 23)
const batches = []
for (let i = 0; i < RECORDS; i += BATCH) {
  const batch = []
  for (let j = i; j < Math.min(RECORDS, i + BATCH); j++) {
    const user = `user-${(j * 7919) % 50_000}`
    batch.push({
      data: `{"event_id":"${j.toString(16).padStart(12, '0')}","user_id":"${user}","session_id":"s-${(j >> 4).toString(36)}","event_type":"page_view","page":"${PAGES[j % PAGES.length]}","referrer":"https://www.example.com${PAGES[(j >> 3) % PAGES.length]}","device":"mobile","timestamp":"2026-11-23T08:${String((j / 60000) % 60 | 0).padStart(2, '0')}:00.000Z"}`,
      time: start + j,
      partitionKey: user,
    })
  }
  batches.push(batch)
}
const bytesPerRecord = batches[0].reduce((n, r) => n + Buffer.byteLength(r.data) + 1, 0) / batches[0].length
const dir = mkdtempSync(join(tmpdir(), 'clickstream-bench-'))

function rate(n, ms) {
  return Math.round(n / (ms / 1000))
}

// Peer: the payload lines appended to one file, one write per batch, nothing else.
function rawAppend() {
  const path = join(dir, `raw-${Math.random()}.ndjson`)
  const fd = openSync(path, 'a')
  const t0 = performance.now()
  for (const batch of batches) {
    let text = ''
    for (const r of batch) text += r.data + '\n'
    const buf = Buffer.from(text)
    let done = 0
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done)
  }
  const ms = performance.now() - t0
  closeSync(fd)
  const size = statSync(path).size
  rmSync(path)
  return {ms, size}
}

async function localWrite(round) {
  const ws = resolveWorkspace({workspace: join(dir, `ws-${round}`)})
  createStream(ws, 'web', {shards: SHARDS})
  const sink = await openSink({kind: 'local', name: 'web'}, {workspace: ws, aws: {}, clock: systemClock}, {producerId: 'bench'})
  const t0 = performance.now()
  let i = 0
  for (const batch of batches) await sink.write(batch, `batch-${i++}`)
  const report = await sink.close()
  const ms = performance.now() - t0
  return {ms, ws, report}
}

async function localRead(ws) {
  const source = await openSource({kind: 'local', name: 'web'}, {workspace: ws, aws: {}, clock: systemClock}, {from: 'trim-horizon'})
  const t0 = performance.now()
  let n = 0
  for await (const batch of source.batches()) n += batch.length
  await source.close()
  return {ms: performance.now() - t0, n}
}

try {
  // One warm-up round each, then the best of three, alternating so both see the same machine load.
  rawAppend()
  rmSync((await localWrite('warm')).ws.root, {recursive: true, force: true})
  let raw = Infinity
  let local = Infinity
  let ws
  let report
  for (let round = 0; round < 3; round++) {
    raw = Math.min(raw, rawAppend().ms)
    // Each round's stream is removed before the next, so page-cache pressure stays the same.
    if (ws) rmSync(ws.root, {recursive: true, force: true})
    const result = await localWrite(round)
    ;({ws, report} = result)
    local = Math.min(local, result.ms)
  }
  // The records written are let go first: a reader in its own process has no such heap to scan.
  batches.length = 0
  const read = await localRead(ws)
  if (report.delivered !== RECORDS || read.n !== RECORDS) throw new Error(`wrote ${report.delivered}, read ${read.n}, expected ${RECORDS}`)
  console.log(`records             ${RECORDS.toLocaleString('en-US')} x ~${bytesPerRecord.toFixed(0)} bytes, batches of ${BATCH}, ${SHARDS} shard(s)`)
  console.log(`raw file append     ${rate(RECORDS, raw).toLocaleString('en-US').padStart(12)} records/s  (${raw.toFixed(0)} ms)`)
  console.log(`local stream write  ${rate(RECORDS, local).toLocaleString('en-US').padStart(12)} records/s  (${local.toFixed(0)} ms)  ratio ${(raw / local).toFixed(2)}x of raw append (bar: >= 1,000,000 records/s)`)
  console.log(`local stream read   ${rate(RECORDS, read.ms).toLocaleString('en-US').padStart(12)} records/s  (${read.ms.toFixed(0)} ms)`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
