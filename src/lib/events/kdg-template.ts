import {InputError, type SourceLocation} from '../core/errors.js'
import type {Random} from '../core/random.js'
import {MOMENT_DEFAULT_FORMAT, MOMENT_DEFAULT_FORMAT_UTC, compileMomentFormat} from './moment-format.js'

/**
 * Kinesis Data Generator templates: text with `{{module.method}}` and `{{module.method(ARGS)}}`
 * tokens, ARGS being JSON (or, as in KDG, a raw string when it is not JSON). Line breaks are
 * dropped, as KDG does, so every record is one line. Unlike KDG, a value produced by a helper is
 * not expanded again, and an unknown helper is an error naming its place before any record is made.
 *
 * Helpers: KDG's own (`date.now`, `date.utc`, `date.simTime`, `random.weightedArrayElement`),
 * the old faker.js names workshop templates use (`random.number`, `name.firstName`,
 * `address.city`, `internet.ip`, … mapped to today's faker), and any `module.method` of
 * @faker-js/faker itself. Dates are the record's event time (the simulated clock when one runs).
 */
export interface KdgTemplate {
  /** The helpers used, in order of appearance (for `--json` and tests). */
  readonly helpers: string[]
  /** Renders one record for the given event time. */
  render(time: number): string
}

interface Token {
  helper: string
  hasArgs: boolean
  args: unknown
  location: SourceLocation
  raw: string
}

type Part = string | ((time: number) => string)

type FakerLike = Record<string, unknown> & {seed(seed: number): unknown; setDefaultRefDate(date: number): void}

export interface TemplateOptions {
  /** Name shown in errors (the file path). */
  file: string
  random: Random
  /** Seeds faker, so that seeded runs repeat. */
  seed: number
  /** Reference time for faker's relative dates (date.past, date.recent, …). */
  referenceTime: number
}

/** Old faker.js (KDG's bundled copy) → @faker-js/faker 10. */
const FAKER_ALIASES: Record<string, {path: string; args?: unknown}> = {
  'name.firstName': {path: 'person.firstName'},
  'name.lastName': {path: 'person.lastName'},
  'name.findName': {path: 'person.fullName'},
  'name.fullName': {path: 'person.fullName'},
  'name.jobTitle': {path: 'person.jobTitle'},
  'name.jobArea': {path: 'person.jobArea'},
  'name.jobType': {path: 'person.jobType'},
  'name.prefix': {path: 'person.prefix'},
  'name.suffix': {path: 'person.suffix'},
  'name.title': {path: 'person.jobTitle'},
  'name.gender': {path: 'person.gender'},
  'address.zipCode': {path: 'location.zipCode'},
  'address.city': {path: 'location.city'},
  'address.streetName': {path: 'location.street'},
  'address.streetAddress': {path: 'location.streetAddress'},
  'address.secondaryAddress': {path: 'location.secondaryAddress'},
  'address.buildingNumber': {path: 'location.buildingNumber'},
  'address.county': {path: 'location.county'},
  'address.country': {path: 'location.country'},
  'address.countryCode': {path: 'location.countryCode'},
  'address.state': {path: 'location.state'},
  'address.stateAbbr': {path: 'location.state', args: {abbreviated: true}},
  'address.latitude': {path: 'location.latitude'},
  'address.longitude': {path: 'location.longitude'},
  'address.direction': {path: 'location.direction'},
  'address.timeZone': {path: 'location.timeZone'},
  'internet.ip': {path: 'internet.ipv4'},
  'internet.userName': {path: 'internet.username'},
  'company.companyName': {path: 'company.name'},
  'company.bs': {path: 'company.buzzPhrase'},
  'company.bsNoun': {path: 'company.buzzNoun'},
  'company.bsVerb': {path: 'company.buzzVerb'},
  'company.bsAdjective': {path: 'company.buzzAdjective'},
  'commerce.color': {path: 'color.human'},
  'finance.account': {path: 'finance.accountNumber'},
  'phone.phoneNumber': {path: 'phone.number'},
  'phone.phoneNumberFormat': {path: 'phone.number'},
  'random.word': {path: 'word.sample'},
  'random.words': {path: 'word.words'},
  'random.alphaNumeric': {path: 'string.alphanumeric'},
  'random.hexaDecimal': {path: 'string.hexadecimal'},
  'random.image': {path: 'image.url'},
  'image.imageUrl': {path: 'image.url'},
  'datatype.number': {path: 'number.int'},
  'datatype.float': {path: 'number.float'},
  'datatype.uuid': {path: 'string.uuid'},
  'datatype.boolean': {path: 'datatype.boolean'},
  'datatype.string': {path: 'string.sample'},
  'datatype.hexaDecimal': {path: 'string.hexadecimal'},
  'datatype.datetime': {path: 'date.anytime'},
}

type Builtin = (args: unknown, hasArgs: boolean, fail: (message: string) => never, random: Random) => (time: number) => string

function momentHelper(utc: boolean): Builtin {
  return (args, hasArgs, fail) => {
    if (hasArgs && typeof args !== 'string') fail('expects a moment.js format string, e.g. ("YYYY-MM-DD HH:mm:ss")')
    const format = compileMomentFormat(hasArgs ? (args as string) : utc ? MOMENT_DEFAULT_FORMAT_UTC : MOMENT_DEFAULT_FORMAT, utc)
    return format
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function formatNumber(value: number, precision: number): string {
  if (precision >= 1) return String(value)
  const decimals = Math.max(0, Math.round(-Math.log10(precision)))
  return value.toFixed(decimals)
}

/** Helpers implemented here: KDG's own, and the hot `random.*` ones (fast, seeded by `--seed`). */
const BUILTINS: Record<string, Builtin> = {
  'date.now': momentHelper(false),
  'date.simTime': momentHelper(false),
  'date.utc': momentHelper(true),
  'random.number': (args, hasArgs, fail, random) => {
    let min = 0
    let max = 99_999
    let precision = 1
    if (typeof args === 'number' && hasArgs) max = args
    else if (isRecord(args)) {
      if (args.min !== undefined) min = Number(args.min)
      if (args.max !== undefined) max = Number(args.max)
      if (args.precision !== undefined) precision = Number(args.precision)
    } else if (hasArgs) fail('expects a maximum (70) or {"min":…, "max":…, "precision":…}')
    if (![min, max, precision].every(Number.isFinite) || max < min || precision <= 0) fail(`has an empty or invalid range (min ${min}, max ${max}, precision ${precision})`)
    const steps = Math.floor((max - min) / precision)
    return () => formatNumber(min + random.int(0, steps) * precision, precision)
  },
  'random.arrayElement': (args, _hasArgs, fail, random) => {
    if (!Array.isArray(args) || args.length === 0) fail('expects a non-empty JSON array, e.g. (["GET","POST"])')
    const items = (args as unknown[]).map(String)
    return () => items[random.int(0, items.length - 1)]
  },
  'random.weightedArrayElement': (args, _hasArgs, fail, random) => {
    if (!isRecord(args) || !Array.isArray(args.weights) || !Array.isArray(args.data)) fail('expects {"weights":[…],"data":[…]}')
    const {weights, data} = args as {weights: unknown[]; data: unknown[]}
    if (weights.length !== data.length || data.length === 0) fail(`needs as many weights as data items (${weights.length} weights, ${data.length} items)`)
    const w = weights.map(Number)
    if (w.some((x) => !Number.isFinite(x) || x < 0)) fail('weights must be numbers >= 0')
    const items = data.map(String)
    return () => items[random.weightedIndex(w)]
  },
  'random.boolean': (_args, _hasArgs, _fail, random) => () => String(random.chance(0.5)),
  'random.uuid': (_args, _hasArgs, _fail, random) => () => {
    const h = random.hex(32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[random.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`
  },
}

const TOKEN_BODY = /^\s*([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\s*(?:\(([\s\S]*)\))?\s*$/

/** Finds the tokens and literal text of a template, with each token's line and column. */
function scan(text: string, file: string): Array<string | Token> {
  const parts: Array<string | Token> = []
  let pos = 0
  let line = 1
  let lineStart = 0
  const advanceTo = (end: number) => {
    for (let i = pos; i < end; i++) {
      if (text.charCodeAt(i) === 10) {
        line++
        lineStart = i + 1
      }
    }
    pos = end
  }
  for (;;) {
    const open = text.indexOf('{{', pos)
    if (open < 0) {
      parts.push(text.slice(pos))
      break
    }
    parts.push(text.slice(pos, open))
    advanceTo(open)
    const location = {file, line, column: open - lineStart + 1}
    const close = text.indexOf('}}', open + 2)
    if (close < 0) throw new InputError("'{{' is never closed with '}}'", {location, suggestions: ['Write helpers as {{module.method}} or {{module.method(args)}}.']})
    const raw = text.slice(open, close + 2)
    const m = TOKEN_BODY.exec(text.slice(open + 2, close))
    if (!m) {
      throw new InputError(`malformed helper ${raw}: expected {{module.method}} or {{module.method(args)}}`, {location})
    }
    let helper = `${m[1]}.${m[2]}`
    if (helper === 'current.timestamp') helper = 'date.now' // KDG's legacy name
    const argText = m[3]?.replace(/[\r\n]/g, '')
    const hasArgs = argText !== undefined && argText.trim() !== ''
    let args: unknown
    if (hasArgs) {
      try {
        args = JSON.parse(argText)
      } catch {
        args = argText // KDG passes text that is not JSON as it is
      }
    }
    parts.push({helper, hasArgs, args, location, raw})
    advanceTo(close + 2)
  }
  return parts
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1))
      prev = tmp
    }
  }
  return dp[b.length]
}

function fakerNames(faker: FakerLike | undefined): string[] {
  if (!faker) return []
  const names: string[] = []
  for (const [module, value] of Object.entries(faker)) {
    if (typeof value !== 'object' || value === null || module.startsWith('_')) continue
    let proto: object | null = value
    while (proto && proto !== Object.prototype) {
      for (const method of Object.getOwnPropertyNames(proto)) {
        if (method !== 'constructor' && !method.startsWith('_') && typeof (value as Record<string, unknown>)[method] === 'function') names.push(`${module}.${method}`)
      }
      proto = Object.getPrototypeOf(proto)
    }
  }
  return names
}

function lookupFaker(faker: FakerLike, path: string): {target: object; fn: (...args: unknown[]) => unknown} | undefined {
  const [module, method] = path.split('.')
  if (!Object.hasOwn(faker, module) || module.startsWith('_')) return undefined
  const target = faker[module]
  if (typeof target !== 'object' || target === null || method.startsWith('_')) return undefined
  const fn = (target as Record<string, unknown>)[method]
  if (typeof fn !== 'function' || Object.hasOwn(Object.prototype, method)) return undefined
  return {target, fn: fn as (...args: unknown[]) => unknown}
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}

/** Parses and checks a template; faker is loaded only when a token needs it. */
export async function compileKdgTemplate(text: string, options: TemplateOptions): Promise<KdgTemplate> {
  const scanned = scan(text, options.file)
  const tokens = scanned.filter((p): p is Token => typeof p !== 'string')
  let faker: FakerLike | undefined
  if (tokens.some((t) => !(t.helper in BUILTINS))) {
    const {Faker, en, base} = await import('@faker-js/faker')
    const instance = new Faker({locale: [en, base]})
    instance.seed(options.seed)
    instance.setDefaultRefDate(options.referenceTime)
    faker = instance as unknown as FakerLike
  }
  const parts: Part[] = []
  for (const part of scanned) {
    if (typeof part === 'string') {
      const literal = part.replace(/[\r\n]/g, '')
      if (literal === '') continue
      if (typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += literal
      else parts.push(literal)
      continue
    }
    parts.push(compileToken(part, faker, options))
  }
  return {
    helpers: tokens.map((t) => t.helper),
    render(time: number): string {
      let out = ''
      for (const p of parts) out += typeof p === 'string' ? p : p(time)
      return out
    },
  }
}

function compileToken(token: Token, faker: FakerLike | undefined, options: TemplateOptions): (time: number) => string {
  const fail = (message: string): never => {
    throw new InputError(`${token.raw} ${message}`, {location: token.location})
  }
  const builtin = BUILTINS[token.helper]
  if (builtin) return builtin(token.args, token.hasArgs, fail, options.random)
  const alias = FAKER_ALIASES[token.helper]
  const found = faker && lookupFaker(faker, alias?.path ?? token.helper)
  if (!found) {
    const known = [...Object.keys(BUILTINS), ...Object.keys(FAKER_ALIASES), ...fakerNames(faker)]
    const close = known
      .map((name) => ({name, d: editDistance(token.helper, name)}))
      .filter((c) => c.d <= Math.max(2, Math.floor(token.helper.length / 4)))
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map((c) => `{{${c.name}}}`)
    throw new InputError(`unknown template helper {{${token.helper}}}`, {
      location: token.location,
      suggestions: [
        close.length > 0 ? `Did you mean ${close.join(' or ')}?` : 'Helpers are KDG\'s (date.now, date.utc, random.number, random.arrayElement, random.weightedArrayElement) and faker\'s module.method names (internet.ip, name.firstName, …).',
      ],
    })
  }
  const {target, fn} = found
  const args = alias?.args ?? token.args
  const hasArgs = alias?.args !== undefined || token.hasArgs
  return () => {
    try {
      return stringify(hasArgs ? fn.call(target, args) : fn.call(target))
    } catch (error) {
      throw new InputError(`${token.raw} failed: ${(error as Error).message}`, {location: token.location, cause: error})
    }
  }
}
