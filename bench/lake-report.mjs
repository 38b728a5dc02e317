// The lake path against GoAccess, in the same run, on the same input: the real access log repeated
// COPIES times (default 20, i.e. 200,000 requests). Ours: `replay --to lake:web --transform json`,
// then `crawl`, then `report daily --table web`. Peer: `goaccess FILE -o out.json` (parse + every
// panel). Prints each step's time and the ratio ours / GoAccess, and checks both agree on requests.
//   npm run build && node bench/lake-report.mjs
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const LOG = fileURLToPath(new URL('../../shared/data/apache_logs', import.meta.url))
const COPIES = Number(process.env.COPIES ?? 20)

const dir = mkdtempSync(join(tmpdir(), 'clickstream-bench-lake-'))
try {
  const input = join(dir, 'access_log')
  writeFileSync(input, readFileSync(LOG, 'utf8').repeat(COPIES))

  const timed = (label, command, args) => {
    const start = process.hrtime.bigint()
    const r = spawnSync(command, args, {cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env: {...process.env, CI: '1'}})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr}`)
    console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms`)
    return {ms, stdout: r.stdout}
  }

  const replay = timed('clickstream replay --to lake:web', process.execPath, [BIN, 'replay', input, '--to', 'lake:web', '--transform', 'json', '--json'])
  const crawl = timed('clickstream crawl', process.execPath, [BIN, 'crawl', '--json'])
  const report = timed('clickstream report daily', process.execPath, [BIN, 'report', 'daily', '--table', 'web', '--json'])
  const goaccess = timed('goaccess (peer)', 'goaccess', [input, '--log-format=COMBINED', '--no-global-config', '-o', join(dir, 'out.json')])

  const ours = JSON.parse(report.stdout).rows.reduce((a, r) => a + r.requests, 0)
  const theirs = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).general.total_requests
  const reportOnly = report.ms / goaccess.ms
  const total = (replay.ms + crawl.ms + report.ms) / goaccess.ms
  console.log(`requests: clickstream ${ours}, goaccess ${theirs}${ours === theirs ? ' (agree)' : ' (DIFFER)'}`)
  console.log(`ratio report daily / goaccess            ${reportOnly.toFixed(2)}x`)
  console.log(`ratio replay+crawl+report / goaccess      ${total.toFixed(2)}x`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
