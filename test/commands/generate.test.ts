import {spawnSync} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {BIN, runCli} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'

function bash(script: string, cwd: string) {
  return spawnSync('bash', ['-c', `set -o pipefail; ${script}`], {cwd, encoding: 'utf8', env: {...process.env, CI: '', NO_COLOR: '1'}, timeout: 60_000})
}

describe('clickstream generate', () => {
  const tempDir = useTempDir()

  it('writes only records to stdout', async () => {
    const {code, stdout, stderr} = await runCli(['generate', '--count', '25', '--seed', '1'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    const lines = stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(25)
    expect(lines.every((l) => / "user = [^;]+; PHPSESSID=[0-9a-f]{32}"$/.test(l))).toBe(true)
  })

  it('gives the same bytes for the same seed, and different bytes without one', async () => {
    const args = ['generate', '--profile', 'lab', '--count', '300']
    const a = await runCli([...args, '--seed', '12'])
    const b = await runCli([...args, '--seed', '12'])
    expect(a.stdout).toBe(b.stdout)
    const c = await runCli(args)
    const d = await runCli(args)
    expect(c.stdout).not.toBe(d.stdout)
  })

  it('writes a gzip file and prints a summary on stderr; --json prints the result', async () => {
    const dir = await tempDir()
    const human = await runCli(['generate', '--count', '500', '--seed', '2', '--to', 'file:out/day.log.gz'], {cwd: dir})
    expect(human.code).toBe(0)
    expect(human.stdout).toBe('')
    expect(human.stderr).toMatch(/^Wrote 500 records \(.+\) to file:out\/day\.log\.gz in .+; seed 2\.\n$/)
    expect(gunzipSync(await readFile(join(dir, 'out/day.log.gz'))).toString('utf8').trimEnd().split('\n')).toHaveLength(500)

    const json = await runCli(['generate', '--profile', 'beverage', '--count', '40', '--seed', '2', '--to', 'file:b.json', '--json'], {cwd: dir})
    expect(json.code).toBe(0)
    const result = JSON.parse(json.stdout)
    expect(result).toMatchObject({target: 'file:b.json', profile: 'beverage', format: 'json', seed: 2, records: 40, failed: 0, stoppedBy: 'count'})
    expect(result.bytes).toBe((await readFile(join(dir, 'b.json'))).length)
  })

  it('refuses --json when the records go to stdout', async () => {
    const {code, stdout} = await runCli(['generate', '--count', '1', '--json'])
    expect(code).toBe(2)
    expect(JSON.parse(stdout).error.message).toContain('stdout, which is carrying the records')
  })

  it('names a bad template helper with its place and exits 3', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 't.tpl'), '{"ip":"{{internet.ip}}",\n"who":"{{name.nobody}}"}\n')
    const {code, stderr, stdout} = await runCli(['generate', '--template', 't.tpl', '--count', '3'], {cwd: dir})
    expect(code).toBe(3)
    expect(stdout).toBe('')
    expect(stderr).toContain('t.tpl:2:8: unknown template helper {{name.nobody}}')
  })

  it('stops quietly when the reader goes away (generate | head)', async () => {
    const dir = await tempDir()
    const r = bash(`node ${BIN} generate --profile lab | head -n 3`, dir)
    expect(r.status).toBe(0)
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(3)
    expect(r.stderr).toBe('')
  })

  it('--rate 200 --duration 5s writes 1000 ± 3 % records in real time', async () => {
    const {code, stdout} = await runCli(['generate', '--profile', 'lab', '--rate', '200', '--duration', '5s'])
    expect(code).toBe(0)
    const n = stdout.trimEnd().split('\n').length
    expect(Math.abs(n - 1000)).toBeLessThanOrEqual(30)
  })

  // GoAccess is installed by .ci/run (Debian package `goaccess`).
  it('writes lines GoAccess takes as COMBINED, with repeat visitors', async () => {
    const dir = await tempDir()
    const r = bash(`node ${BIN} generate --count 20000 --seed 5 --start 2026-11-01 --rate 4 | goaccess --no-global-config --log-format=COMBINED -o report.json - 2>/dev/null`, dir)
    expect(r.status, r.stderr).toBe(0)
    const general = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).general
    expect(general.total_requests).toBe(20000)
    expect(general.failed_requests).toBe(0)
    expect(general.valid_requests).toBe(20000)
    expect(general.unique_visitors).toBeGreaterThan(100)
    expect(general.unique_visitors).toBeLessThan(general.total_requests / 2)
  })

  describe('feeds the workshop SQL applications in templates/sql (clickstream app run)', () => {
    const SQL = join(process.cwd(), 'templates/sql')
    const generateTo = async (dir: string, args: string[]) => {
      const r = await runCli(['generate', '--start', '2026-11-01T10:00:00Z', '--duration', '10m', '--seed', '1', '--to', 'local:clicks', '--json', ...args], {cwd: dir})
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout)
    }
    const rows = async (dir: string, app: string) => {
      // From a local stream, ROWTIME is each record's event time, as the SQL windows expect.
      const r = await runCli(['app', 'run', join(SQL, app), '--from', 'local:clicks', '--no-follow'], {cwd: dir})
      expect(r.code, r.stderr).toBe(0)
      return r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))
    }

    it('lab → seed 004 sessionization: about one session row per generated session', async () => {
      const dir = await tempDir()
      const generated = await generateTo(dir, ['--profile', 'lab', '--rate', '5'])
      const sessions = await rows(dir, 'sessionize-lab.sql')
      expect(sessions.length).toBeGreaterThanOrEqual(generated.sessions * 0.98)
      expect(sessions.length).toBeLessThanOrEqual(generated.sessions * 1.05)
    })

    it('beverage → seed 001 stagger sessions', async () => {
      const dir = await tempDir()
      await generateTo(dir, ['--profile', 'beverage', '--rate', '5'])
      const sessions = await rows(dir, 'stagger-sessions.sql')
      expect(sessions.length).toBeGreaterThan(100)
      expect(sessions.some((row) => row.EVENTS > 1)).toBe(true)
    })

    it('ads → seed 003 anomaly detection flags the click-through spike', async () => {
      const dir = await tempDir()
      await generateTo(dir, ['--profile', 'ads', '--rate', '20', '--anomaly-at', '5m', '--anomaly-for', '30s'])
      const anomalies = await rows(dir, 'clickthrough-anomaly.sql')
      expect(anomalies.some((row) => row.CTRPERCENT > 40 && row.ANOMALY_SCORE > 2)).toBe(true)
    })
  })
})
