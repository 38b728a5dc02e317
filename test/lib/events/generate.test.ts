import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ManualClock, type Clock} from '../../../src/lib/core/clock.js'
import {InputError, UsageError} from '../../../src/lib/core/errors.js'
import {parseAccessLine} from '../../../src/lib/access-log/index.js'
import {SEEDED_START, generate, renderGenerateSummary, type GenerateOptions} from '../../../src/lib/events/generate.js'
import type {OutRecord, Sink, TargetContext} from '../../../src/lib/targets/types.js'
import {useTempDir} from '../../helpers/temp-dir.js'

/** Apache combined log format, strictly, with seed 000's optional trailing cookie field. */
const APACHE_COMBINED =
  /^(\d{1,3}(?:\.\d{1,3}){3}) - (-|\S+) \[(\d{2})\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(GET|POST|HEAD|PUT|DELETE) (\/\S*) (HTTP\/1\.[01])" (\d{3}) (\d+|-) "([^"]*)" "([^"]+)"(?: "user = ([^;"]+); PHPSESSID=([0-9a-f]{32})")?$/

/** The regex of seed 000's ETL Lambda (Python), which must also take every visitor's line. */
const SEED_000_LAMBDA = /^([\d.]+) (\S+) (\S+) \[([\w:/]+)(\s[+-]\d{4}){0,1}\] "(.+?)" (\d{3}) (\d+) (".+?") (".+?") "user = ([^;]*)/

/** A sink that keeps records and the clock time each batch was written at. */
class MemorySink implements Sink {
  readonly target = 'memory'
  readonly records: OutRecord[] = []
  readonly writtenAt: number[] = []
  closedByReader = false
  constructor(
    private readonly clock: Clock,
    private readonly closeAfter = Number.POSITIVE_INFINITY,
  ) {}
  async write(batch: readonly OutRecord[]): Promise<void> {
    for (const r of batch) {
      this.records.push(r)
      this.writtenAt.push(this.clock.now())
    }
    if (this.records.length >= this.closeAfter) this.closedByReader = true
  }
  async flush(): Promise<void> {}
  async close() {
    return {target: this.target, delivered: this.records.length, bytes: this.records.reduce((n, r) => n + r.data.length + 1, 0), retried: 0, failed: 0}
  }
}

const NOW = Date.UTC(2026, 10, 23, 18, 0, 0)

async function run(options: Partial<GenerateOptions>, clock: Clock = new ManualClock(NOW, true), sinkOptions: {closeAfter?: number; signal?: AbortSignal} = {}) {
  const sink = new MemorySink(clock, sinkOptions.closeAfter)
  const warnings: string[] = []
  const ctx = {clock, workspace: {}, aws: {}, warn: (m: string) => warnings.push(m)} as unknown as TargetContext
  const result = await generate({to: {kind: 'stdio'}, ...options}, {ctx, openSink: async () => sink, signal: sinkOptions.signal})
  return {result, sink, records: sink.records, lines: sink.records.map((r) => r.data), warnings}
}

function perWindow(times: number[], start: number, windowMs: number): number[] {
  const counts: number[] = []
  for (const t of times) {
    const w = Math.floor((t - start) / windowMs)
    counts[w] = (counts[w] ?? 0) + 1
  }
  return counts
}

describe('generate: formats', () => {
  it('writes unicorn-shop Apache lines that parse strictly, with the cookie field and LB health checks', async () => {
    const {lines, records} = await run({count: 20_000, seed: 4, start: NOW, rate: 4})
    expect(lines).toHaveLength(20_000)
    const statuses = new Set<string>()
    let health = 0
    for (const line of lines) {
      const m = APACHE_COMBINED.exec(line)
      expect(m, line).not.toBeNull()
      statuses.add(m![13])
      if (m![16] === 'ELB-HealthChecker/2.0') {
        health++
        expect(m![17]).toBeUndefined()
      } else expect(SEED_000_LAMBDA.test(line), line).toBe(true)
    }
    expect(health).toBeGreaterThan(0)
    for (const code of ['200', '302', '304', '404', '500']) expect(statuses).toContain(code)
    expect(lines.some((l) => l.includes('"user = anonymous; PHPSESSID='))).toBe(true)
    expect(lines.some((l) => /"user = (?!anonymous)[a-z]+\d*; PHPSESSID=/.test(l))).toBe(true)
    expect(lines.some((l) => l.includes('"GET /products/'))).toBe(true)
    expect(lines.some((l) => l.includes('"GET /categories/'))).toBe(true)
    expect(lines.some((l) => l.includes('"POST /cart/'))).toBe(true)
    expect(lines.some((l) => l.includes('"GET /checkout/'))).toBe(true)
    expect(records.every((r) => typeof r.partitionKey === 'string' && r.partitionKey.length > 0)).toBe(true)
  })

  it('writes Apache lines that the project\'s own access-log parser reads back: time, status, cookie user', async () => {
    const {lines, records} = await run({count: 5_000, seed: 9, start: NOW, rate: 4})
    for (let i = 0; i < lines.length; i++) {
      const parsed = parseAccessLine(lines[i])
      expect(parsed.ok, lines[i]).toBe(true)
      if (!parsed.ok) continue
      expect(parsed.entry.time).toBe(Math.floor(records[i].time / 1000) * 1000)
      expect(parsed.entry.truncated).toBeFalsy()
      expect(String(parsed.entry.status)).toBe(/HTTP\/1\.[01]" (\d{3}) /.exec(lines[i])![1])
      const cookieUser = /"user = ([^;"]+);/.exec(lines[i])?.[1]
      expect(parsed.entry.username).toBe(cookieUser)
    }
  })

  it('writes lab events that seed 004\'s sessionization SQL reads (user_id, epoch-ms event_timestamp, …)', async () => {
    const {records} = await run({profile: 'lab', count: 5_000, seed: 1, start: NOW, rate: 5})
    for (const r of records) {
      const e = JSON.parse(r.data)
      expect(Object.keys(e)).toEqual(['user_id', 'event_timestamp', 'event_name', 'event_type', 'device_type'])
      expect(e.user_id).toMatch(/^user\d{1,3}$/)
      expect(Number.isInteger(e.event_timestamp)).toBe(true)
      expect(e.event_timestamp).toBe(r.time)
      expect(['checkout', 'search', 'category', 'detail', 'navigate']).toContain(e.event_name)
      expect(e.event_type).toBe('click')
      expect(['desktop', 'mobile', 'tablet']).toContain(e.device_type)
      expect(r.partitionKey).toBe(e.user_id)
    }
    // Seed 004 starts a session after a 10 s gap: most clicks of a user are closer than that.
    const last = new Map<string, number>()
    let close = 0
    let follow = 0
    for (const r of records) {
      const e = JSON.parse(r.data)
      const previous = last.get(e.user_id)
      if (previous !== undefined) {
        follow++
        if (e.event_timestamp - previous <= 10_000) close++
      }
      last.set(e.user_id, e.event_timestamp)
    }
    expect(close / follow).toBeGreaterThan(0.6)
  })

  it('keeps lab user ids within the seed SQL\'s VARCHAR(7) for large populations', async () => {
    const {records} = await run({profile: 'lab', count: 2_000, seed: 1, start: NOW, users: 50_000})
    for (const r of records) expect(JSON.parse(r.data).user_id).toMatch(/^u\d{1,6}$/)
  })

  it('writes beverage events like seed 001\'s Lambda', async () => {
    const {records} = await run({profile: 'beverage', count: 2_000, seed: 1, start: NOW})
    for (const r of records) {
      const e = JSON.parse(r.data)
      expect(Object.keys(e)).toEqual(['user_id', 'device_id', 'client_event', 'client_timestamp'])
      expect(Number.isInteger(e.user_id)).toBe(true)
      expect(['mobile', 'computer', 'tablet']).toContain(e.device_id)
      expect(e.client_event).toMatch(/^beer_(vitrine_nav|checkout|product_detail|products|selection|cart)$/)
      expect(e.client_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
      expect(Date.parse(`${e.client_timestamp.slice(0, 23)}Z`)).toBe(r.time)
    }
  })

  it('writes ads events whose click-through rate spikes in the anomaly window', async () => {
    const anomaly = {at: {offsetMs: 600_000}, durationMs: 60_000, ctr: 0.8}
    const {records} = await run({profile: 'ads', rate: 50, durationMs: 1_200_000, seed: 2, start: NOW, curve: 'flat', ctr: 0.1, anomaly})
    const windows = new Map<number, {clicks: number; impressions: number}>()
    for (const r of records) {
      const e = JSON.parse(r.data)
      expect(Object.keys(e)).toEqual(['browseraction', 'site'])
      const w = Math.floor((r.time - NOW) / 10_000)
      const c = windows.get(w) ?? {clicks: 0, impressions: 0}
      if (e.browseraction === 'Click') c.clicks++
      else if (e.browseraction === 'Impression') c.impressions++
      else throw new Error(e.browseraction)
      windows.set(w, c)
    }
    const ctr = (w: number) => windows.get(w)!.clicks / windows.get(w)!.impressions
    expect(ctr(20)).toBeGreaterThan(0.03)
    expect(ctr(20)).toBeLessThan(0.25)
    for (let w = 60; w < 66; w++) expect(ctr(w)).toBeGreaterThan(0.5)
    expect(ctr(80)).toBeLessThan(0.25)
  })
})

describe('generate: pace and counts', () => {
  it('puts the ads anomaly at an absolute time too', async () => {
    const at = NOW + 300_000
    const {records} = await run({profile: 'ads', rate: 50, durationMs: 600_000, seed: 2, start: NOW, curve: 'flat', anomaly: {at: {time: at}, durationMs: 30_000}})
    const inSpike = records.filter((r) => r.time >= at && r.time < at + 30_000)
    const clicks = inSpike.filter((r) => r.data.includes('"Click"')).length
    expect(clicks / (inSpike.length - clicks)).toBeGreaterThan(0.45)
  })

  it('stops after exactly --count records', async () => {
    for (const count of [0, 1, 999, 1000, 1001, 12_345]) {
      const {result, records} = await run({count, seed: 1})
      expect(records).toHaveLength(count)
      expect(result.records).toBe(count)
      expect(result.stoppedBy).toBe('count')
    }
  })

  it('--rate 200 --duration 5s gives 1000 records, written when their time comes', async () => {
    const clock = new ManualClock(NOW, true)
    const {records, sink, result} = await run({rate: 200, durationMs: 5_000, seed: 9}, clock)
    expect(records).toHaveLength(1000)
    expect(result.stoppedBy).toBe('duration')
    records.forEach((r, i) => {
      expect(r.time).toBeGreaterThanOrEqual(NOW)
      expect(r.time).toBeLessThan(NOW + 5_000)
      // Live: written once the clock reached the record's time, and at most a tick later.
      expect(sink.writtenAt[i]).toBeGreaterThanOrEqual(r.time)
      expect(sink.writtenAt[i] - r.time).toBeLessThanOrEqual(2)
    })
    expect(clock.now() - NOW).toBeLessThanOrEqual(5_000)
  })

  it('holds --rate within 2 % in every 10 s window of an hour, without drift', async () => {
    const clock = new ManualClock(NOW, true)
    const {records, sink} = await run({rate: 50, durationMs: 3_600_000, profile: 'lab'}, clock)
    expect(records).toHaveLength(180_000)
    // Sleeps are whole milliseconds, so the last record may go out on the hour's last tick.
    const emitted = perWindow(sink.writtenAt.map((t) => Math.min(t, NOW + 3_599_999)), NOW, 10_000)
    expect(emitted).toHaveLength(360)
    for (const c of emitted) expect(Math.abs(c - 500) / 500).toBeLessThanOrEqual(0.02)
    expect(Math.abs(clock.now() - (NOW + 3_600_000))).toBeLessThan(50)
  })

  it('combines --count and --duration: whichever comes first', async () => {
    expect((await run({rate: 100, durationMs: 10_000, count: 50})).records).toHaveLength(50)
    expect((await run({rate: 100, durationMs: 1_000, count: 5_000})).records).toHaveLength(100)
  })

  it('with --start runs a simulated clock as fast as possible: a day with its daily curve, no waiting', async () => {
    const clock = new ManualClock(NOW, false) // would hang if generate slept on it
    const start = Date.UTC(2026, 10, 1)
    const {records, result} = await run({start, durationMs: 86_400_000, rate: 2, profile: 'lab', seed: 3}, clock)
    expect(Math.abs(records.length - 172_800) / 172_800).toBeLessThan(0.01)
    expect(clock.pendingSleeps).toBe(0)
    const perHour = perWindow(records.map((r) => r.time), start, 3_600_000)
    expect(perHour[20]).toBeGreaterThan(3 * perHour[3])
    expect(result.firstEventTime?.startsWith('2026-11-01T00:00')).toBe(true)
    expect(result.lastEventTime?.startsWith('2026-11-01T23:59')).toBe(true)
  })

  it('with --speed 60 runs an hour of event time in a minute of clock time', async () => {
    const clock = new ManualClock(NOW, true)
    const {records, sink} = await run({start: Date.UTC(2026, 10, 1), speed: 60, rate: 10, durationMs: 3_600_000, curve: 'flat'}, clock)
    expect(records).toHaveLength(36_000)
    expect(Math.abs(clock.now() - (NOW + 60_000))).toBeLessThan(50)
    expect(sink.writtenAt[18_000] - NOW).toBeGreaterThanOrEqual(29_900)
  })

  it('without rate, start, speed or seed, records carry the current time', async () => {
    const {records} = await run({count: 3000, profile: 'lab'})
    for (const r of records) expect(r.time).toBe(NOW)
  })

  it('stops quietly when the reader goes away', async () => {
    const {result, records} = await run({seed: 1}, new ManualClock(NOW, true), {closeAfter: 2500})
    expect(result.stoppedBy).toBe('reader-closed')
    expect(records.length).toBe(3000)
  })

  it('stops cleanly when interrupted, reporting what it wrote', async () => {
    const controller = new AbortController()
    const clock = new ManualClock(NOW, true)
    const origin = clock.sleep.bind(clock)
    clock.sleep = (ms, signal) => {
      if (clock.now() - NOW > 3_000) controller.abort()
      return origin(ms, signal)
    }
    const {result, records} = await run({rate: 100}, clock, {signal: controller.signal})
    expect(result.stoppedBy).toBe('interrupted')
    expect(records.length).toBeGreaterThan(250)
    expect(records.length).toBeLessThan(400)
  })
})

describe('generate: reproducibility', () => {
  it('gives byte-identical output for the same seed and flags', async () => {
    for (const profile of ['unicorn-shop', 'lab', 'beverage', 'ads'] as const) {
      const a = (await run({profile, count: 3000, seed: 42})).lines.join('\n')
      const b = (await run({profile, count: 3000, seed: 42}, new ManualClock(NOW + 123_456, true))).lines.join('\n')
      expect(a).toBe(b)
    }
  })

  it('starts a seeded clock at a fixed time so a seed alone repeats the bytes', async () => {
    const {records} = await run({count: 10, seed: 1, profile: 'lab'})
    expect(records[0].time).toBeGreaterThanOrEqual(SEEDED_START)
    expect(records[0].time).toBeLessThan(SEEDED_START + 60_000)
  })

  it('differs for another seed, and from run to run without a seed', async () => {
    const seeded = (await run({count: 500, seed: 1, start: NOW})).lines.join('\n')
    expect((await run({count: 500, seed: 2, start: NOW})).lines.join('\n')).not.toBe(seeded)
    const a = await run({count: 500, start: NOW})
    const b = await run({count: 500, start: NOW})
    expect(a.lines.join('\n')).not.toBe(b.lines.join('\n'))
    expect(a.result.seed).not.toBe(b.result.seed)
    // The reported seed reproduces the run.
    expect((await run({count: 500, start: NOW, seed: a.result.seed})).lines).toEqual(a.lines)
  })
})

describe('generate: templates and errors', () => {
  const tempDir = useTempDir()

  it('renders a KDG template per record, dated by the event clock', async () => {
    const dir = await tempDir()
    const file = join(dir, 'click.json')
    await writeFile(file, '{\n  "ip": "{{internet.ip}}",\n  "n": {{random.number(9)}},\n  "ts": "{{date.utc("YYYY-MM-DD HH:mm:ss")}}"\n}\n')
    const {records, result} = await run({template: file, rate: 2, durationMs: 3_000, start: Date.UTC(2026, 10, 1, 8), seed: 5, curve: 'flat'})
    expect(records).toHaveLength(6)
    expect(result.format).toBe('template')
    for (const r of records) {
      const e = JSON.parse(r.data)
      expect(e.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
      expect(e.ts).toMatch(/^2026-11-01 08:00:0[0-2]$/)
    }
    const again = await run({template: file, rate: 2, durationMs: 3_000, start: Date.UTC(2026, 10, 1, 8), seed: 5, curve: 'flat'})
    expect(again.records.map((r) => r.data)).toEqual(records.map((r) => r.data))
  })

  it('rejects an unknown template helper with its file, line and column before writing anything', async () => {
    const dir = await tempDir()
    const file = join(dir, 'bad.tpl')
    await writeFile(file, '{"a": "{{internet.ip}}",\n "b": "{{random.nubmer(5)}}"}')
    const error = await run({template: file, count: 5}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).located).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:8: unknown template helper \\{\\{random\\.nubmer\\}\\}`))
    expect((error as InputError).suggestions.join(' ')).toContain('{{random.number}}')
  })

  it.each([
    [{profile: 'lab', format: 'apache'}, 'writes json, not apache'],
    [{profile: 'lab', ctr: 0.2}, '--ctr works with --profile ads'],
    [{anomaly: {at: {offsetMs: 1}, durationMs: 1}}, '--anomaly-at works with --profile ads'],
    [{rate: 0}, '--rate must be greater than 0'],
    [{thinkTimeMs: 5}, '--think-time must be at least'],
    [{template: 'x.tpl', users: 5}, 'a template draws every record on its own'],
  ] as Array<[Partial<GenerateOptions>, string]>)('rejects %j', async (options, message) => {
    const error = await run({count: 1, ...options}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain(message)
  })

  it('warns when --users is too small for the rate, and counts it', async () => {
    const {result, warnings} = await run({users: 10, rate: 100, durationMs: 60_000, start: NOW, seed: 1})
    expect(result.earlyReturns).toBeGreaterThan(0)
    expect(warnings.join('\n')).toContain('raise --users')
  })

  it('summarises honestly', async () => {
    const {result} = await run({count: 1234, seed: 3, start: NOW})
    expect(renderGenerateSummary(result)).toMatch(/^Wrote 1,234 records \(.+\) to memory in .+; unicorn-shop profile; [\d,]+ sessions from [\d,]+ visitors; seed 3\.$/)
  })
})
