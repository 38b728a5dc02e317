// `clickstream replay --transform json` against GoAccess on the same 1,000,000 real lines (the
// 10,000-line sample repeated), in the same run, on the same machine. Bar: replay >= 5x faster.
//   npm run build && node bench/replay.mjs            (LINES=…, RUNS=… to change the defaults)
// Both are timed wall-clock from process start to exit, best of RUNS. GoAccess runs with its
// defaults and writes its JSON report (Debian's GoAccess 1.7 parses on one thread; it has no
// option for more). replay writes one JSON document per line to a file, parsing on one thread per
// core (at most 4) as it does for any file or stdout target at full speed. CPU time (user + sys)
// is printed too: it shows the work each does, where wall time shows what a user waits.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const SAMPLE = fileURLToPath(new URL('../../shared/data/apache_logs', import.meta.url))
const LINES = Number(process.env.LINES ?? 1_000_000)
const RUNS = Number(process.env.RUNS ?? 3)

const dir = mkdtempSync(join(tmpdir(), 'clickstream-bench-replay-'))
try {
  const sample = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l !== '')
  const input = join(dir, 'access_log')
  const copies = Math.ceil(LINES / sample.length)
  const body = Array.from({length: copies}, () => sample.join('\n')).join('\n').split('\n').slice(0, LINES).join('\n')
  writeFileSync(input, `${body}\n`)
  console.log(`input: ${LINES.toLocaleString('en-US')} lines, ${(statSync(input).size / 2 ** 20).toFixed(1)} MiB (${SAMPLE} repeated)`)

  const replay = best(process.execPath, [BIN, 'replay', input, '--transform', 'json', '--to', `file:${join(dir, 'out.ndjson')}`, '--json'], (r) => {
    const summary = JSON.parse(r.stdout)
    if (summary.delivered !== LINES) throw new Error(`replay delivered ${summary.delivered} of ${LINES} lines`)
  })
  const goaccess = best('goaccess', [input, '--log-format=COMBINED', '--no-global-config', '-o', join(dir, 'goaccess.json')], () => {
    const report = JSON.parse(readFileSync(join(dir, 'goaccess.json'), 'utf8'))
    if (report.general.valid_requests !== LINES) throw new Error(`GoAccess counted ${report.general.valid_requests} of ${LINES} lines`)
  })

  const row = (name, t) => `${name.padEnd(9)} ${(t.wall / 1000).toFixed(2)} s wall  ${(t.cpu / 1000).toFixed(2)} s cpu  ${Math.round((LINES * 1000) / t.wall).toLocaleString('en-US')} lines/s`
  console.log(row('replay', replay))
  console.log(row('goaccess', goaccess))
  console.log(`ratio: replay is ${(goaccess.wall / replay.wall).toFixed(2)}x faster than GoAccess (wall; bar >= 5x), ${(goaccess.cpu / replay.cpu).toFixed(2)}x by CPU time`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}

/** Runs a command RUNS times; returns the fastest wall time and the CPU time of that run, in ms. */
function best(command, args, check) {
  let result
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync('/usr/bin/env', ['bash', '-c', 'TIMEFORMAT="%U %S"; { time "$@" >"$OUT" 2>/dev/null; } 2>"$OUT.time"', 'bench', command, ...args], {
      env: {...process.env, OUT: join(dir, 'stdout'), CI: '1'},
      stdio: 'ignore',
    })
    const wall = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}`)
    const [user, sys] = readFileSync(join(dir, 'stdout.time'), 'utf8').trim().split(/\s+/).map(Number)
    check({stdout: readFileSync(join(dir, 'stdout'), 'utf8')})
    const cpu = (user + sys) * 1000
    if (!result || wall < result.wall) result = {wall, cpu}
  }
  return result
}
