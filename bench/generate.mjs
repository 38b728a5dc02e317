// `clickstream generate` against the plain faker-per-line generator, in the same run.
// Ours: the real CLI, `generate --format apache --count 3000000 --seed 1 > /dev/null`, timed from
// outside with its peak memory (also at a tenth of the count, to show memory does not grow with it).
// Peer: one faker call chain per line (faker.internet.ipv4(), faker.internet.userAgent(), …) building
// the same kind of Apache combined line with the cookie field, written to /dev/null in 1000-line
// batches. The peer runs on PEER_COUNT lines (default 200,000) and its rate is scaled to the count.
// Both rates are given per second of wall time and per second of CPU time (user + system): on a
// shared machine the CPU-time ratio is the steadier one. Ours and the peer run alternately ROUNDS
// times (default 2) and each keeps its best round, so a burst of load on the machine during one
// run does not decide the ratio.
//   npm run build && node bench/generate.mjs
//   COUNT=3000000 PEER_COUNT=200000 node bench/generate.mjs
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, openSync, writeSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {performance} from 'node:perf_hooks'
import {faker} from '@faker-js/faker'

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const COUNT = Number(process.env.COUNT ?? 3_000_000)
const PEER_COUNT = Number(process.env.PEER_COUNT ?? 200_000)
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 2))
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

/** Runs our CLI with stdout on /dev/null; wall time and peak RSS (GNU time, when present). */
function ours(count) {
  const args = [BIN, 'generate', '--format', 'apache', '--count', String(count), '--seed', '1']
  const devNull = openSync('/dev/null', 'w')
  const start = performance.now()
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', 'maxrss_kb=%M cpu_s=%U+%S', process.execPath, ...args], {stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8'})
    : spawnSync(process.execPath, args, {stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8'})
  const ms = performance.now() - start
  closeSync(devNull)
  if (r.status !== 0) throw new Error(`generate exited ${r.status}: ${r.stderr}`)
  const rss = /maxrss_kb=(\d+)/.exec(r.stderr ?? '')
  const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '')
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined
  return {ms, rate: (count * 1000) / ms, cpuRate: cpuMs ? (count * 1000) / cpuMs : undefined, rssMb: rss ? Number(rss[1]) / 1024 : undefined}
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n) => String(n).padStart(2, '0')

/** The usual generator: every field of every line from a fresh faker call. */
function peer(count) {
  faker.seed(1)
  const out = openSync('/dev/null', 'w')
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  let batch = ''
  for (let i = 0; i < count; i++) {
    const d = faker.date.recent()
    const time = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
    const method = faker.helpers.weightedArrayElement([{weight: 9, value: 'GET'}, {weight: 1, value: 'POST'}])
    const path = `/${faker.helpers.arrayElement(['products', 'categories', 'cart', 'checkout'])}/${faker.lorem.slug(1)}/`
    const status = faker.helpers.weightedArrayElement([{weight: 90, value: 200}, {weight: 4, value: 404}, {weight: 2, value: 500}, {weight: 4, value: 301}])
    const user = faker.datatype.boolean() ? faker.internet.username().toLowerCase() : 'anonymous'
    batch +=
      `${faker.internet.ipv4()} - - [${time}] "${method} ${path} HTTP/1.1" ${status} ${faker.number.int({min: 200, max: 80_000})} ` +
      `"${faker.internet.url()}" "${faker.internet.userAgent()}" "user = ${user}; PHPSESSID=${faker.string.hexadecimal({length: 32, casing: 'lower', prefix: ''})}"\n`
    if ((i + 1) % 1000 === 0) {
      writeSync(out, batch)
      batch = ''
    }
  }
  if (batch) writeSync(out, batch)
  closeSync(out)
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpu0)
  return {ms, rate: (count * 1000) / ms, cpuRate: (count * 1e6) / (cpu.user + cpu.system)}
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')

console.log(`generate --format apache --count ${fmt(COUNT)} --seed 1 > /dev/null  vs  faker per line (${fmt(PEER_COUNT)} lines, scaled); best of ${ROUNDS} rounds`)
const best = (a, b) => (b === undefined || a.rate > b.rate ? a : b)
let peerRun
let oursRun
for (let round = 0; round < ROUNDS; round++) {
  peerRun = best(peer(PEER_COUNT), peerRun)
  oursRun = best(ours(COUNT), oursRun)
}
const small = ours(Math.max(1, Math.round(COUNT / 10)))
console.log(`ours  ${fmt(oursRun.rate).padStart(12)} lines/s  (${fmt(COUNT)} lines in ${(oursRun.ms / 1000).toFixed(2)} s, whole CLI incl. start-up)`)
console.log(`peer  ${fmt(peerRun.rate).padStart(12)} lines/s  (${fmt(PEER_COUNT)} lines in ${(peerRun.ms / 1000).toFixed(2)} s; ${fmt(COUNT)} lines would take ${((COUNT / peerRun.rate)).toFixed(1)} s)`)
console.log(`ratio ${(oursRun.rate / peerRun.rate).toFixed(1)}x wall-clock throughput  (bar: >= 10x)`)
if (oursRun.cpuRate !== undefined) {
  console.log(`      ${(oursRun.cpuRate / peerRun.cpuRate).toFixed(1)}x per CPU second  (ours ${fmt(oursRun.cpuRate)}, peer ${fmt(peerRun.cpuRate)} lines per CPU second)`)
}
if (oursRun.rssMb !== undefined) {
  console.log(`peak memory: ${small.rssMb.toFixed(0)} MB at ${fmt(COUNT / 10)} lines, ${oursRun.rssMb.toFixed(0)} MB at ${fmt(COUNT)} lines`)
} else {
  console.log('peak memory: not measured (GNU time is not installed at /usr/bin/time)')
}
