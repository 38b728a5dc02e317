// The KDA input mapping of flat JSON records, alone: EVENTS click events like
// {"user_id":"u440","event_timestamp":1714521600000,"event_name":"checkout",...}, mapped to the
// five columns of the clickstream source stream with ROWTIME from event_timestamp. Prints the best
// of RUNS runs of the mapper and, for scale, of JSON.parse alone over the same lines.
//   npm run build && node bench/json-mapper.mjs
//   FILE=/tmp/events.ndjson DIST=/tmp/other-build node bench/json-mapper.mjs
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'
import {CLICK_EVENTS_SCHEMA} from './clickstream-schema.mjs'

const EVENTS = Number(process.env.EVENTS ?? 1_000_000)
const USERS = Number(process.env.USERS ?? 50_000)
const RUNS = Number(process.env.RUNS ?? 7)
const DIST = resolve(process.env.DIST ?? new URL('../dist', import.meta.url).pathname)

const {createRecordMapper, parseInputSchema} = await import(pathToFileURL(`${DIST}/lib/sql/input/index.js`).href)

const SCHEMA = CLICK_EVENTS_SCHEMA

function generate() {
  let seed = 12345
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296
  const names = ['checkout', 'category', 'product', 'home', 'search', 'cart']
  const devices = ['mobile', 'desktop', 'tablet']
  const lines = []
  for (let i = 0; i < EVENTS; i++) {
    const event = {
      user_id: `u${Math.floor(random() * USERS)}`,
      event_timestamp: 1714521600000 + Math.floor(i / 100) * 1000,
      event_name: names[Math.floor(random() * names.length)],
      event_type: 'click',
      device_type: devices[Math.floor(random() * devices.length)],
    }
    lines.push(JSON.stringify(event))
  }
  return lines.join('\n') + '\n'
}

const text = process.env.FILE ? readFileSync(process.env.FILE, 'utf8') : generate()
const schema = process.env.SCHEMA ? JSON.parse(readFileSync(process.env.SCHEMA, 'utf8')) : SCHEMA
const map = createRecordMapper(parseInputSchema(schema), {rowtimeField: 'event_timestamp'})

function eachLine(f) {
  let start = 0
  let count = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    if (end > start) {
      f(text.slice(start, end))
      count++
    }
    start = end + 1
  }
  return count
}

function best(label, f) {
  let min = Infinity
  let rows = 0
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now()
    rows = f()
    min = Math.min(min, performance.now() - t0)
  }
  console.log(`${label.padEnd(12)} ${min.toFixed(0).padStart(6)} ms (best of ${RUNS}), ${rows} records`)
}

best('JSON.parse', () => eachLine((line) => JSON.parse(line)))
best('mapper', () => {
  let failures = 0
  const n = eachLine((line) => {
    if (!('rows' in map(line, 0))) failures++
  })
  if (failures > 0) console.log(`  ${failures} records set aside`)
  return n
})
