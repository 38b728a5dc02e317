import {InputError, UsageError} from '../core/errors.js'
import type {Statement} from '../sql/ast.js'
import {parseInputSchema, type InputMapping} from '../sql/input/schema.js'
import {parseScript} from '../sql/parser.js'
import {printStatement} from '../sql/printer.js'
import type {SqlType} from '../sql/types.js'
import type {TargetSpec} from '../targets/spec.js'
import {flinkIdentifier, flinkString, flinkType} from './names.js'
import {commentSafe, NoteList, wrapComment, type FlinkNote, type FlinkWarning} from './notes.js'
import {columnsUsedOn, indent, QueryTranslator, streamsRead, TIME_COLUMN, Untranslatable, type StreamShape} from './queries.js'

/**
 * `clickstream app translate APP.sql --to flink`: a KDA SQL application as one Flink SQL script
 * for Managed Service for Apache Flink Studio or any Flink SQL client/gateway. The input
 * in-application stream becomes a Kinesis connector table, every stream a pump writes to and no
 * pump reads becomes a sink table (Kinesis or Firehose), every stream pumps both write and read
 * becomes a view (the UNION ALL of its pumps), and every pump into a sink becomes an INSERT in
 * one EXECUTE STATEMENT SET. Each change of meaning is a `-- NOTE:` at its statement and a warning.
 */

export interface FlinkTranslateOptions {
  /** The SQL file's name, for error locations and the header. */
  file?: string
  /** The application's input: `kinesis:NAME` (or `firehose:NAME`, which Flink cannot read). */
  input?: TargetSpec
  /** Where each result stream goes, by in-application stream name: `kinesis:NAME` or `firehose:NAME`. */
  outputs?: Record<string, TargetSpec>
  region?: string
  /** KDA InputSchema JSON for the input (names, types and JSON paths of the source columns). */
  schema?: unknown
  schemaFile?: string
}

export interface FlinkTranslation {
  sql: string
  warnings: FlinkWarning[]
}

const DEFAULT_REGION = 'us-east-1'

interface PumpInfo {
  statement: Extract<Statement, {type: 'createPump'}>
  reads: string[]
}

interface StreamInfo {
  name: string
  statement: Extract<Statement, {type: 'createStream'}>
  columns: Array<{name: string; type: SqlType}>
  writers: PumpInfo[]
  read: boolean
}

interface SourceInfo {
  name: string
  columns: Array<{name: string; type: SqlType; path?: string}>
  typed: boolean
  isInput: boolean
  format: 'JSON' | 'CSV'
  columnDelimiter: string
  rowPath: string
  arrivalTime: boolean
}

export function translateToFlink(sql: string, options: FlinkTranslateOptions = {}): FlinkTranslation {
  const script = parseScript(sql, options.file)
  const warnings: FlinkWarning[] = []
  const warn = (statement: string, line: number, note: FlinkNote) => warnings.push({statement, line, ...note})

  const streams = new Map<string, StreamInfo>()
  const pumps: PumpInfo[] = []
  for (const statement of script.statements) {
    if (statement.type === 'createStream') {
      streams.set(statement.name, {name: statement.name, statement, columns: statement.columns.map((c) => ({name: c.name, type: c.type})), writers: [], read: false})
    } else if (statement.type === 'createPump') {
      pumps.push({statement, reads: streamsRead(statement.query)})
    } else {
      warn('', statement.pos.line, {code: 'untranslated', message: 'A SELECT outside a pump produces no stream in KDA; it is left out.'})
    }
  }
  for (const pump of pumps) {
    const target = streams.get(pump.statement.target)
    if (!target) {
      throw new InputError(`PUMP "${pump.statement.name}" inserts into ${pump.statement.target}, which no CREATE STREAM declares.`, {
        location: {file: options.file, ...pump.statement.targetPos},
        suggestions: [`Declare it first: CREATE OR REPLACE STREAM "${pump.statement.target}" (...).`],
      })
    }
    target.writers.push(pump)
    for (const name of pump.reads) {
      const stream = streams.get(name)
      if (stream) stream.read = true
    }
  }

  const sources = describeSources(pumps, streams, options, warn)
  const outputs = resolveOutputs(options.outputs ?? {}, streams, warn)
  const region = options.region
  if (!region) warn('', 0, {code: 'missing-region', message: `No --region: the connector tables use '${DEFAULT_REGION}'.`})

  // Streams pumps both write and read are views; the others are sink tables.
  const views = [...streams.values()].filter((s) => s.writers.length > 0 && s.read)
  const sinks = [...streams.values()].filter((s) => !(s.writers.length > 0 && s.read) || outputs.has(s.name))
  const sinkName = (s: StreamInfo) => (views.includes(s) ? `${s.name}_SINK` : s.name)

  const omitted = new Map<string, string>()
  const shapes = (name: string): StreamShape => {
    const source = sources.get(name)
    if (source) return {relation: name, columns: source.columns, hasTime: true}
    const why = omitted.get(name)
    if (why !== undefined) throw new Untranslatable(`it reads ${name}, which has no Flink translation (${why})`)
    const stream = streams.get(name)
    if (!stream) throw new Untranslatable(`it reads ${name}, which the application does not define`)
    return {relation: name, columns: stream.columns, hasTime: views.includes(stream)}
  }

  const sections: string[] = []
  const untranslated: string[] = []
  const noteWarnings = (label: string, line: number, notes: NoteList) => notes.notes.forEach((n) => warn(label, line, n))
  const translatePump = (pump: PumpInfo, target: StreamInfo, notes: NoteList): string | undefined => {
    const translator = new QueryTranslator({
      stream: shapes,
      usesArrivalTime: () => {
        for (const name of pump.reads) {
          const source = sources.get(name)
          if (source) source.arrivalTime = true
        }
      },
      notes,
    })
    try {
      return translator.translateQuery(pump.statement.query, false, {columns: target.columns, insertColumns: pump.statement.columns})
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error
      const label = `PUMP "${pump.statement.name}"`
      warn(label, pump.statement.pos.line, {code: 'untranslated', message: `not translated: ${error.message}.`})
      untranslated.push(wrapComment(`Not translated: ${label}: ${error.message}.`) + commentOut(printStatement(pump.statement)))
      return undefined
    }
  }

  // Views in dependency order, so a view whose pumps cannot be translated takes its readers with it.
  const viewSql: string[] = []
  for (const view of orderViews(views)) {
    const notes = new NoteList()
    const branches = view.writers.map((w) => translatePump(w, view, notes)).filter((b): b is string => b !== undefined)
    const label = `STREAM "${view.name}"`
    if (branches.length === 0) {
      omitted.set(view.name, 'none of its pumps translates')
      continue
    }
    if (branches.length < view.writers.length) notes.add('untranslated', 'Some pumps into this stream have no translation; the view holds the rows of the others only.')
    noteWarnings(label, view.statement.pos.line, notes)
    viewSql.push(
      `-- In-application stream ${commentSafe(view.name)}, fed by ${view.writers.map((w) => `PUMP "${w.statement.name}"`).join(', ')}\n` +
        notes.comments() +
        `CREATE VIEW ${flinkIdentifier(view.name)} AS\nSELECT *, PROCTIME() AS ${TIME_COLUMN} FROM (\n${indent(branches.join('\nUNION ALL\n'))}\n);`,
    )
  }

  const inserts: string[] = []
  for (const pump of pumps) {
    const target = streams.get(pump.statement.target)!
    if (views.includes(target)) continue
    const notes = new NoteList()
    const query = translatePump(pump, target, notes)
    if (query === undefined) continue
    const label = `PUMP "${pump.statement.name}"`
    noteWarnings(label, pump.statement.pos.line, notes)
    inserts.push(`-- ${label}\n${notes.comments()}INSERT INTO ${flinkIdentifier(target.name)}\n${query};`)
  }
  for (const view of views) {
    if (!outputs.has(view.name) || omitted.has(view.name)) continue
    const columns = view.columns.map((c) => flinkIdentifier(c.name)).join(', ')
    inserts.push(`-- ${view.name} is read by other pumps and also an output\nINSERT INTO ${flinkIdentifier(sinkName(view))}\nSELECT ${columns} FROM ${flinkIdentifier(view.name)};`)
  }
  if (inserts.length === 0) warn('', 0, {code: 'no-insert', message: 'No pump writes to a result stream that translates: the script defines tables and views but runs nothing.'})

  for (const source of sources.values()) sections.push(sourceTable(source, options, region ?? DEFAULT_REGION, warn))
  for (const sink of sinks) {
    if (omitted.has(sink.name)) continue
    sections.push(sinkTable(sink, sinkName(sink), outputs.get(sink.name), region ?? DEFAULT_REGION, warn))
  }
  sections.push(...viewSql)
  if (untranslated.length > 0) sections.push(untranslated.join('\n'))
  if (inserts.length > 0) sections.push(`EXECUTE STATEMENT SET\nBEGIN\n\n${inserts.join('\n\n')}\n\nEND;`)

  return {sql: header(options) + sections.join('\n\n') + '\n', warnings: groupRowtimeWarnings(warnings)}
}

function header(options: FlinkTranslateOptions): string {
  return (
    `-- Flink SQL translated by \`clickstream app translate\` from ${commentSafe(options.file ?? 'a KDA SQL application')} (Kinesis Data Analytics for SQL).\n` +
    '-- Runs in a Managed Service for Apache Flink Studio notebook (%flink.ssql) or a Flink SQL client or gateway, Flink\n' +
    '-- 1.15+ (older SQL clients spell the statement set BEGIN STATEMENT SET, ... END).\n' +
    "-- Kinesis tables use the options of flink-sql-connector-kinesis ('stream', 'scan.stream.initpos'). With\n" +
    "-- flink-connector-aws 5.x name that connector 'kinesis-legacy'. Lines starting with -- NOTE: mark where Flink\n" +
    '-- behaves differently from KDA.\n\n' +
    "-- KDA computed every time in UTC.\nSET 'table.local-time-zone' = 'UTC';\n\n"
  )
}

/** KDA SQL shown as a comment, without semicolons (see wrapComment). */
function commentOut(sql: string): string {
  return sql
    .split('\n')
    .map((l) => `--   ${commentSafe(l)}`)
    .join('\n')
}

function describeSources(
  pumps: PumpInfo[],
  streams: Map<string, StreamInfo>,
  options: FlinkTranslateOptions,
  warn: (statement: string, line: number, note: FlinkNote) => void,
): Map<string, SourceInfo> {
  const mapping: InputMapping | undefined = options.schema === undefined ? undefined : parseInputSchema(options.schema, options.schemaFile)
  const names: string[] = []
  for (const pump of pumps) for (const name of pump.reads) if (!streams.has(name) && !names.includes(name)) names.push(name)
  const inputName = mapping?.streamName ?? names.find((n) => /_001$/.test(n)) ?? names[0]
  const sources = new Map<string, SourceInfo>()
  for (const name of names) {
    const isInput = name === inputName
    if (isInput && mapping) {
      sources.set(name, {
        name,
        columns: mapping.columns.map((c) => ({name: c.name, type: c.type, path: c.path?.text})),
        typed: true,
        isInput,
        format: mapping.format,
        columnDelimiter: mapping.columnDelimiter,
        rowPath: mapping.rowPath?.text ?? '$',
        arrivalTime: false,
      })
      continue
    }
    const used: string[] = []
    for (const pump of pumps) for (const c of columnsUsedOn(pump.statement.query, name)) if (!used.includes(c)) used.push(c)
    sources.set(name, {name, columns: used.map((c) => ({name: c, type: {name: 'VARCHAR'}})), typed: false, isInput, format: 'JSON', columnDelimiter: ',', rowPath: '$', arrivalTime: false})
    if (isInput) {
      warn(`STREAM "${name}"`, 0, {code: 'missing-schema', message: `No --schema: the columns of ${name} are the ones the SQL uses, typed STRING; pass the input schema (KDA InputSchema JSON) for their types.`})
    } else {
      warn(`STREAM "${name}"`, 0, {code: 'reference-table', message: `${name} is read but neither created nor the input: if it is a reference table, define it with the filesystem connector (S3) instead of Kinesis.`})
    }
  }
  if (mapping && names.length > 0 && !sources.has(mapping.streamName)) {
    throw new UsageError(`The schema describes the input stream ${mapping.streamName}, which the SQL never reads${names.length ? ` (it reads ${names.join(', ')})` : ''}.`, {
      suggestions: ['Set NamePrefix in the schema file to the prefix the SQL uses (e.g. "WASA" for WASA_001).'],
    })
  }
  return sources
}

function resolveOutputs(
  outputs: Record<string, TargetSpec>,
  streams: Map<string, StreamInfo>,
  warn: (statement: string, line: number, note: FlinkNote) => void,
): Map<string, TargetSpec> {
  const resolved = new Map<string, TargetSpec>()
  for (const [name, target] of Object.entries(outputs)) {
    if (name.toLowerCase() === 'error_stream' && !streams.has(name)) {
      warn('', 0, {code: 'untranslated', message: "--output error_stream is left out: Flink has no error stream (the source tables skip records they cannot parse, 'json.ignore-parse-errors')."})
      continue
    }
    const stream = streams.get(name) ?? streams.get(name.toUpperCase())
    if (!stream) {
      throw new UsageError(`--output ${name}: the SQL creates no stream of that name.`, {
        suggestions: [`Name one of: ${[...streams.keys()].join(', ') || '(none)'}.`],
      })
    }
    if (target.kind !== 'kinesis' && target.kind !== 'firehose') {
      throw new UsageError(`--output ${name}: Flink writes to kinesis:NAME or firehose:NAME, not ${target.kind}.`)
    }
    resolved.set(stream.name, target)
  }
  return resolved
}

function withClause(options: Array<[string, string]>): string {
  return `WITH (\n${options.map(([k, v]) => `  ${flinkString(k)} = ${flinkString(v)}`).join(',\n')}\n)`
}

function sourceTable(source: SourceInfo, options: FlinkTranslateOptions, region: string, warn: (statement: string, line: number, note: FlinkNote) => void): string {
  const notes = new NoteList()
  const label = `STREAM "${source.name}"`
  const columns = source.columns.map((c) => `  ${flinkIdentifier(c.name)} ${flinkType(c.type)}`)
  if (source.arrivalTime) columns.push("  APPROXIMATE_ARRIVAL_TIME TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL")
  columns.push(`  ${TIME_COLUMN} AS PROCTIME()`)
  for (const c of source.columns) {
    if (source.format === 'JSON' && c.path !== undefined && c.path !== `$.${c.name}`) {
      notes.add('json-mapping', `Column ${c.name} was mapped from ${c.path}; Flink's json format reads the top-level field named like the column. Rename the column or declare a ROW type for nested fields.`)
    }
  }
  if (source.rowPath !== '$') notes.add('json-mapping', `Records were read from ${source.rowPath}; Flink's json format reads the whole record.`)
  let stream = source.name
  if (source.isInput) {
    if (!options.input) {
      warn(label, 0, {code: 'missing-input', message: `No --input: the source table reads the Kinesis stream '${source.name}'; name yours with --input kinesis:NAME.`})
    } else if (options.input.kind === 'kinesis' || options.input.kind === 'firehose') {
      stream = options.input.name
      if (options.input.kind === 'firehose') {
        notes.add('firehose-source', `Flink cannot read a Firehose delivery stream: send the records of ${options.input.name} to a Kinesis data stream of that name instead (Firehose can stay as a sink).`)
      }
    }
  }
  const withOptions: Array<[string, string]> = [
    ['connector', 'kinesis'],
    ['stream', stream],
    ['aws.region', region],
    ['scan.stream.initpos', 'LATEST'],
  ]
  if (source.format === 'CSV') {
    withOptions.push(['format', 'csv'])
    if (source.columnDelimiter !== ',') withOptions.push(['csv.field-delimiter', source.columnDelimiter])
    withOptions.push(['csv.ignore-parse-errors', 'true'])
  } else {
    withOptions.push(['format', 'json'])
    withOptions.push(['json.ignore-parse-errors', 'true'])
    if (source.columns.some((c) => c.type.name === 'TIMESTAMP')) withOptions.push(['json.timestamp-format.standard', 'ISO-8601'])
  }
  notes.notes.forEach((n) => warn(label, 0, n))
  const what = source.isInput ? `The input (in KDA: ${source.name})` : `${source.name}, read by the SQL`
  return (
    `-- ${what}. ROWTIME becomes the processing-time attribute ${TIME_COLUMN}. Records KDA sent to error_stream are skipped.\n` +
    notes.comments() +
    `CREATE TABLE ${flinkIdentifier(source.name)} (\n${columns.join(',\n')}\n) ${withClause(withOptions)};`
  )
}

function sinkTable(
  stream: StreamInfo,
  table: string,
  target: TargetSpec | undefined,
  region: string,
  warn: (statement: string, line: number, note: FlinkNote) => void,
): string {
  const label = `STREAM "${stream.name}"`
  if (!target) {
    warn(label, stream.statement.pos.line, {
      code: 'missing-output',
      message: `No --output for ${stream.name}: its table writes to the Kinesis stream '${stream.name}'; name yours with --output ${stream.name}=kinesis:NAME or firehose:NAME.`,
    })
  }
  const columns = stream.columns.map((c) => `  ${flinkIdentifier(c.name)} ${flinkType(c.type)}`).join(',\n')
  const name = target && (target.kind === 'kinesis' || target.kind === 'firehose') ? target.name : stream.name
  const withOptions: Array<[string, string]> =
    target?.kind === 'firehose'
      ? [
          ['connector', 'firehose'],
          ['delivery-stream', name],
          ['aws.region', region],
          ['format', 'json'],
        ]
      : [
          ['connector', 'kinesis'],
          ['stream', name],
          ['aws.region', region],
          ['format', 'json'],
        ]
  return `-- Output ${stream.name} (JSON keys are the column names, as KDA wrote them)\nCREATE TABLE ${flinkIdentifier(table)} (\n${columns}\n) ${withClause(withOptions)};`
}

function orderViews(views: StreamInfo[]): StreamInfo[] {
  const ordered: StreamInfo[] = []
  const state = new Map<StreamInfo, 'visiting' | 'done'>()
  const visit = (view: StreamInfo) => {
    if (state.get(view) === 'done') return
    if (state.get(view) === 'visiting') {
      throw new InputError(`The in-application stream ${view.name} feeds itself through its pumps; Flink views cannot be circular.`, {location: {...view.statement.pos}})
    }
    state.set(view, 'visiting')
    for (const writer of view.writers) for (const name of writer.reads) {
      const dependency = views.find((v) => v.name === name)
      if (dependency) visit(dependency)
    }
    state.set(view, 'done')
    ordered.push(view)
  }
  views.forEach(visit)
  return ordered
}

/** One warning for ROWTIME (it concerns nearly every pump), naming each statement. */
function groupRowtimeWarnings(warnings: FlinkWarning[]): FlinkWarning[] {
  const rowtime = warnings.filter((w) => w.code === 'rowtime-processing-time')
  const rest = warnings.filter((w) => w.code !== 'rowtime-processing-time')
  if (rowtime.length > 0) {
    rest.push({...rowtime[0], statement: [...new Set(rowtime.map((w) => w.statement))].join(', ')})
  }
  return rest.sort((a, b) => a.line - b.line)
}
