import {InputError} from '../../core/errors.js'
import type {SourceStreamDefinition} from '../api.js'
import {formatSqlType, parseSqlType, type Column, type SqlType} from '../types.js'
import {parseJsonPath, type JsonPath} from './json-path.js'

/**
 * KDA's InputSchema JSON, as the CreateApplication API and the console take it (also accepted
 * wrapped in an `Input` object: `{NamePrefix, InputSchema: {...}}`).
 */
export interface InputSchemaJson {
  NamePrefix?: string
  RecordEncoding?: string
  RecordFormat: {
    RecordFormatType: 'JSON' | 'CSV'
    MappingParameters?: {
      JSONMappingParameters?: {RecordRowPath: string}
      CSVMappingParameters?: {RecordRowDelimiter: string; RecordColumnDelimiter: string}
    }
  }
  RecordColumns: Array<{Name: string; SqlType: string; Mapping?: string}>
}

export interface MappedColumn extends Column {
  /** JSON: the parsed Mapping path. */
  path?: JsonPath
  /** CSV: the 0-based field position. */
  position?: number
}

/** A validated input schema, ready to map records to rows of the source in-application stream. */
export interface InputMapping {
  /** `<NamePrefix>_001`: KDA creates it quoted, so it keeps the prefix's case. */
  streamName: string
  namePrefix: string
  format: 'JSON' | 'CSV'
  /** JSON: the row root (`$` unless records wrap their rows). */
  rowPath?: JsonPath
  rowDelimiter: string
  columnDelimiter: string
  columns: MappedColumn[]
}

export const DEFAULT_NAME_PREFIX = 'SOURCE_SQL_STREAM'
/** KDA's limit on source columns per in-application stream. */
export const MAX_INPUT_COLUMNS = 1000

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Validates InputSchema JSON and compiles its mappings. Every problem is an InputError that names
 * the field (`RecordColumns[2].SqlType`) and the file.
 */
export function parseInputSchema(json: unknown, file?: string): InputMapping {
  const bad = (where: string, why: string) =>
    new InputError(`input schema: ${where}: ${why}`, {
      location: file ? {file} : undefined,
      suggestions: ['An input schema is KDA InputSchema JSON: {"RecordFormat": {"RecordFormatType": "JSON"}, "RecordColumns": [{"Name": "user_id", "SqlType": "VARCHAR(16)", "Mapping": "$.user_id"}]}.'],
    })
  if (!isObject(json)) throw bad('top level', 'expected a JSON object')
  let schema: Record<string, unknown> = json
  let namePrefix: unknown = json.NamePrefix
  if (isObject(json.InputSchema)) {
    schema = json.InputSchema
    namePrefix ??= schema.NamePrefix
  }
  namePrefix ??= DEFAULT_NAME_PREFIX
  if (typeof namePrefix !== 'string' || !/^[^\s"]{1,32}$/.test(namePrefix)) throw bad('NamePrefix', 'expected 1-32 characters without spaces or quotes')
  if (schema.RecordEncoding !== undefined && String(schema.RecordEncoding).toUpperCase() !== 'UTF-8') {
    throw bad('RecordEncoding', `only UTF-8 is supported, found '${String(schema.RecordEncoding)}'`)
  }
  const recordFormat = schema.RecordFormat
  if (!isObject(recordFormat)) throw bad('RecordFormat', 'missing (expected {"RecordFormatType": "JSON"} or "CSV")')
  const format = recordFormat.RecordFormatType
  if (format !== 'JSON' && format !== 'CSV') throw bad('RecordFormat.RecordFormatType', `expected JSON or CSV, found ${JSON.stringify(format)}`)
  const params = isObject(recordFormat.MappingParameters) ? recordFormat.MappingParameters : {}

  const mapping: InputMapping = {
    streamName: `${namePrefix}_001`,
    namePrefix,
    format,
    rowDelimiter: '\n',
    columnDelimiter: ',',
    columns: [],
  }
  if (format === 'JSON') {
    const jsonParams = isObject(params.JSONMappingParameters) ? params.JSONMappingParameters : {}
    const rowPathText = jsonParams.RecordRowPath ?? '$'
    if (typeof rowPathText !== 'string') throw bad('RecordFormat.MappingParameters.JSONMappingParameters.RecordRowPath', 'expected a string such as "$"')
    const rowPath = parseJsonPath(rowPathText)
    if (typeof rowPath === 'string') throw bad('RecordFormat.MappingParameters.JSONMappingParameters.RecordRowPath', rowPath)
    mapping.rowPath = rowPath
  } else {
    const csv = isObject(params.CSVMappingParameters) ? params.CSVMappingParameters : {}
    for (const key of ['RecordRowDelimiter', 'RecordColumnDelimiter'] as const) {
      const v = csv[key]
      if (v === undefined) continue
      if (typeof v !== 'string' || v.length === 0) throw bad(`RecordFormat.MappingParameters.CSVMappingParameters.${key}`, 'expected a non-empty string')
    }
    if (typeof csv.RecordRowDelimiter === 'string') mapping.rowDelimiter = csv.RecordRowDelimiter
    if (typeof csv.RecordColumnDelimiter === 'string') mapping.columnDelimiter = csv.RecordColumnDelimiter
  }

  const columns = schema.RecordColumns
  if (!Array.isArray(columns) || columns.length === 0) throw bad('RecordColumns', 'expected a non-empty array of {Name, SqlType, Mapping}')
  if (columns.length > MAX_INPUT_COLUMNS) throw bad('RecordColumns', `at most ${MAX_INPUT_COLUMNS} columns, found ${columns.length}`)
  const seen = new Set<string>()
  let flattenPrefix: string | undefined
  columns.forEach((c, i) => {
    const where = `RecordColumns[${i}]`
    if (!isObject(c)) throw bad(where, 'expected {Name, SqlType, Mapping}')
    if (typeof c.Name !== 'string' || c.Name.length === 0 || c.Name.length > 128) throw bad(`${where}.Name`, 'expected a name of 1-128 characters')
    if (seen.has(c.Name)) throw bad(`${where}.Name`, `'${c.Name}' is used twice`)
    seen.add(c.Name)
    if (typeof c.SqlType !== 'string') throw bad(`${where}.SqlType`, 'expected a type such as "VARCHAR(16)"')
    const type: SqlType | undefined = parseSqlType(c.SqlType)
    if (!type) throw bad(`${where}.SqlType`, `unknown type '${c.SqlType}' (use BOOLEAN, INTEGER, BIGINT, DOUBLE, DECIMAL(p,s), VARCHAR(n), CHAR(n), TIMESTAMP, DATE, TIME, ...)`)
    const column: MappedColumn = {name: c.Name, type}
    if (format === 'JSON') {
      const text = c.Mapping ?? `$.${c.Name}`
      if (typeof text !== 'string') throw bad(`${where}.Mapping`, 'expected a JSON path such as "$.user_id"')
      const path = parseJsonPath(text)
      if (typeof path === 'string') throw bad(`${where}.Mapping`, path)
      if (path.flattenAt >= 0 && path.flattenAt < path.steps.length - 1) {
        const prefix = JSON.stringify(path.steps.slice(0, path.flattenAt))
        if (flattenPrefix !== undefined && flattenPrefix !== prefix) throw bad(`${where}.Mapping`, 'only one array per schema may be flattened into rows with [0:]')
        flattenPrefix = prefix
      }
      column.path = path
    } else {
      column.position = i
    }
    mapping.columns.push(column)
  })
  return mapping
}

/** The source in-application stream the SQL compiler is given. */
export function sourceStreamOf(mapping: InputMapping): SourceStreamDefinition {
  return {name: mapping.streamName, columns: mapping.columns.map(({name, type}) => ({name, type}))}
}

/** The mapping back as InputSchema JSON (what deploy stores and discovery prints). */
export function toInputSchemaJson(mapping: InputMapping): InputSchemaJson {
  return {
    NamePrefix: mapping.namePrefix,
    RecordEncoding: 'UTF-8',
    RecordFormat:
      mapping.format === 'JSON'
        ? {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: mapping.rowPath?.text ?? '$'}}}
        : {RecordFormatType: 'CSV', MappingParameters: {CSVMappingParameters: {RecordRowDelimiter: mapping.rowDelimiter, RecordColumnDelimiter: mapping.columnDelimiter}}},
    RecordColumns: mapping.columns.map((c) => ({Name: c.name, SqlType: formatSqlType(c.type), ...(c.path ? {Mapping: c.path.text} : {})})),
  }
}
