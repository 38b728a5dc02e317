import {readFile} from 'node:fs/promises'
import {ExternalServiceError, NotFoundError, UsageError} from '../core/errors.js'
import {Random} from '../core/random.js'
import {formatBytes, formatCount, formatDuration, type Speed} from '../core/units.js'
import {openSink as defaultOpenSink} from '../targets/index.js'
import type {OutRecord, Sink, TargetContext} from '../targets/types.js'
import type {TargetSpec} from '../targets/spec.js'
import {compileKdgTemplate} from './kdg-template.js'
import {Population} from './population.js'
import {CATEGORIES, SEARCH_TERMS, makeProducts} from './pools.js'
import {DEFAULT_ANOMALY_CTR, DEFAULT_CTR, DEFAULT_PROFILE, PROFILES, type CtrAnomaly, type Profile, type ProfileName, type RecordFormat} from './profiles.js'
import {EventSchedule, type TrafficCurve} from './schedule.js'
import {ClickSimulator, expectedSessionLength} from './simulator.js'

/** Where a seeded run's clock starts when no `--start` is given, so its bytes repeat. */
export const SEEDED_START = Date.UTC(2026, 0, 1)
/** Events per second of event time when no `--rate` is given. */
export const DEFAULT_LEVEL = 10
/** The largest population sized automatically (about 30 MB of visitors). */
export const MAX_AUTO_USERS = 200_000
const PRODUCTS = 240

export type StopReason = 'count' | 'duration' | 'interrupted' | 'reader-closed'

export interface GenerateOptions {
  to: TargetSpec
  profile?: ProfileName
  format?: RecordFormat
  /** A Kinesis Data Generator template file; replaces the profile. */
  template?: string
  count?: number
  durationMs?: number
  /** Records per second of event time (the traffic level). */
  rate?: number
  speed?: Speed
  /** Event-time start, epoch ms. */
  start?: number
  seed?: number
  users?: number
  thinkTimeMs?: number
  sessionGapMs?: number
  curve?: TrafficCurve
  /** Ads: clicks per impression. */
  ctr?: number
  /** Ads: a click-through spike, at a time or an offset from the start. */
  anomaly?: {at: {time: number} | {offsetMs: number}; durationMs: number; ctr?: number}
  /** Records per write (default 1000). */
  batchSize?: number
}

export interface GenerateDeps {
  ctx: TargetContext
  /** Ends the run cleanly (Ctrl-C): what was made so far is delivered and reported. */
  signal?: AbortSignal
  openSink?: (spec: TargetSpec, ctx: TargetContext) => Promise<Sink>
}

export interface GenerateResult {
  target: string
  profile: ProfileName | null
  template: string | null
  format: RecordFormat | 'template'
  seed: number
  records: number
  bytes: number
  /** Records the target refused after its retries (always 0 for stdout and files). */
  failed: number
  durationMs: number
  recordsPerSecond: number
  firstEventTime: string | null
  lastEventTime: string | null
  stoppedBy: StopReason
  /** Size of the visitor population (0 for templates). */
  visitors: number
  sessions: number
  /** Sessions that began before their visitor's session gap had passed (population too small for the rate). */
  earlyReturns: number
}

/** How the run's clock and pace were resolved from the options. */
export interface GenerationPlan {
  seed: number
  /** Event time of the first slot. */
  start: number
  /** Events per second of event time. */
  level: number
  curve: TrafficCurve
  speed: Speed
  /** Output waits for the real clock (speed is a number). */
  paced: boolean
  /** Events are stamped with the real clock as they are made (no rate, start, speed or seed given). */
  stampWithNow: boolean
  users: number
}

/** Resolves defaults: see the `generate` command's flag descriptions for the rules in words. */
export function planGeneration(options: GenerateOptions, now: number, profile: Profile | undefined, randomSeed: () => number): GenerationPlan {
  if (options.count !== undefined && (!Number.isInteger(options.count) || options.count < 0)) throw new UsageError('--count must be a whole number >= 0.')
  if (options.rate !== undefined && !(options.rate > 0)) throw new UsageError('--rate must be greater than 0.')
  if (options.durationMs !== undefined && !(options.durationMs > 0)) throw new UsageError('--duration must be longer than 0.')
  if (options.users !== undefined && !(Number.isInteger(options.users) && options.users > 0)) throw new UsageError('--users must be a whole number > 0.')
  const explicitStart = options.start !== undefined
  const paced = options.speed !== undefined ? options.speed !== 'max' : options.rate !== undefined && !explicitStart
  const speed: Speed = options.speed ?? (paced ? 1 : 'max')
  const seededStart = !explicitStart && !paced && options.seed !== undefined
  const start = options.start ?? (seededStart ? SEEDED_START : now)
  const stampWithNow = !explicitStart && options.speed === undefined && options.rate === undefined && options.seed === undefined
  const level = options.rate ?? DEFAULT_LEVEL
  const curve = options.curve ?? (explicitStart || seededStart ? 'daily' : 'flat')
  let users = options.users ?? 0
  if (profile && options.users === undefined) {
    const think = options.thinkTimeMs ?? profile.thinkTimeMs
    const gap = options.sessionGapMs ?? profile.sessionGapMs
    const length = expectedSessionLength()
    const peakSessionsPerSecond = (level * (curve === 'daily' ? 1.9 : 1)) / length
    const needed = Math.ceil(peakSessionsPerSecond * ((gap + length * think) / 1000) * 2.5)
    users = Math.min(MAX_AUTO_USERS, Math.max(profile.minUsers, needed))
  }
  return {seed: options.seed ?? randomSeed(), start, level, curve, speed, paced, stampWithNow, users}
}

interface Producer {
  produce(slotTime: number, stampTime: number): OutRecord
}

/**
 * `clickstream generate`: realistic click traffic from a visitor population (or a KDG template),
 * paced against absolute time and written to any target in batches.
 */
export async function generate(options: GenerateOptions, deps: GenerateDeps): Promise<GenerateResult> {
  const {ctx, signal} = deps
  const clock = ctx.clock
  if (options.template !== undefined && options.profile !== undefined) throw new UsageError('--template and --profile cannot be combined: the template decides what records look like.')
  const profile = options.template === undefined ? resolveProfile(options) : undefined
  if (!profile && (options.users !== undefined || options.thinkTimeMs !== undefined || options.sessionGapMs !== undefined)) {
    throw new UsageError('--users, --think-time and --session-gap shape the visitors of a profile; a template draws every record on its own.')
  }
  if (options.anomaly && profile?.name !== 'ads') throw new UsageError('--anomaly-at works with --profile ads (click-through spikes).')
  if (options.ctr !== undefined && profile?.name !== 'ads') throw new UsageError('--ctr works with --profile ads.')
  const thinkTimeMs = options.thinkTimeMs ?? profile?.thinkTimeMs ?? 0
  if (profile && !(thinkTimeMs >= 100)) throw new UsageError('--think-time must be at least 100ms.')
  const sessionGapMs = options.sessionGapMs ?? profile?.sessionGapMs ?? 0
  const startedAt = clock.now()
  const plan = planGeneration(options, startedAt, profile, () => new Random().seed)
  const random = new Random(plan.seed)
  const schedule = new EventSchedule(plan.start, plan.stampWithNow ? DEFAULT_LEVEL : plan.level, plan.curve, random.fork('schedule'))

  let producer: Producer
  let simulator: ClickSimulator | undefined
  if (profile) {
    const ctr = options.ctr ?? DEFAULT_CTR
    if (!(ctr >= 0)) throw new UsageError('--ctr must be a number >= 0 (clicks per impression, e.g. 0.1).')
    let anomaly: CtrAnomaly | undefined
    if (options.anomaly) {
      const {at, durationMs} = options.anomaly
      const from = 'time' in at ? at.time : plan.start + at.offsetMs
      anomaly = {from, to: from + durationMs, ctr: options.anomaly.ctr ?? DEFAULT_ANOMALY_CTR}
    }
    const world = random.fork('world')
    const products = makeProducts(world, PRODUCTS)
    const population = new Population(world, {size: plan.users, registeredShare: profile.registeredShare})
    simulator = new ClickSimulator(random.fork('visits'), population, {
      thinkTimeMs,
      sessionGapMs,
      products: products.length,
      categories: CATEGORIES.length,
      searchTerms: SEARCH_TERMS.length,
      healthChecks: profile.healthChecks,
    })
    const render = profile.renderer({random: random.fork('render'), products, visitors: population.size, settings: {ctr, anomaly}})
    const sim = simulator
    producer = {produce: (slot, stamp) => render(sim.next(slot), stamp)}
  } else {
    const file = options.template as string
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no such template file: ${file}`, {suggestions: ['Examples to start from are in templates/kdg/.']})
      throw new ExternalServiceError('file system', `cannot read the template ${file}: ${(error as Error).message}`, {cause: error})
    }
    const keys = random.fork('keys')
    const template = await compileKdgTemplate(text, {file, random: random.fork('template'), seed: plan.seed, referenceTime: plan.start})
    producer = {produce: (_slot, stamp) => ({data: template.render(stamp), time: stamp, partitionKey: String(keys.uint32())})}
  }

  const sink = await (deps.openSink ?? defaultOpenSink)(options.to, ctx)
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  const limit = options.count ?? Number.POSITIVE_INFINITY
  const end = options.durationMs === undefined ? Number.POSITIVE_INFINITY : plan.start + options.durationMs
  const speed = plan.speed === 'max' ? Number.POSITIVE_INFINITY : plan.speed
  let records = 0
  let first: number | undefined
  let last: number | undefined
  let pending: number | undefined
  let stoppedBy: StopReason | undefined
  let report
  try {
    while (stoppedBy === undefined) {
      const now = clock.now()
      // The event time the real clock has reached: output never runs ahead of it.
      const horizon = plan.paced ? plan.start + (now - startedAt) * speed : Number.POSITIVE_INFINITY
      const stamp = plan.stampWithNow ? Math.max(now, last ?? now) : 0
      const batch: OutRecord[] = []
      while (batch.length < batchSize) {
        if (records + batch.length >= limit) {
          stoppedBy = 'count'
          break
        }
        // --duration is event time; when records carry the real clock, that is the clock's time.
        const over = plan.stampWithNow ? now - startedAt >= (options.durationMs ?? Number.POSITIVE_INFINITY) : pending === undefined && schedule.nextSlotStart >= end
        if (over) {
          stoppedBy = 'duration'
          break
        }
        pending ??= schedule.next()
        if (pending > horizon) break
        const record = producer.produce(pending, plan.stampWithNow ? stamp : Math.floor(pending))
        pending = undefined
        batch.push(record)
      }
      if (batch.length > 0) {
        await sink.write(batch)
        records += batch.length
        first ??= batch[0].time
        last = batch[batch.length - 1].time
        if ((sink as {closedByReader?: boolean}).closedByReader) stoppedBy = 'reader-closed'
      }
      if (signal?.aborted) stoppedBy ??= 'interrupted'
      if (stoppedBy !== undefined) break
      if (plan.paced && pending !== undefined && pending > horizon) {
        const deadline = startedAt + (pending - plan.start) / speed
        await clock.sleep(Math.max(1, Math.ceil(deadline - clock.now())), signal)
      } else {
        // Let I/O events (a closed pipe, Ctrl-C) through between batches.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
  } finally {
    report = await sink.close()
  }
  const durationMs = clock.now() - startedAt
  const stats = simulator?.stats
  if (stats && stats.earlyReturns + stats.hurriedEvents > 0) {
    ctx.warn?.(
      `${formatCount(stats.earlyReturns + stats.hurriedEvents)} events came sooner than the session shape allows (think time or session gap), because ${formatCount(plan.users)} visitors are too few for this rate; raise --users.`,
    )
  }
  return {
    target: report.target,
    profile: profile?.name ?? null,
    template: options.template ?? null,
    format: profile?.format ?? 'template',
    seed: plan.seed,
    records,
    bytes: report.bytes,
    failed: report.failed,
    durationMs,
    recordsPerSecond: durationMs > 0 ? Math.round((records * 1000) / durationMs) : records,
    firstEventTime: first === undefined ? null : new Date(first).toISOString(),
    lastEventTime: last === undefined ? null : new Date(last).toISOString(),
    stoppedBy: stoppedBy ?? 'count',
    visitors: simulator?.population.size ?? 0,
    sessions: stats?.sessions ?? 0,
    earlyReturns: stats ? stats.earlyReturns + stats.hurriedEvents : 0,
  }
}

function resolveProfile(options: GenerateOptions): Profile {
  const name = options.profile ?? DEFAULT_PROFILE[options.format ?? 'apache']
  const profile = PROFILES[name]
  if (options.format !== undefined && profile.format !== options.format) {
    const matching = Object.values(PROFILES).filter((p) => p.format === options.format).map((p) => p.name)
    throw new UsageError(`the ${name} profile writes ${profile.format}, not ${options.format}.`, {
      suggestions: [`Leave out --format, or pick a profile that writes ${options.format}: ${matching.join(', ')}.`],
    })
  }
  return profile
}

/** The one-line summary shown on stderr when the records went somewhere other than stdout. */
export function renderGenerateSummary(result: GenerateResult): string {
  const what = result.profile ? `${result.profile} profile` : `template ${result.template}`
  const failed = result.failed > 0 ? `, ${formatCount(result.failed)} refused by the target` : ''
  const stop = result.stoppedBy === 'interrupted' ? ' (interrupted)' : ''
  const sessions = result.sessions > 0 ? `; ${formatCount(result.sessions)} sessions from ${formatCount(result.visitors)} visitors` : ''
  return (
    `Wrote ${formatCount(result.records)} records (${formatBytes(result.bytes)}) to ${result.target} in ${formatDuration(result.durationMs)} ` +
    `(${formatCount(result.recordsPerSecond)}/s)${failed}${stop}; ${what}${sessions}; seed ${result.seed}.`
  )
}
