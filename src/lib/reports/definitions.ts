import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {InputError, InternalError, NotFoundError} from '../core/errors.js'
import {quoteIdentifier} from '../lake/catalog.js'
import type {QueryParam} from './engine.js'

/** The reports shipped with clickstream: templates/reports/NAME/{report.json, *.sql}. */
export const REPORTS_DIR = fileURLToPath(new URL('../../../templates/reports/', import.meta.url))

export interface ReportVariant {
  /** e.g. web-log, sessions, events: the kind of table this SQL is written for. */
  name: string
  /** Columns the table must have (compared without regard to case). */
  requires: string[]
  sql: string
  /** A numeric result column drawn as bars on a terminal. */
  chart?: string
}

export interface ReportDefinition {
  name: string
  description: string
  variants: ReportVariant[]
}

const REPORT_NAME = /^[a-z0-9][a-z0-9-]*$/
/** SQL that several reports include; not a report itself. */
const SHARED_DIR = '_shared'

export async function listReports(dir: string = REPORTS_DIR): Promise<ReportDefinition[]> {
  const entries = await readdir(dir, {withFileTypes: true})
  const names = entries.filter((e) => e.isDirectory() && REPORT_NAME.test(e.name)).map((e) => e.name).sort()
  return Promise.all(names.map((name) => loadReport(name, dir)))
}

export async function loadReport(name: string, dir: string = REPORTS_DIR): Promise<ReportDefinition> {
  const file = join(dir, name, 'report.json')
  let text: string
  try {
    if (!REPORT_NAME.test(name)) throw new Error('not a report name')
    text = await readFile(file, 'utf8')
  } catch {
    const known = (await readdir(dir, {withFileTypes: true})).filter((e) => e.isDirectory() && REPORT_NAME.test(e.name)).map((e) => e.name).sort()
    throw new NotFoundError(`there is no report '${name}'. Reports: ${known.join(', ')}.`, {suggestions: ['clickstream report list']})
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new InputError(`report definition is not JSON: ${(error as Error).message}`, {location: {file}})
  }
  const bad = (why: string) => new InputError(`report definition: ${why}`, {location: {file}})
  const def = raw as {description?: unknown; variants?: unknown}
  if (typeof def.description !== 'string') throw bad('"description" must be a string.')
  if (!Array.isArray(def.variants) || def.variants.length === 0) throw bad('"variants" must be a non-empty array.')
  const variants: ReportVariant[] = []
  for (const v of def.variants as Array<Record<string, unknown>>) {
    if (typeof v.name !== 'string' || typeof v.sql !== 'string') throw bad('each variant has a "name" and an "sql" file.')
    if (!Array.isArray(v.requires) || !v.requires.every((c) => typeof c === 'string')) throw bad(`variant ${v.name}: "requires" must list column names.`)
    const sqlFile = join(dir, name, v.sql)
    let sql: string
    try {
      sql = await readFile(sqlFile, 'utf8')
    } catch {
      throw bad(`variant ${v.name}: cannot read ${sqlFile}.`)
    }
    sql = await expandIncludes(sql, dir, sqlFile)
    variants.push({name: v.name, requires: v.requires as string[], sql, chart: typeof v.chart === 'string' ? v.chart : undefined})
  }
  return {name, description: def.description, variants}
}

const INCLUDE = /\{\{include ([a-z0-9-]+)\}\}/g

/**
 * Reports that derive the same thing (seed 004's sessions from lab events, say) share its SQL:
 * `{{include NAME}}` stands for `_shared/NAME.sql`, so a rule is written once.
 */
async function expandIncludes(sql: string, dir: string, file: string): Promise<string> {
  const names = [...new Set([...sql.matchAll(INCLUDE)].map((m) => m[1]))]
  const parts = new Map<string, string>()
  for (const name of names) {
    const shared = join(dir, SHARED_DIR, `${name}.sql`)
    try {
      parts.set(name, (await readFile(shared, 'utf8')).trimEnd())
    } catch {
      throw new InputError(`report SQL includes '${name}', but there is no ${shared}.`, {location: {file}})
    }
  }
  return sql.replace(INCLUDE, (_, name: string) => parts.get(name)!)
}

/** The first variant whose required columns the table has. */
export function pickVariant(def: ReportDefinition, columns: readonly string[]): ReportVariant | undefined {
  const have = new Set(columns.map((c) => c.toLowerCase()))
  return def.variants.find((v) => v.requires.every((c) => have.has(c.toLowerCase())))
}

export interface CompiledSql {
  sql: string
  params: QueryParam[]
}

/**
 * Turns a report's SQL into text plus positional parameters: `{{table}}` becomes the quoted
 * identifier (the caller has checked it against the catalog), each `:name` becomes `?` bound to
 * `values[name]`. String literals, quoted identifiers and comments are left alone, so `'12:30'`
 * or `x::int` are not parameters.
 */
export function compileReportSql(template: string, table: string, values: Record<string, QueryParam>): CompiledSql {
  const params: QueryParam[] = []
  let out = ''
  let i = 0
  const n = template.length
  while (i < n) {
    const c = template[i]
    if (c === "'" || c === '"') {
      let j = i + 1
      while (j < n && !(template[j] === c && template[j + 1] !== c)) j += template[j] === c ? 2 : 1
      out += template.slice(i, j + 1)
      i = j + 1
    } else if (c === '-' && template[i + 1] === '-') {
      const end = template.indexOf('\n', i)
      i = end < 0 ? n : end
    } else if (c === '/' && template[i + 1] === '*') {
      const end = template.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else if (template.startsWith('{{table}}', i)) {
      out += quoteIdentifier(table)
      i += '{{table}}'.length
    } else if (c === ':' && template[i - 1] !== ':' && /[a-z_]/.test(template[i + 1] ?? '')) {
      const m = /^[a-z_][a-z0-9_]*/.exec(template.slice(i + 1))!
      if (!(m[0] in values)) throw new InternalError(`report SQL uses :${m[0]}, which no option provides.`)
      params.push(values[m[0]])
      out += '?'
      i += 1 + m[0].length
    } else {
      out += c
      i += 1
    }
  }
  return {sql: out.trim(), params}
}
