// Start-up cost: `clickstream --version` and `clickstream --help` against a bare `node -e 0`,
// in the same run, on the same machine. Bar: --version <= 3x node.
//   npm run build && node bench/startup.mjs
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const RUNS = Number(process.env.RUNS ?? 30)

function medianMs(args) {
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {stdio: 'ignore'})
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`)
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

const node = medianMs(['-e', '0'])
const version = medianMs([BIN, '--version'])
const help = medianMs([BIN, '--help'])
console.log(`node -e 0              ${node.toFixed(1)} ms`)
console.log(`clickstream --version  ${version.toFixed(1)} ms  ratio ${(version / node).toFixed(2)}x (bar: <= 3x)`)
console.log(`clickstream --help     ${help.toFixed(1)} ms  ratio ${(help / node).toFixed(2)}x`)
