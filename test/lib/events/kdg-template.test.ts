import {readFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {InputError} from '../../../src/lib/core/errors.js'
import {Random} from '../../../src/lib/core/random.js'
import {compileKdgTemplate} from '../../../src/lib/events/kdg-template.js'

const T = Date.UTC(2026, 10, 23, 18, 21, 46, 123)

const compile = (text: string, seed = 1) => compileKdgTemplate(text, {file: 'access.tpl', random: new Random(seed), seed, referenceTime: T})

async function errorOf(text: string): Promise<InputError> {
  try {
    await compile(text)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('KDG templates', () => {
  it('renders the KDG access-log template of the AWS workshops as one Apache line per record', async () => {
    const text = [
      '{{internet.ip}} - {{name.firstName}} [{{date.utc("DD/MMM/YYYY:HH:mm:ss ZZ")}}]',
      ' "{{random.weightedArrayElement({"weights":[0.6,0.1,0.1,0.2],"data":["GET","POST","DELETE","PUT"]})}}',
      ' {{random.arrayElement(["/list","/wp-content","/explore"])}} HTTP/1.1"',
      ' {{random.weightedArrayElement({"weights":[0.9,0.04,0.02,0.04],"data":["200","404","500","301"]})}} {{random.number(10000)}}\n',
    ].join('\n')
    const template = await compile(text)
    const line = template.render(T)
    expect(line).not.toContain('\n')
    expect(line).toMatch(/^\d+\.\d+\.\d+\.\d+ - \S+ \[23\/Nov\/2026:18:21:46 \+0000\] "(GET|POST|DELETE|PUT) \/(list|wp-content|explore) HTTP\/1\.1" (200|404|500|301) \d{1,5}$/)
    expect(template.helpers).toEqual(['internet.ip', 'name.firstName', 'date.utc', 'random.weightedArrayElement', 'random.arrayElement', 'random.weightedArrayElement', 'random.number'])
  })

  it.each([
    ['{{random.number(5)}}', /^[0-5]$/],
    ['{{random.number({"min":10,"max":12})}}', /^1[0-2]$/],
    ['{{random.number({"min":1,"max":2,"precision":0.01})}}', /^[12]\.\d\d$/],
    ['{{random.uuid}}', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/],
    ['{{random.boolean}}', /^(true|false)$/],
    ['{{date.now("x")}}', new RegExp(`^${T}$`)],
    ['{{date.simTime("X")}}', new RegExp(`^${Math.floor(T / 1000)}$`)],
    ['{{date.utc}}', /^2026-11-23T18:21:46Z$/],
    ['{{current.timestamp}}', /^2026-11-2\dT\d\d:\d\d:46[+-]\d\d:\d\d$/],
    ['{{internet.userAgent}}', /^Mozilla|^Opera|\S/],
    ['{{address.stateAbbr}}', /^[A-Z]{2}$/],
    ['{{number.int({"min":3,"max":3})}}', /^3$/],
    ['{{lorem.slug(2)}}', /^[a-z]+-[a-z]+$/],
  ])('%s renders like %s', async (text, pattern) => {
    expect((await compile(text)).render(T)).toMatch(pattern)
  })

  it('keeps draws within bounds and roughly to their weights', async () => {
    const template = await compile('{{random.weightedArrayElement({"weights":[0.9,0.1],"data":["a","b"]})}}')
    const counts = {a: 0, b: 0}
    for (let i = 0; i < 10_000; i++) counts[template.render(T) as 'a' | 'b']++
    expect(counts.a / 10_000).toBeGreaterThan(0.87)
    expect(counts.a / 10_000).toBeLessThan(0.93)
  })

  it('repeats its output for the same seed, faker helpers included, and changes with the seed', async () => {
    const text = '{{internet.ip}} {{name.firstName}} {{random.number(1000000)}} {{date.past}}'
    const render = async (seed: number) => {
      const t = await compile(text, seed)
      return Array.from({length: 5}, () => t.render(T)).join('\n')
    }
    expect(await render(7)).toBe(await render(7))
    expect(await render(7)).not.toBe(await render(8))
  })

  it('names an unknown helper and its line and column, with a suggestion', async () => {
    const error = await errorOf('{"ip": "{{internet.ip}}",\n  "name": "{{name.fristName}}"}')
    expect(error.message).toContain('{{name.fristName}}')
    expect(error.location).toEqual({file: 'access.tpl', line: 2, column: 12})
    expect(error.located).toMatch(/^access\.tpl:2:12: unknown template helper/)
    expect(error.suggestions.join(' ')).toContain('{{name.firstName}}')
  })

  it.each([
    ['an unknown module', 'x {{nosuch.thing}}', 1, 3, 'nosuch.thing'],
    ['a token that is not module.method', 'a\nb {{ just words }}', 2, 3, 'malformed helper'],
    ['an unclosed token', '{"a": 1}\n\n  {{internet.ip', 3, 3, 'never closed'],
    ['arrayElement without an array', '{{random.arrayElement("GET")}}', 1, 1, 'non-empty JSON array'],
    ['weights that do not match the data', '{{random.weightedArrayElement({"weights":[1],"data":["a","b"]})}}', 1, 1, 'as many weights'],
    ['an empty number range', '{{random.number({"min":5,"max":1})}}', 1, 1, 'invalid range'],
    ['a date format that is not a string', '{{date.now(12)}}', 1, 1, 'moment.js format'],
  ])('rejects %s at its place', async (_what, text, line, column, message) => {
    const error = await errorOf(text)
    expect(error.location).toEqual({file: 'access.tpl', line, column})
    expect(error.message).toContain(message)
  })

  it.each([
    ['apache-access.tpl', /^\d+\.\d+\.\d+\.\d+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "(GET|POST|DELETE|PUT) \/\S* HTTP\/1\.1" \d{3} \d+ "-" "[^"]+"$/],
    ['click-event.json', /^\{.*\}$/],
  ])('the example template templates/kdg/%s renders', async (name, pattern) => {
    const file = fileURLToPath(new URL(`../../../templates/kdg/${name}`, import.meta.url))
    const template = await compileKdgTemplate(await readFile(file, 'utf8'), {file, random: new Random(1), seed: 1, referenceTime: T})
    const line = template.render(T)
    expect(line).toMatch(pattern)
    if (name.endsWith('.json')) expect(JSON.parse(line)).toMatchObject({event_type: 'click', event_timestamp: T})
  })
})
