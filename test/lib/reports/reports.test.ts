import {beforeAll, describe, expect, it} from 'vitest'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll} from 'vitest'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {NotFoundError, UsageError} from '../../../src/lib/core/errors.js'
import {crawlLocal} from '../../../src/lib/lake/crawl.js'
import type {Workspace} from '../../../src/lib/local/workspace.js'
import {listReportDefinitions, runReport, type ReportOptions} from '../../../src/lib/reports/run.js'
import {runQuery} from '../../../src/lib/reports/query.js'
import {deliver, fixtureDocuments, fixtureWorkspace} from '../lake/fixture-lake.js'

const clock = new ManualClock(Date.UTC(2015, 4, 19, 12))
let workspace: Workspace
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'clickstream-reports-'))
  workspace = await fixtureWorkspace(root, ['web', 'events', 'sessions', 'lab'])
  await crawlLocal({workspace, clock})
})

afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

const report = (name: string, options: Partial<ReportOptions> = {}) => runReport({name, engine: 'local', workspace, clock, aws: {}, ...options})

/** Counts by key, sorted by key: the independent arithmetic the reports are checked against. */
function tally<T>(items: T[], key: (item: T) => string, value: (item: T) => number = () => 1): Array<[string, number]> {
  const out = new Map<string, number>()
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + value(item))
  return [...out].sort(([a], [b]) => a.localeCompare(b))
}

const web = fixtureDocuments('web') as Array<Record<string, string | number>>
const sessions = fixtureDocuments('sessions') as Array<Record<string, string | number>>
const events = fixtureDocuments('events') as Array<Record<string, string | number>>
const lab = fixtureDocuments('lab') as Array<Record<string, string | number>>

describe('reports on the local catalog', () => {
  it('daily on a web-log table: requests and bytes per day (local date of the log)', async () => {
    const result = await report('daily', {table: 'web'})
    expect(result).toMatchObject({report: 'daily', table: 'web', variant: 'web-log', chart: 'requests'})
    const day = (d: Record<string, string | number>) => String(d['@timestamp']).slice(0, 10)
    expect(result.rows.map((r) => [r.day, r.requests])).toEqual(tally(web, day))
    expect(result.rows.map((r) => [r.day, r.bytes])).toEqual(tally(web, day, (d) => Number(d.bytes)))
    expect(result.rows.map((r) => [r.day, r.status_4xx])).toEqual(tally(web, day, (d) => (Number(d.response) >= 400 && Number(d.response) < 500 ? 1 : 0)))
    expect(result.columns.map((c) => c.name)).toEqual(['day', 'requests', 'bytes', 'visitors', 'status_4xx', 'status_5xx'])
  })

  it('daily on a sessions table: sessions, users, events, average duration, bounce rate', async () => {
    const result = await report('daily', {table: 'sessions'})
    expect(result.variant).toBe('sessions')
    const day = (s: Record<string, string | number>) => String(s.timeagg).slice(0, 10)
    expect(result.rows.map((r) => [r.day, r.sessions])).toEqual(tally(sessions, day))
    expect(result.rows.map((r) => [r.day, r.events])).toEqual(tally(sessions, day, (s) => Number(s.events)))
    const first = sessions.filter((s) => day(s) === result.rows[0].day)
    const avg = first.reduce((a, s) => a + Number(s.duration_sec), 0) / first.length
    expect(result.rows[0].avg_duration_sec).toBeCloseTo(avg, 1)
    expect(result.rows[0].bounce_rate_pct).toBeCloseTo((100 * first.filter((s) => s.events === 1).length) / first.length, 1)
  })

  it('daily on raw events groups them into sessions as seed 001 does, matching the sessions table', async () => {
    const fromEvents = await report('daily', {table: 'events'})
    const fromSessions = await report('daily', {table: 'sessions'})
    expect(fromEvents.variant).toBe('events')
    expect(fromEvents.rows).toEqual(fromSessions.rows)
  })

  it('daily on seed 004\'s events: a gap of more than 10 s starts a session; days from epoch milliseconds', async () => {
    const result = await report('daily', {table: 'lab'})
    expect(result.variant).toBe('lab-events')
    const starts = new Map<string, number>()
    const byUser = new Map<string, number[]>()
    for (const e of lab) byUser.set(String(e.user_id), [...(byUser.get(String(e.user_id)) ?? []), Number(e.event_timestamp)])
    for (const times of byUser.values()) {
      times.sort((a, b) => a - b)
      times.forEach((t, i) => {
        if (i === 0 || t - times[i - 1] > 10_000) {
          const day = new Date(t).toISOString().slice(0, 10)
          starts.set(day, (starts.get(day) ?? 0) + 1)
        }
      })
    }
    expect(starts.size).toBe(2)
    expect(result.rows.map((r) => [r.day, r.sessions])).toEqual([...starts].sort())
    // A session's events count on the day it started, so the days split events differently from their own dates.
    expect(result.rows.reduce((a, r) => a + Number(r.events), 0)).toBe(lab.length)
  })

  it('durations: seed 001\'s histogram of sessions longer than 0 s, most common first', async () => {
    const result = await report('durations', {table: 'sessions'})
    const expected = tally(sessions.filter((s) => Number(s.duration_sec) > 0), (s) => String(s.duration_sec))
      .map(([d, n]) => ({duration_sec: Number(d), sessions: n}))
      .sort((a, b) => b.sessions - a.sessions || a.duration_sec - b.duration_sec)
    expect(result.rows).toEqual(expected)
    expect((await report('durations', {table: 'events'})).rows).toEqual(expected)
  })

  it('status-codes: requests per response code with shares adding up to 100', async () => {
    const result = await report('status-codes', {table: 'web'})
    const expected = tally(web, (d) => String(d.response))
      .map(([code, n]) => ({response: Number(code), requests: n}))
      .sort((a, b) => b.requests - a.requests || a.response - b.response)
    expect(result.rows.map((r) => ({response: r.response, requests: r.requests}))).toEqual(expected)
    expect(result.rows.reduce((a, r) => a + Number(r.share_pct), 0)).toBeCloseTo(100, 1)
  })

  it('top-pages: the most requested paths first, at most 20', async () => {
    const result = await report('top-pages', {table: 'web'})
    const counts = tally(web, (d) => String(d.request).split(' ')[1]).sort(([pa, a], [pb, b]) => b - a || pa.localeCompare(pb))
    expect(result.rows).toHaveLength(20)
    expect(result.rows.slice(0, 3).map((r) => [r.page, r.requests])).toEqual(counts.slice(0, 3))
  })

  it('navigation: where sessions begin and end (seed 001\'s QuickSight donut)', async () => {
    const result = await report('navigation', {table: 'sessions'})
    const begins = Object.fromEntries(tally(sessions, (s) => String(s.beginnavigation)))
    const ends = Object.fromEntries(tally(sessions, (s) => String(s.endnavigation)))
    for (const row of result.rows) {
      expect([row.begins, row.ends]).toEqual([begins[String(row.page)] ?? 0, ends[String(row.page)] ?? 0])
    }
    expect((await report('navigation', {table: 'events'})).rows).toEqual(result.rows)
  })

  it('devices: session seconds, sessions and events per device', async () => {
    const result = await report('devices', {table: 'sessions'})
    expect(result.rows.map((r) => [r.device_id, r.duration_sec]).sort()).toEqual(tally(sessions, (s) => String(s.device_id), (s) => Number(s.duration_sec)))
    const byEvents = await report('devices', {table: 'events'})
    expect(byEvents.rows.map((r) => [r.device_id, r.events]).sort()).toEqual(tally(events, (e) => String(e.device_id)))
  })

  it('funnel: visitors reaching browse, detail, cart and checkout in that order', async () => {
    const result = await report('funnel', {table: 'events'})
    // Independent count: for each user, walk the events in time order through the steps.
    const stepOf = (name: string) => (/checkout|purchase|order/.test(name) ? 4 : /cart|basket/.test(name) ? 3 : /detail/.test(name) ? 2 : 1)
    const byUser = new Map<string, Array<{ts: string; step: number}>>()
    for (const e of events) {
      const list = byUser.get(String(e.user_id)) ?? []
      list.push({ts: String(e.client_timestamp), step: stepOf(String(e.client_event))})
      byUser.set(String(e.user_id), list)
    }
    const reached = [0, 0, 0, 0]
    for (const list of byUser.values()) {
      let at = ''
      for (let step = 1; step <= 4; step++) {
        const next = list.filter((e) => e.step === step && e.ts >= at).map((e) => e.ts).sort()[0]
        if (next === undefined) break
        reached[step - 1] += 1
        at = next
      }
    }
    expect(result.rows.map((r) => [r.step, r.visitors])).toEqual([
      ['browse', reached[0]],
      ['detail', reached[1]],
      ['cart', reached[2]],
      ['checkout', reached[3]],
    ])
    expect(result.rows[1].pct_of_previous).toBeCloseTo((100 * reached[1]) / reached[0], 1)
    expect(result.rows[3].pct_of_first).toBeCloseTo((100 * reached[3]) / reached[0], 1)
  })

  it('limits every report to --date, and to --from/--until inclusive', async () => {
    const oneDay = await report('daily', {table: 'web', date: '2015-05-18'})
    expect(oneDay).toMatchObject({from: '2015-05-18', until: '2015-05-18'})
    expect(oneDay.rows.map((r) => r.day)).toEqual(['2015-05-18'])
    const range = await report('status-codes', {table: 'web', from: '2015-05-18', until: '2015-05-19'})
    const inRange = web.filter((d) => ['2015-05-18', '2015-05-19'].includes(String(d['@timestamp']).slice(0, 10)))
    expect(range.rows.reduce((a, r) => a + Number(r.requests), 0)).toBe(inRange.length)
    expect((await report('daily', {table: 'web', date: 'today'})).rows.map((r) => r.day)).toEqual(['2015-05-19'])
  })

  it.each([
    ["2015-05-17' OR '1'='1"],
    ["2015-05-17'; DROP VIEW web; --"],
    ['2015-02-30'],
    ['17/05/2015'],
    [''],
  ])('refuses --date %j before any query runs, and the table stays intact', async (date) => {
    await expect(report('daily', {table: 'web', date})).rejects.toThrow(UsageError)
    // Even with no catalog at all the error is the date's: nothing was opened.
    await expect(runReport({name: 'daily', engine: 'local', workspace: {...workspace, catalog: join(root, 'none.duckdb')}, clock, aws: {}, date})).rejects.toThrow(/--date expects a day/)
    const n = await runQuery({sql: 'SELECT count(*) AS n FROM web', engine: 'local', workspace, clock, aws: {}})
    expect(n.rows).toEqual([{n: 400}])
  })

  it('refuses a --table that is not in the catalog, listing the tables', async () => {
    const attempt = report('daily', {table: 'web"; DROP VIEW web; --'})
    await expect(attempt).rejects.toThrow(NotFoundError)
    await expect(report('daily', {table: 'nope'})).rejects.toThrow("there is no table 'nope'. Tables: events, lab, sessions, web.")
    expect((await runQuery({sql: 'SELECT count(*) AS n FROM web', engine: 'local', workspace, clock, aws: {}})).rows).toEqual([{n: 400}])
  })

  it('rejects --from after --until, and --date with --from', async () => {
    await expect(report('daily', {table: 'web', from: '2015-05-19', until: '2015-05-18'})).rejects.toThrow('--from 2015-05-19 is after --until 2015-05-18.')
    await expect(report('daily', {table: 'web', date: '2015-05-19', from: '2015-05-18'})).rejects.toThrow(UsageError)
  })

  it('picks the one table a report fits, and asks for --table when several do', async () => {
    expect((await report('status-codes')).table).toBe('web')
    await expect(report('daily')).rejects.toThrow('report daily fits several tables: events, lab, sessions, web; choose one with --table.')
  })

  it('names the columns a report needs when the table has none of its kinds', async () => {
    await expect(report('status-codes', {table: 'sessions'})).rejects.toThrow(/report status-codes needs a table with the columns of web-log \(@timestamp, response\)/)
  })

  it('gives the same columns and rows for a KDA output table, whose keys are upper case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clickstream-kda-'))
    try {
      const kda = await fixtureWorkspace(dir, [])
      const upper = sessions.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k.toUpperCase(), v])))
      await deliver(kda, 'sessions', upper, (d) => Date.parse(`${d.TIMEAGG.replace(' ', 'T')}Z`))
      await crawlLocal({workspace: kda, clock})
      for (const name of ['daily', 'durations', 'navigation', 'devices']) {
        const fromKda = await runReport({name, table: 'sessions', engine: 'local', workspace: kda, clock, aws: {}})
        const expected = await report(name, {table: 'sessions'})
        expect({columns: fromKda.columns.map((c) => c.name), rows: fromKda.rows}).toEqual({columns: expected.columns.map((c) => c.name), rows: expected.rows})
      }
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('lists every report with a description', async () => {
    const list = await listReportDefinitions()
    expect(list.reports.map((r) => r.name)).toEqual(['daily', 'devices', 'durations', 'funnel', 'navigation', 'status-codes', 'top-pages'])
    for (const r of list.reports) expect(r.description.length).toBeGreaterThan(20)
    await expect(report('weekly')).rejects.toThrow("there is no report 'weekly'. Reports: daily, devices, durations, funnel, navigation, status-codes, top-pages.")
  })
})
