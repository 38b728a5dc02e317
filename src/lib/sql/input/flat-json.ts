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

import {ownString} from '../../core/strings.js'
import {ownValue} from './json-path.js'

/**
 * Fills `values[slot]` with `JSON.parse(data)[keys[slot]]` for each slot (undefined when
 * absent). Returns false, leaving `values` undefined, when `data` is not a JSON object: the caller
 * parses it again to say why.
 */
export type FlatJsonReader = (data: string, values: unknown[]) => boolean

/**
 * A FlatJsonReader for a caller that copies the values out itself (the reading thread packing
 * columns): it reads the record `text.slice(from, to)` where it is in `text`, and when a template
 * matches it, says where each value is (SPANS) rather than make it. Else it fills `spans.values`
 * as FlatJsonReader fills `values` (VALUES), or says the record is not a JSON object.
 */
export type FlatJsonSpanReader = (text: string, from: number, to: number, spans: FlatJsonSpans) => typeof NOT_AN_OBJECT | typeof VALUES | typeof SPANS

export const NOT_AN_OBJECT = 0
export const VALUES = 1
export const SPANS = 2

/** Per slot, what `FlatJsonReader` would give: */
export interface FlatJsonSpans {
  kinds: Uint8Array
  /** TEXT: the string `text.slice(from[slot], to[slot])`. */
  from: Int32Array
  to: Int32Array
  /** NUMBER_VALUE: the number `numbers[slot]`. */
  numbers: Float64Array
  /** OTHER_VALUE (and every slot, after VALUES): `values[slot]`. */
  values: unknown[]
}

/** The record lacks the key: undefined. */
export const ABSENT = 0
export const TEXT = 1
export const NUMBER_VALUE = 2
export const OTHER_VALUE = 3

export const createSpans = (slots: number): FlatJsonSpans => ({
  kinds: new Uint8Array(slots),
  from: new Int32Array(slots),
  to: new Int32Array(slots),
  numbers: new Float64Array(slots),
  values: new Array<unknown>(slots).fill(undefined),
})

/** The value of `slot`, as FlatJsonReader gives it, from what `spans` says of the record in `text`. */
export function spanValue(spans: FlatJsonSpans, slot: number, text: string): unknown {
  switch (spans.kinds[slot]) {
    case TEXT:
      return ownString(text.slice(spans.from[slot], spans.to[slot]))
    case NUMBER_VALUE:
      return spans.numbers[slot]
    case OTHER_VALUE:
      return spans.values[slot]
    default:
      return undefined
  }
}

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

/** VALUE_PATTERNS, without captures. */
const LOCATED_PATTERNS: Record<Kind, string> = {
  [PLAIN_STRING]: `"${PLAIN_STRING_BODY}"`,
  [STRING]: `"(?:${STRING_BODY})"`,
  [NUMERIC]: `(?:${NUMBER})`,
  [LITERAL]: '(?:true|false|null)',
}

const VALUE_PATTERNS: Record<Kind, string> = {
  [PLAIN_STRING]: `"(${PLAIN_STRING_BODY})"`,
  [STRING]: `"(${STRING_BODY})"`,
  [NUMERIC]: `(${NUMBER})`,
  [LITERAL]: '(true|false|null)',
}

interface Template {
  signature: string
  pattern: RegExp
  /**
   * `pattern` without captures, run where a record starts in a larger text (sticky), its `$`
   * (multiline) holding where the record ends, before the CR or LF that follows. Every match of
   * `pattern` on the record alone is a match of `locator` there that ends at the record's end, and
   * both try their matches in the same order: so when the first match of `locator` ends at the
   * record's end, `pattern` matches the record, and when `locator` finds none, `pattern` would
   * not. A first match that ends elsewhere (whitespace running on into the next lines, a CR
   * inside the record) is left unused: `pattern` runs on the record alone.
   */
  locator: RegExp
  /** `walk`'s map of the records: per member, in order, its key's length and slot (-1: not wanted). */
  keyLengths: Int32Array
  memberSlots: Int32Array
  lenient: boolean
  /** Per capture group (group g + 1): the slot its value fills and how to read it. */
  slots: number[]
  kinds: Kind[]
  /** The slots no group fills: the keys records of this shape lack. */
  unfilled: number[]
  lastUsed: number
}

/** A key that can appear in record text as itself (it needs no escapes). */
const PLAIN_KEY = new RegExp(`^${PLAIN_STRING_BODY}$`)

/** A key as a pattern: every character but [A-Za-z0-9_] as a \uXXXX escape. */
const keyPattern = (key: string) => key.replace(/[^A-Za-z0-9_]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)


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
  return raw.indexOf('\\') < 0 ? ownString(raw) : (JSON.parse(`"${raw}"`) as string)
}

/** readNumber of `text.slice(from, to)`. */
function readNumberAt(text: string, from: number, to: number): number {
  if (to - from > 15) return Number(text.slice(from, to))
  const negative = text.charCodeAt(from) === 0x2d
  let n = 0
  for (let i = negative ? from + 1 : from; i < to; i++) {
    const digit = text.charCodeAt(i) - 0x30
    if (digit < 0 || digit > 9) return Number(text.slice(from, to))
    n = n * 10 + digit
  }
  return negative ? -n : n
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
/** A character that can be part of a JSON number: [0-9.eE+-]. */
const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x65 || c === 0x45 || c === 0x2b

/** Where the string whose opening quote is at `quote` ends: its closing quote, the first one no backslash escapes. */
function closingQuote(text: string, quote: number): number {
  let q = text.indexOf('"', quote + 1)
  for (;;) {
    let backslashes = 0
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return q
    q = text.indexOf('"', q + 1)
  }
}

/**
 * Fills `spans` for the record at `text[from, ...)`, which `t` matches: so it is a JSON object of
 * `t`'s members in order, each value a scalar, keys as they are (templates are made only of keys
 * that need no escapes). The walk just finds where each value is: the template has checked it.
 */
function walk(text: string, from: number, t: Template, spans: FlatJsonSpans): void {
  const {keyLengths, memberSlots, lenient} = t
  const {kinds, values} = spans
  let p = from
  if (lenient) while (isSpace(text.charCodeAt(p))) p++
  p++ // {
  for (let i = 0; i < memberSlots.length; i++) {
    if (lenient) while (isSpace(text.charCodeAt(p))) p++
    if (i > 0) {
      p++ // ,
      if (lenient) while (isSpace(text.charCodeAt(p))) p++
    }
    p += keyLengths[i] + 2
    if (lenient) while (isSpace(text.charCodeAt(p))) p++
    p++ // :
    if (lenient) while (isSpace(text.charCodeAt(p))) p++
    const slot = memberSlots[i]
    const c = text.charCodeAt(p)
    if (c === 0x22) {
      const end = lenient || slot < 0 ? closingQuote(text, p) : text.indexOf('"', p + 1)
      if (slot >= 0) {
        // (Only a lenient template's wanted strings may have escapes.)
        let escaped = false
        if (lenient) for (let i = p + 1; i < end && !escaped; i++) escaped = text.charCodeAt(i) === 0x5c
        if (escaped) {
          kinds[slot] = OTHER_VALUE
          values[slot] = readString(text.slice(p + 1, end))
        } else {
          kinds[slot] = TEXT
          spans.from[slot] = p + 1
          spans.to[slot] = end
        }
      }
      p = end + 1
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      if (slot >= 0) {
        kinds[slot] = OTHER_VALUE
        values[slot] = c === 0x74 ? true : c === 0x66 ? false : null
      }
      p += c === 0x66 ? 5 : 4
    } else {
      // readNumber's sum of digits as they go by; anything else the number has, by readNumber.
      const start = p
      const negative = c === 0x2d
      if (negative) p++
      let n = 0
      let digit = text.charCodeAt(p) - 0x30
      while (digit >= 0 && digit <= 9) {
        n = n * 10 + digit
        digit = text.charCodeAt(++p) - 0x30
      }
      if (isNumberChar(digit + 0x30) || p - start > 15) {
        while (isNumberChar(text.charCodeAt(p))) p++
        n = readNumberAt(text, start, p)
      } else if (negative) n = -n
      if (slot >= 0) {
        kinds[slot] = NUMBER_VALUE
        spans.numbers[slot] = n
      }
    }
  }
}

/**
 * Builds the reader for `keys`: slot k of `values` gets the value of `keys[k]` (the record's own:
 * a key named `constructor` is undefined when the record lacks it). The keys must be distinct.
 */
export function createFlatJsonReader(keys: readonly string[]): FlatJsonReader {
  return createFlatJsonReaders(keys).read
}

/** createFlatJsonReader, and a FlatJsonSpanReader that shares its templates and counts. */
export function createFlatJsonReaders(keys: readonly string[]): {read: FlatJsonReader; readSpans: FlatJsonSpanReader} {
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
    const member = (name: string, kind: Kind | undefined, patterns: Record<Kind, string>) =>
      `"${keyPattern(name)}"${gap}:${gap}${kind === undefined ? `(?:${SCALAR})` : patterns[kind === PLAIN_STRING && lenient ? STRING : kind]}`
    // No two whitespace runs side by side (as `{ }` would have): matching them is quadratic.
    const body = (members: string[]) => (members.length === 0 ? '' : `${members.join(`${gap},${gap}`)}${gap}`)
    const captured = body(names.map((name, i) => member(name, kinds[i], VALUE_PATTERNS)))
    const located = body(names.map((name, i) => member(name, kinds[i], LOCATED_PATTERNS)))
    names.forEach((name, i) => {
      const kind = kinds[i]
      if (kind === undefined) return
      slots.push(slotByName.get(name)!)
      groupKinds.push(kind === PLAIN_STRING && lenient ? STRING : kind)
    })
    return {
      signature,
      pattern: new RegExp(`^${gap}\\{${gap}${captured}\\}${gap}$`),
      locator: new RegExp(`${gap}\\{${gap}${located}\\}${gap}$`, 'ym'),
      keyLengths: Int32Array.from(names, (name) => name.length),
      memberSlots: Int32Array.from(names, (name, i) => (kinds[i] === undefined ? -1 : slotByName.get(name)!)),
      lenient,
      slots,
      kinds: groupKinds,
      unfilled: keys.map((_, slot) => slot).filter((slot) => !slots.includes(slot)),
      lastUsed: records,
    }
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

  /** The match of the record alone, when `locate` had to find it so (see Template.locator). */
  let captured: RegExpExecArray | null = null
  /** Whether `t` matches the record `text.slice(from, to)`. */
  const matchesAt = (t: Template, text: string, from: number, to: number): boolean => {
    const locator = t.locator
    locator.lastIndex = from
    if (!locator.test(text)) return false
    if (locator.lastIndex === to) {
      captured = null
      return true
    }
    captured = t.pattern.exec(text.slice(from, to))
    return captured !== null
  }

  /** The template that matches `text.slice(from, to)` (it becomes the current one), else undefined. */
  const locate = (text: string, from: number, to: number): Template | undefined => {
    if (current !== undefined && matchesAt(current, text, from, to)) return current
    for (const t of templates) {
      if (t !== current && matchesAt(t, text, from, to)) return (current = t)
    }
    return undefined
  }

  /** One more record tried on the templates: every WINDOW of them, whether to set templates aside. */
  const count = (hit: boolean) => {
    if (hit) hits++
    if (++attempts === WINDOW) {
      pause = 2 * hits < attempts ? Math.min(MAX_PAUSE, Math.max(1, 2 * pause)) : 0
      pausedUntil = records + pause * WINDOW
      attempts = 0
      hits = 0
      if (++windows % FORGET_WINDOWS === 0) failedCompiles.clear()
    }
  }

  /** The values of the current template's match `m`. */
  const fill = (m: RegExpExecArray, values: unknown[]) => {
    const t = current!
    t.lastUsed = records
    const {slots, kinds, unfilled} = t
    for (let u = 0; u < unfilled.length; u++) values[unfilled[u]] = undefined
    for (let g = 0; g < slots.length; g++) {
      const raw = m[g + 1]
      const kind = kinds[g]
      values[slots[g]] =
        kind === PLAIN_STRING ? ownString(raw) : kind === NUMERIC ? readNumber(raw) : kind === STRING ? readString(raw) : raw === 'true' ? true : raw === 'false' ? false : null
    }
  }

  /** A record no template read: JSON.parse, and learn its shape if templates are in use. */
  const parse = (data: string, values: unknown[], templated: boolean): boolean => {
    for (let s = 0; s < slotCount; s++) values[s] = undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      return false
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false
    const record = parsed as Record<string, unknown>
    for (let s = 0; s < slotCount; s++) values[s] = ownValue(record, keys[s])
    if (templated) learn(record, data)
    return true
  }

  const read: FlatJsonReader = (data, values) => {
    records++
    const templated = records >= pausedUntil
    if (templated) {
      const m = templates.length > 0 ? match(data) : null
      count(m !== null)
      if (m !== null) {
        fill(m, values)
        return true
      }
    }
    return parse(data, values, templated)
  }

  const readSpans: FlatJsonSpanReader = (text, from, to, spans) => {
    records++
    const templated = records >= pausedUntil
    if (templated) {
      const t = templates.length > 0 ? locate(text, from, to) : undefined
      count(t !== undefined)
      if (t !== undefined) {
        if (captured !== null) {
          fill(captured, spans.values)
          return VALUES
        }
        t.lastUsed = records
        const kinds = spans.kinds
        for (let s = 0; s < slotCount; s++) kinds[s] = ABSENT
        walk(text, from, t, spans)
        return SPANS
      }
    }
    return parse(text.slice(from, to), spans.values, templated) ? VALUES : NOT_AN_OBJECT
  }

  return {read, readSpans}
}
