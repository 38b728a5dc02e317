import {Flags} from '@oclif/core'
import {BaseCommand, awsFlagsNoProfile, workspaceFlag} from '../lib/cli/base-command.js'
import {UsageError} from '../lib/core/errors.js'
import {parseDuration, parseSpeed, parseTime} from '../lib/core/units.js'
import {generate, renderGenerateSummary, type GenerateOptions, type GenerateResult} from '../lib/events/generate.js'
import {PROFILE_NAMES, RECORD_FORMATS, type ProfileName, type RecordFormat} from '../lib/events/profiles.js'
import {TRAFFIC_CURVES, type TrafficCurve} from '../lib/events/schedule.js'
import {parseTarget, TARGET_SYNTAX} from '../lib/targets/index.js'

export type {GenerateResult}

export default class Generate extends BaseCommand {
  static override description = `Visitors come back with the same address, browser and device. Their sessions are a few clicks, seconds apart, along browse → product → cart → checkout; a visitor's next session starts minutes later.

Profiles come from the workshops: unicorn-shop (Apache combined log with the cookie field; the default for --format apache), lab (the default for --format json), beverage, and ads (a click-through rate set by --ctr, with --anomaly-at spikes). --template FILE renders a Kinesis Data Generator template instead.

Time: without --rate, --start, --speed or --seed, records are made as fast as possible and carry the current time. --rate N paces output at N records per second against the clock, without drift. --start runs a simulated clock from that time, with a daily traffic curve, as fast as possible unless --speed says otherwise. --seed makes the output byte-identical from run to run; without --start or a pace, a seeded clock starts at 2026-01-01T00:00:00Z.

Records go to stdout, or to --to ${TARGET_SYNTAX}. A summary goes to stderr when stdout is not carrying the records.`

  static override examples = [
    {description: 'A thousand Apache log lines of the unicorn shop', command: '<%= config.bin %> <%= command.id %> --count 1000'},
    {description: 'Live lab events, 50 per second, for ten minutes, into a local stream', command: '<%= config.bin %> <%= command.id %> --profile lab --rate 50 --duration 10m --to local:clicks'},
    {description: 'A whole day of traffic with its daily curve, in seconds, reproducible', command: '<%= config.bin %> <%= command.id %> --start 2026-11-01 --duration 24h --rate 20 --seed 7 --to file:day.log.gz'},
    {description: 'Ad impressions and clicks with a click-through spike after five minutes', command: '<%= config.bin %> <%= command.id %> --profile ads --rate 20 --anomaly-at 5m --anomaly-for 30s'},
    {description: 'A Kinesis Data Generator template (examples in templates/kdg/), 100 records per second', command: '<%= config.bin %> <%= command.id %> --template templates/kdg/apache-access.tpl --rate 100 --count 5000'},
  ]

  static override flags = {
    'anomaly-at': Flags.string({description: 'ads: start a click-through spike at this time, or this long after the start (e.g. 5m).', helpGroup: 'ADS'}),
    'anomaly-ctr': Flags.string({description: 'ads: clicks per impression during the spike. [default: 0.6]', helpGroup: 'ADS', dependsOn: ['anomaly-at']}),
    'anomaly-for': Flags.string({description: 'ads: how long the spike lasts. [default: 30s]', helpGroup: 'ADS', dependsOn: ['anomaly-at']}),
    count: Flags.integer({char: 'n', description: 'Stop after exactly this many records.', min: 0}),
    ctr: Flags.string({description: 'ads: clicks per impression outside spikes. [default: 0.1]', helpGroup: 'ADS'}),
    curve: Flags.string({description: 'Traffic over the day: flat, or daily (quiet nights, evening peak). Default: daily with --start or --seed, else flat.', options: [...TRAFFIC_CURVES]}),
    duration: Flags.string({char: 'd', description: 'Stop after this much event time, e.g. 30s, 10m, 24h.'}),
    format: Flags.string({description: 'Record format; picks the default profile (apache: unicorn-shop, json: lab).', options: [...RECORD_FORMATS]}),
    profile: Flags.string({char: 'p', description: 'Traffic profile.', options: [...PROFILE_NAMES], exclusive: ['template']}),
    rate: Flags.string({char: 'r', description: 'Records per second of event time. Without --start, output is paced at this rate.'}),
    seed: Flags.integer({description: 'Seed for every random choice; same seed and flags, same bytes. Printed in the summary.', min: 0, max: 4_294_967_295}),
    'session-gap': Flags.string({description: "Shortest pause between two sessions of the same visitor (default: the profile's, e.g. 30m).", helpGroup: 'SESSIONS'}),
    speed: Flags.string({description: 'How fast the event clock runs: 1 = real time, 60 = an hour per minute, max = as fast as possible. Default: max with --start, 1 with --rate.'}),
    start: Flags.string({description: 'Event time of the first record (2026-11-01, 2026-11-01T08:00:00Z, now); runs a simulated clock.'}),
    template: Flags.string({char: 't', description: 'Kinesis Data Generator template file ({{internet.ip}}, {{date.now("…")}}, {{random.number(…)}}, …).', exclusive: ['profile', 'format']}),
    'think-time': Flags.string({description: "Mean pause between two clicks of a session (default: the profile's, e.g. 10s).", helpGroup: 'SESSIONS'}),
    to: Flags.string({description: `Where records go: ${TARGET_SYNTAX}.`, default: '-'}),
    users: Flags.integer({char: 'u', description: 'Number of distinct visitors (default: enough for the rate and session gap).', min: 1, helpGroup: 'SESSIONS'}),
    ...awsFlagsNoProfile,
    ...workspaceFlag,
  }

  static override summary = 'Generate realistic click traffic: Apache log lines or JSON events from returning visitors.'

  async run(): Promise<GenerateResult> {
    const {flags} = await this.parse(Generate)
    const to = parseTarget(flags.to, '--to')
    if (this.jsonEnabled() && to.kind === 'stdio') {
      throw new UsageError('--json prints the result on stdout, which is carrying the records.', {suggestions: ['Send the records elsewhere with --to file:PATH or --to local:NAME.']})
    }
    const options: GenerateOptions = {
      to,
      profile: flags.profile as ProfileName | undefined,
      format: flags.format as RecordFormat | undefined,
      template: flags.template,
      count: flags.count,
      durationMs: flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration'),
      rate: flags.rate === undefined ? undefined : parsePositive(flags.rate.replace(/\/s$/, ''), '--rate', 'records per second, e.g. 50'),
      speed: flags.speed === undefined ? undefined : parseSpeed(flags.speed, '--speed'),
      start: flags.start === undefined ? undefined : parseTime(flags.start, '--start', this.clock.now()),
      seed: flags.seed,
      users: flags.users,
      thinkTimeMs: flags['think-time'] === undefined ? undefined : parseDuration(flags['think-time'], '--think-time'),
      sessionGapMs: flags['session-gap'] === undefined ? undefined : parseDuration(flags['session-gap'], '--session-gap'),
      curve: flags.curve as TrafficCurve | undefined,
      ctr: flags.ctr === undefined ? undefined : parseRatio(flags.ctr, '--ctr'),
      anomaly:
        flags['anomaly-at'] === undefined
          ? undefined
          : {
              at: parseMoment(flags['anomaly-at'], this.clock.now()),
              durationMs: parseDuration(flags['anomaly-for'] ?? '30s', '--anomaly-for'),
              ctr: flags['anomaly-ctr'] === undefined ? undefined : parseRatio(flags['anomaly-ctr'], '--anomaly-ctr'),
            },
    }
    return this.interruptible(async (signal) => {
      const result = await generate(options, {ctx: this.targetContext(flags), signal})
      if (!this.jsonEnabled() && to.kind !== 'stdio') process.stderr.write(`${renderGenerateSummary(result)}\n`)
      return result
    })
  }
}

function parsePositive(text: string, flag: string, hint: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} expects a number greater than 0 (${hint}); got '${text}'.`)
  return value
}

function parseRatio(text: string, flag: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`${flag} expects clicks per impression, a number >= 0 such as 0.1; got '${text}'.`)
  return value
}

/** `--anomaly-at`: an offset from the start (5m) or a point in time. */
function parseMoment(text: string, now: number): {offsetMs: number} | {time: number} {
  if (/^\s*\d+(\.\d+)?\s*(ms|s|sec|m|min|h|d)/.test(text)) return {offsetMs: parseDuration(text, '--anomaly-at')}
  return {time: parseTime(text, '--anomaly-at', now)}
}
