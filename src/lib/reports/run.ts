import {NotFoundError, NotSupportedError, UsageError} from '../core/errors.js'
import {toResultJson, type QueryEngine, type QueryResultJson} from './engine.js'
import {compileReportSql, listReports, loadReport, pickVariant, REPORTS_DIR, type ReportDefinition, type ReportVariant} from './definitions.js'
import {openEngine, type EngineOptions} from './open-engine.js'

export interface ReportOptions extends EngineOptions {
  name: string
  table?: string
  /** One day: YYYY-MM-DD, `today` or `yesterday` (UTC). */
  date?: string
  from?: string
  until?: string
  reportsDir?: string
}

export interface ReportResult extends QueryResultJson {
  report: string
  description: string
  table: string
  /** Which SQL ran: web-log, sessions or events. */
  variant: string
  /** The days covered, inclusive; absent when not limited. */
  from?: string
  until?: string
  /** The column a terminal draws as bars. */
  chart?: string
}

export interface ReportListResult {
  reports: Array<{name: string; description: string; tables: string[]}>
}

const FIRST_DAY = '0001-01-01'
const LAST_DAY = '9999-12-31'

/** `clickstream report NAME`: the named report on one table, days bound as parameters. */
export async function runReport(options: ReportOptions): Promise<ReportResult> {
  // Every flag is checked before the engine is opened, so a bad date never reaches a query.
  const range = dayRange(options, options.clock.now())
  const def = await loadReport(options.name, options.reportsDir ?? REPORTS_DIR)
  const engine = await openEngine(options)
  try {
    const {table, variant} = await chooseTable(engine, def, options.table)
    const compiled = compileReportSql(variant.sql, table, {from: range.from ?? FIRST_DAY, until: range.until ?? LAST_DAY})
    const result = toResultJson(await engine.run(compiled.sql, compiled.params))
    return {report: def.name, description: def.description, table, variant: variant.name, ...range, chart: variant.chart, ...result}
  } finally {
    await engine.close()
  }
}

export async function listReportDefinitions(reportsDir: string = REPORTS_DIR): Promise<ReportListResult> {
  const defs = await listReports(reportsDir)
  return {reports: defs.map((d) => ({name: d.name, description: d.description, tables: d.variants.map((v) => v.name)}))}
}

/** `--table` checked strictly against the catalog; without it, the one table the report fits. */
async function chooseTable(engine: QueryEngine, def: ReportDefinition, wanted: string | undefined): Promise<{table: string; variant: ReportVariant}> {
  const tables = await engine.tables()
  const needs = def.variants.map((v) => `${v.name} (${v.requires.join(', ')})`).join('; or ')
  if (wanted !== undefined) {
    const table = tables.find((t) => t === wanted) ?? (engine.name === 'athena' ? tables.find((t) => t === wanted.toLowerCase()) : undefined)
    if (!table) {
      throw new NotFoundError(`there is no table '${wanted}'. Tables: ${tables.length > 0 ? tables.join(', ') : '(none)'}.`, {
        suggestions: engine.name === 'local' ? ['Run `clickstream crawl` after delivering data to lake:TABLE.'] : ['Run your Glue crawler: `clickstream crawl --crawler NAME`.'],
      })
    }
    const columns = (await engine.columnsOf(table)) ?? []
    const variant = pickVariant(def, columns.map((c) => c.name))
    if (!variant) {
      throw new NotSupportedError(`report ${def.name} needs a table with the columns of ${needs}; ${table} has ${columns.map((c) => c.name).join(', ')}.`)
    }
    return {table, variant}
  }
  const fits: Array<{table: string; variant: ReportVariant}> = []
  for (const table of tables) {
    const variant = pickVariant(def, ((await engine.columnsOf(table)) ?? []).map((c) => c.name))
    if (variant) fits.push({table, variant})
  }
  if (fits.length === 1) return fits[0]
  if (fits.length === 0) {
    throw new NotFoundError(`no table fits report ${def.name}, which needs the columns of ${needs}. Tables: ${tables.length > 0 ? tables.join(', ') : '(none)'}.`)
  }
  throw new UsageError(`report ${def.name} fits several tables: ${fits.map((f) => f.table).join(', ')}; choose one with --table.`, {
    suggestions: [`clickstream report ${def.name} --table ${fits[0].table}`],
  })
}

/** `--date`, or `--from`/`--until`: whole days, inclusive, checked strictly. */
export function dayRange(options: {date?: string; from?: string; until?: string}, now: number): {from?: string; until?: string} {
  if (options.date !== undefined) {
    if (options.from !== undefined || options.until !== undefined) throw new UsageError('--date is one day; use either --date or --from/--until.')
    const day = parseDay(options.date, '--date', now)
    return {from: day, until: day}
  }
  const from = options.from === undefined ? undefined : parseDay(options.from, '--from', now)
  const until = options.until === undefined ? undefined : parseDay(options.until, '--until', now)
  if (from && until && from > until) throw new UsageError(`--from ${from} is after --until ${until}.`)
  return {...(from ? {from} : {}), ...(until ? {until} : {})}
}

export function parseDay(text: string, flag: string, now: number): string {
  const t = text.trim()
  if (t === 'today') return new Date(now).toISOString().slice(0, 10)
  if (t === 'yesterday') return new Date(now - 86_400_000).toISOString().slice(0, 10)
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t)
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
    if (d.toISOString().slice(0, 10) === t) return t
  }
  throw new UsageError(`${flag} expects a day as YYYY-MM-DD (or today, yesterday); got '${text.length > 40 ? `${text.slice(0, 40)}…` : text}'.`)
}
