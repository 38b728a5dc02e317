/**
 * Reads the values of a few top-level keys out of JSON object records, for the input mapper's hot
 * path, where building every record with JSON.parse cost more than all the rest.
 *
 * Records of one stream nearly always share one shape: the same keys in the same order, each
 * holding the same kind of value. From a record that JSON.parse has read, the reader compiles
 * that shape into a regular expression (a template) which matches exactly the texts JSON.parse
 * accepts with those keys in that order and captures the wanted values; V8 runs it as native
 * code, so later records of the shape are validated and read without building an object. A
 * record that matches none of the templates goes through JSON.parse, as before.
 *
 * What a template matches is a valid JSON object with just those keys, once each, so the
 * captured values are exactly what JSON.parse(record)[key] gives: strings are decoded by
 * JSON.parse when they hold escapes, numbers by Number() (which reads JSON's number grammar to
 * the same double as JSON.parse) unless they are short integers.
 */

/**
 * Fills `values[slot]` with `JSON.parse(data)[keys[slot]]` for each slot (undefined when
 * absent). Returns false, leaving `values` undefined, when `data` is not a JSON object: the caller
 * parses it again to say why.
 */
export type FlatJsonReader = (data: string, values: unknown[]) => boolean

/** Templates kept per reader; the least recently used one makes room for a new shape. */
const MAX_TEMPLATES = 8
/**
 * A template that did not match the very record it was made from (its text has escaped keys,
 * integer-like keys that JSON.parse lists first, duplicates) is not compiled again for that shape
 * after this many tries, until the tries are forgotten every FORGET_WINDOWS windows.
 */
const MAX_FAILED_COMPILES = 2
const FORGET_WINDOWS = 16
const MAX_FAILED_SHAPES = 1024
/** Records with more keys are not worth a template. */
const MAX_TEMPLATE_KEYS = 256
/**
 * When fewer than half of a WINDOW of records match a template (shapes vary too much), the reader
 * sets templates aside for a window, then two, four, ... up to MAX_PAUSE windows while that goes
 * on, so that such streams cost hardly more than JSON.parse; a good window ends it.
 */
const WINDOW = 256
const MAX_PAUSE = 16
/** Strings at least this long come out of a match as slices of the record: see `ownCopy`. */
const SLICED_LENGTH = 13

// JSON's grammar (RFC 8259) as regular expression source. No `u` flag: classes then match UTF-16
// code units, lone surrogates included, as JSON.parse reads them.
const SPACE = String.raw`[ \t\n\r]*`
const PLAIN_STRING_BODY = String.raw`[^"\\\x00-\x1f]*`
const STRING_BODY = String.raw`[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*`
const NUMBER = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`
const SCALAR = `"${STRING_BODY}"|${NUMBER}|true|false|null`

/** How a template reads a wanted value, by the kind of value the record it was made from had. */
const PLAIN_STRING = 0
const STRING = 1
const NUMERIC = 2
const LITERAL = 3
type Kind = typeof PLAIN_STRING | typeof STRING | typeof NUMERIC | typeof LITERAL

const VALUE_PATTERNS: Record<Kind, string> = {
  [PLAIN_STRING]: `"(${PLAIN_STRING_BODY})"`,
  [STRING]: `"(${STRING_BODY})"`,
  [NUMERIC]: `(${NUMBER})`,
  [LITERAL]: '(true|false|null)',
}

interface Template {
  signature: string
  pattern: RegExp
  /** Per capture group (group g + 1): the slot its value fills and how to read it. */
  slots: number[]
  kinds: Kind[]
  lastUsed: number
}

/** A key that can appear in record text as itself (it needs no escapes). */
const PLAIN_KEY = new RegExp(`^${PLAIN_STRING_BODY}$`)

/** A key as a pattern: every character but [A-Za-z0-9_] as a \uXXXX escape. */
const keyPattern = (key: string) => key.replace(/[^A-Za-z0-9_]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * A string that holds no part of the record: V8 returns longer substrings as slices that keep
 * their whole parent alive (a line keeps the read chunk it came from), where JSON.parse would
 * have made a string of their own.
 */
const ownCopy = (s: string) => (s.length < SLICED_LENGTH ? s : (s + ' ').slice(0, -1))

/** A JSON number's text as JSON.parse reads it; short integers without a call to Number(). */
function readNumber(raw: string): number {
  const length = raw.length
  // At most 15 digits: the sum below is exact (< 2^53), as the correctly rounded parse is.
  if (length > 15) return Number(raw)
  const negative = raw.charCodeAt(0) === 0x2d
  let n = 0
  for (let i = negative ? 1 : 0; i < length; i++) {
    const digit = raw.charCodeAt(i) - 0x30
    if (digit < 0 || digit > 9) return Number(raw)
    n = n * 10 + digit
  }
  // -0 stays -0, as JSON.parse has it.
  return negative ? -n : n
}

function readString(raw: string): string {
  return raw.indexOf('\\') < 0 ? ownCopy(raw) : (JSON.parse(`"${raw}"`) as string)
}

/**
 * Builds the reader for `keys`: slot k of `values` gets the value of `keys[k]`. The keys must be
 * distinct and own properties only: `record[key]` must not reach Object.prototype.
 */
export function createFlatJsonReader(keys: readonly string[]): FlatJsonReader {
  const slotCount = keys.length
  const slotByName = new Map<string, number>()
  keys.forEach((k, slot) => slotByName.set(k, slot))
  const templates: Template[] = []
  const failedCompiles = new Map<string, number>()
  let windows = 0
  let current: Template | undefined
  let records = 0
  let attempts = 0
  let hits = 0
  let pausedUntil = 0
  let pause = 0

  /**
   * The template for records with these keys in this order, the wanted ones holding these kinds
   * of values (undefined: not wanted). A strict template takes no whitespace and no escapes in
   * wanted strings (the fastest to match and read); a lenient one takes both.
   */
  const compile = (names: string[], kinds: Array<Kind | undefined>, lenient: boolean, signature: string): Template => {
    const gap = lenient ? SPACE : ''
    const slots: number[] = []
    const groupKinds: Kind[] = []
    const members = names.map((name, i) => {
      let kind = kinds[i]
      if (kind === undefined) return `"${keyPattern(name)}"${gap}:${gap}(?:${SCALAR})`
      if (kind === PLAIN_STRING && lenient) kind = STRING
      slots.push(slotByName.get(name)!)
      groupKinds.push(kind)
      return `"${keyPattern(name)}"${gap}:${gap}${VALUE_PATTERNS[kind]}`
    })
    // No two whitespace runs side by side (as `{ }` would have): matching them is quadratic.
    const body = members.length === 0 ? '' : `${members.join(`${gap},${gap}`)}${gap}`
    const pattern = new RegExp(`^${gap}\\{${gap}${body}\\}${gap}$`)
    return {signature, pattern, slots, kinds: groupKinds, lastUsed: records}
  }

  /** After JSON.parse: keeps a template for this record's shape, when one matches it. */
  const learn = (record: Record<string, unknown>, data: string) => {
    const names = Object.keys(record)
    if (names.length > MAX_TEMPLATE_KEYS) return
    const kinds: Array<Kind | undefined> = []
    for (const name of names) {
      if (!PLAIN_KEY.test(name)) return
      const v = record[name]
      // Nested values have no regular expression.
      if (typeof v === 'object' && v !== null) return
      if (!slotByName.has(name)) kinds.push(undefined)
      else kinds.push(typeof v === 'string' ? PLAIN_STRING : typeof v === 'number' ? NUMERIC : LITERAL)
    }
    const shape = JSON.stringify([names, kinds])
    for (const lenient of [false, true]) {
      const signature = `${lenient}${shape}`
      // Every template was tried on this record, so one of this signature did not match it.
      if (templates.some((t) => t.signature === signature)) continue
      const failed = failedCompiles.get(signature) ?? 0
      if (failed >= MAX_FAILED_COMPILES) continue
      const template = compile(names, kinds, lenient, signature)
      if (!template.pattern.test(data)) {
        if (failedCompiles.size >= MAX_FAILED_SHAPES) failedCompiles.clear()
        failedCompiles.set(signature, failed + 1)
        continue
      }
      if (templates.length >= MAX_TEMPLATES) {
        const oldest = templates.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a))
        templates.splice(templates.indexOf(oldest), 1)
      }
      templates.push(template)
      current = template
      return
    }
  }

  const match = (data: string): RegExpExecArray | null => {
    if (current !== undefined) {
      const m = current.pattern.exec(data)
      if (m !== null) return m
    }
    for (const t of templates) {
      if (t === current) continue
      const m = t.pattern.exec(data)
      if (m !== null) {
        current = t
        return m
      }
    }
    return null
  }

  return (data, values) => {
    for (let s = 0; s < slotCount; s++) values[s] = undefined
    records++
    const templated = records >= pausedUntil
    if (templated) {
      const m = templates.length > 0 ? match(data) : null
      if (m !== null) hits++
      if (++attempts === WINDOW) {
        pause = 2 * hits < attempts ? Math.min(MAX_PAUSE, Math.max(1, 2 * pause)) : 0
        pausedUntil = records + pause * WINDOW
        attempts = 0
        hits = 0
        if (++windows % FORGET_WINDOWS === 0) failedCompiles.clear()
      }
      if (m !== null) {
        const t = current!
        t.lastUsed = records
        const {slots, kinds} = t
        for (let g = 0; g < slots.length; g++) {
          const raw = m[g + 1]
          const kind = kinds[g]
          values[slots[g]] =
            kind === PLAIN_STRING ? ownCopy(raw) : kind === NUMERIC ? readNumber(raw) : kind === STRING ? readString(raw) : raw === 'true' ? true : raw === 'false' ? false : null
        }
        return true
      }
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      return false
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false
    const record = parsed as Record<string, unknown>
    for (let s = 0; s < slotCount; s++) values[s] = record[keys[s]]
    if (templated) learn(record, data)
    return true
  }
}
