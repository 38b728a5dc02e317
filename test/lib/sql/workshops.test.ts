import {describe, expect, it} from 'vitest'
import {Random} from '../../../src/lib/core/random.js'
import {compileApplication} from '../../../src/lib/sql/index.js'
import {formatWithPattern} from '../../../src/lib/sql/datetime.js'
import type {Row} from '../../../src/lib/sql/types.js'
import {WORKSHOPS} from './workshops.js'

// Every workshop application must compile and run unchanged on input shaped like its producer's.
const START = Date.UTC(2024, 4, 1, 12, 0, 0)

function run(file: string, rows: (i: number, t: number, random: Random) => Row, count: number, stepMs: number) {
  const w = WORKSHOPS.find((x) => x.file === file)!
  const app = compileApplication(w.sql, {sources: w.sources, file})
  const out = new Map<string, {row: Row; t: number}[]>()
  const rt = app.createRuntime({
    onRow(stream, row, t) {
      if (!out.has(stream)) out.set(stream, [])
      out.get(stream)!.push({row, t})
    },
  })
  const random = new Random(7)
  for (let i = 0; i < count; i++) {
    const t = START + i * stepMs
    rt.push(w.sources[0].name, rows(i, t, random), t)
  }
  rt.end()
  return {app, out}
}

describe('workshop applications', () => {
  it('web metrics (realtime-web-analytics-workshop modules 2 and 4) produces every metric type', () => {
    const events = ['click', 'pageview', 'conversion', 'exception', 'playvideo', 'login', 'logoff']
    const {app, out} = run(
      'web-metrics.sql',
      (i, t, r) => [
        '10.0.0.1',
        formatWithPattern("dd/MMM/yyyy:HH:mm:ss '+0000'", t),
        'POST /beacon HTTP/1.1',
        200,
        52,
        `referer_${r.int(1, 5)}`,
        i % 50 === 0 ? 'ELB-HealthChecker/2.0' : `agent_${r.int(1, 3)}`,
        r.pick(events),
        `user${r.int(1, 40)}`,
        `page_${r.int(1, 8)}.html`,
        i % 3 === 0 ? 'page_load_time' : '-',
        i % 3 === 0 ? r.int(10, 10_000) : null,
        null,
        null,
      ],
      3000,
      100,
    )
    expect(app.streams.map((s) => s.name)).toEqual(['WASA_001', 'DESTINATION_SQL_STREAM', 'EVENT_STREAM', 'ANOMALY_TEMP_STREAM'])
    const types = new Set((out.get('DESTINATION_SQL_STREAM') ?? []).map((r) => r.row[0]))
    expect([...types].sort()).toEqual(['agent_count', 'avg_pg_ld', 'event_anomaly', 'event_count', 'hourly_events', 'referral_count', 'top_pages', 'visitor_count'])
    // visitor_count: distinct client ids per minute of event time, at most the 40 users
    const visitors = out.get('DESTINATION_SQL_STREAM')!.filter((r) => r.row[0] === 'visitor_count')
    expect(visitors.length).toBe(5)
    for (const v of visitors) expect(v.row[3]).toBeLessThanOrEqual(40)
    expect(out.get('error_stream')).toBeUndefined()
  })

  it('clickstream sessions (stagger, 30 s) emits one row per user, device and 30 s bucket', () => {
    const {out} = run(
      'clickstream-sessions-stagger.sql',
      (_i, t, r) => [r.int(50, 52), r.pick(['mobile', 'computer']), r.pick(['beer_cart', 'beer_checkout']), t - 500],
      600,
      200,
    )
    const rows = out.get('DESTINATION_SQL_STREAM')!
    expect(rows.length).toBeGreaterThan(20)
    const [sessionId, userId, device, , events, , , beginsession, , duration] = rows[0].row
    expect(sessionId).toMatch(/^5\d_(MOB|COM)\d{10}$/)
    expect(String(sessionId).startsWith(`${userId}_${String(device).slice(0, 3).toUpperCase()}`)).toBe(true)
    expect(events).toBeGreaterThan(0)
    expect(beginsession).toMatch(/^\d\d:\d\d\.\d{3}$/)
    expect(duration).toBeGreaterThanOrEqual(0)
    expect(duration).toBeLessThanOrEqual(30)
  })

  it('seed 001 (stagger, 1 minute) runs', () => {
    const {out} = run('seed-001-stagger-minute.sql', (_i, t, r) => [r.int(60, 62), 'tablet', 'beer_cart', t], 600, 500)
    expect(out.get('DESTINATION_SQL_STREAM')!.length).toBeGreaterThan(10)
  })

  it('click-through anomaly detection: a click burst scores higher than the steady rate', () => {
    // 1 impression and 1 click per second, then a 30 s burst of 4 clicks per second
    const {out} = run(
      'ctr-anomaly.sql',
      (i, t) => {
        const second = Math.floor((t - START) / 1000)
        const burst = second >= 400 && second < 430
        const slot = i % 5
        return [slot === 0 ? 'Impression' : slot === 1 || burst ? 'Click' : 'Other', 'example.com']
      },
      5 * 500,
      200,
    )
    const ctr = out.get('CTRSTREAM')!
    expect(ctr.length).toBeGreaterThan(40)
    expect(ctr[0].row[0]).toBe(100)
    const alerts = out.get('DESTINATION_SQL_STREAM') ?? []
    expect(alerts.length).toBeGreaterThan(0)
    for (const a of alerts) expect(a.row[1]).toBeGreaterThan(2)
    expect(alerts.some((a) => (a.row[0] as number) > 100)).toBe(true)
  })

  it('seed 004 LAG sessionization marks session starts after a 10 s gap', () => {
    const {out} = run(
      'seed-004-lag-sessionization.sql',
      (i, t) => ['user1', i % 10 === 9 ? t : t, 'click', 'click', 'desktop'],
      30,
      3000,
    )
    const inter = out.get('INTERMEDIATE_SQL_STREAM')!
    expect(inter.length).toBe(30)
    expect(inter.filter((r) => r.row[3] !== null).length).toBe(1)
  })
})
