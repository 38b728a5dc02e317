import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {runCli as runCliIn} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'
import {readAll, workspaceIn} from '../lib/apps/local-stream-helpers.js'

const TEMPLATES = fileURLToPath(new URL('../../templates/sql/', import.meta.url))
const runCli = (args: string[], cwd: string) => runCliIn(args, {cwd, env: {CLICKSTREAM_HOME: join(cwd, '.clickstream')}})
const ndjson = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))

/** Generates a profile's records into a local stream, with the record clock at event time. */
async function generate(dir: string, stream: string, args: string[]) {
  const result = await runCli(['generate', '--start', '2026-11-01T10:00:00Z', '--seed', '7', '--to', `local:${stream}`, ...args], dir)
  expect(result.code).toBe(0)
}

async function runTemplate(dir: string, template: string, args: string[]) {
  const result = await runCli(['app', 'run', join(TEMPLATES, template), '--no-follow', '--json', ...args], dir)
  expect(result.code).toBe(0)
  return {rows: ndjson(result.stdout), summary: JSON.parse(result.stderr)}
}

describe('the SQL templates accept what the generate profiles produce', () => {
  const tempDir = useTempDir()

  it('sessionize-lab (seed 004) over --profile lab: session starts more than 10 s after the user\'s previous click', async () => {
    const dir = await tempDir()
    await generate(dir, 'lab', ['--profile', 'lab', '--count', '400'])
    const {rows, summary} = await runTemplate(dir, 'sessionize-lab.sql', ['--from', 'local:lab', '--with-rowtime'])
    expect(summary).toMatchObject({recordsIn: 400, rowsIn: 400, errors: 0})
    // The same rule computed independently over the input.
    const lastClick = new Map<string, number>()
    const expected: string[] = []
    for (const data of await readAll(await workspaceIn(dir), 'lab')) {
      const e = JSON.parse(data)
      const previous = lastClick.get(e.user_id)
      if (previous === undefined || e.event_timestamp - previous > 10_000) {
        expected.push(`${e.user_id}_${e.device_type}_${new Date(e.event_timestamp).toISOString().slice(11, 19)}`)
      }
      lastClick.set(e.user_id, e.event_timestamp)
    }
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.map((r) => r.session_id).sort()).toEqual(expected.sort())
    for (const r of rows) expect(r.session_time).toBe(r.latest_time)
  })

  it('stagger-sessions (seed 001) over --profile beverage: every event lands in exactly one session of at most a minute', async () => {
    const dir = await tempDir()
    await generate(dir, 'beverage', ['--profile', 'beverage', '--count', '400'])
    const {rows, summary} = await runTemplate(dir, 'stagger-sessions.sql', ['--from', 'local:beverage', '--rowtime', 'client_timestamp'])
    expect(summary).toMatchObject({recordsIn: 400, errors: 0})
    expect(rows.reduce((n, r) => n + r.EVENTS, 0)).toBe(400)
    for (const r of rows) {
      expect(r.SESSION_ID).toMatch(/^\d+_(MOB|COM|TAB)\d{10}$/)
      expect(r.DURATION_SEC).toBeGreaterThanOrEqual(0)
      expect(r.DURATION_SEC).toBeLessThan(60)
    }
  })

  it('clickthrough-anomaly (seed 003) over --profile ads: the click-through spike is flagged', async () => {
    const dir = await tempDir()
    await generate(dir, 'ads', ['--profile', 'ads', '--duration', '20m', '--rate', '5', '--anomaly-at', '12m', '--anomaly-for', '2m'])
    const {rows, summary} = await runTemplate(dir, 'clickthrough-anomaly.sql', ['--from', 'local:ads', '--with-rowtime', '--output', 'DESTINATION_SQL_STREAM=-', '--output', 'CTRSTREAM=file:ctr.ndjson'])
    expect(summary.errors).toBe(0)
    expect(summary.outputs[1].rows).toBeGreaterThan(100)
    const inSpike = rows.filter((r) => r.ROWTIME >= '2026-11-01 10:12:00.000' && r.ROWTIME <= '2026-11-01 10:14:10.000')
    expect(inSpike.length).toBeGreaterThan(0)
    expect(inSpike.length / rows.length).toBeGreaterThan(0.5)
    for (const r of rows) expect(r.ANOMALY_SCORE).toBeGreaterThan(2)
  })

  it('web-metrics (workshop module 2) over Kinesis Agent JSON documents: all seven metric types', async () => {
    const dir = await tempDir()
    const lines = Array.from({length: 60}, (_, i) =>
      JSON.stringify({
        host: '10.0.0.12', ident: '-', authuser: '-', datetime: `25/Mar/2018:15:25:${String(i).padStart(2, '0')} +0000`,
        request: 'POST /beacon HTTP/1.1', response: '200', bytes: '52', referrer: `referer_${i % 3}`, agent: 'python_manual_agent_9',
        event: ['click', 'pageview'][i % 2], clientid: `user${i % 5}`, page: `page_${i % 4}.html`, custom_metric_name: '-',
        custom_metric_int_value: '-', custom_metric_float_value: '-', custom_metric_string_value: '-', ts: 1521991525000 + i * 1000,
      }),
    )
    await writeFile(join(dir, 'beacons.ndjson'), lines.join('\n'))
    const {rows, summary} = await runTemplate(dir, 'web-metrics.sql', ['--from', 'file:beacons.ndjson', '--rowtime', 'ts'])
    expect(summary).toMatchObject({recordsIn: 60, errors: 0})
    expect(new Set(rows.map((r) => r.METRICTYPE))).toEqual(new Set(['visitor_count', 'top_pages', 'event_count', 'event_anomaly', 'agent_count', 'referral_count', 'hourly_events']))
  })
})
