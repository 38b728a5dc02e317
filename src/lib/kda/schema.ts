import type {MappingParameters, RecordColumn, SourceSchema} from '@aws-sdk/client-kinesis-analytics'
import {InputError} from '../core/errors.js'

/**
 * The input schema a user gives with `--schema FILE`: KDA's `InputSchema` JSON as the console,
 * CloudFormation and `aws kinesisanalytics discover-input-schema` show it —
 * `{RecordFormat: {RecordFormatType, MappingParameters}, RecordEncoding, RecordColumns: [{Name, SqlType, Mapping}]}`.
 * The whole DiscoverInputSchema response (`{InputSchema: {...}}`) is accepted too, so its output
 * can be saved and edited (widen a VARCHAR, turn a string into TIMESTAMP) and passed back.
 */

/** KDA's limit on columns of an input schema. */
export const KDA_MAX_INPUT_COLUMNS = 1000

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function normalizeInputSchema(raw: unknown, file = 'schema'): SourceSchema {
  const bad = (path: string, why: string) =>
    new InputError(`${file}: ${path} ${why}`, {
      location: {file},
      suggestions: [
        'A schema file holds KDA InputSchema JSON, e.g. {"RecordFormat": {"RecordFormatType": "JSON"}, "RecordColumns": [{"Name": "user_id", "SqlType": "INTEGER", "Mapping": "$.user_id"}]}.',
      ],
    })
  let schema: unknown = raw
  if (isObject(schema) && isObject(schema.InputSchema)) schema = schema.InputSchema
  if (!isObject(schema)) throw bad('the schema', 'is not a JSON object.')

  const format = schema.RecordFormat
  if (!isObject(format)) throw bad('RecordFormat', 'is missing (an object with RecordFormatType JSON or CSV).')
  const type = format.RecordFormatType
  if (type !== 'JSON' && type !== 'CSV') throw bad('RecordFormat.RecordFormatType', `must be "JSON" or "CSV", not ${JSON.stringify(type)}.`)

  const mapping = isObject(format.MappingParameters) ? format.MappingParameters : {}
  let mappingParameters: MappingParameters
  if (type === 'JSON') {
    const json = isObject(mapping.JSONMappingParameters) ? mapping.JSONMappingParameters : {}
    const rowPath = json.RecordRowPath ?? '$'
    if (typeof rowPath !== 'string' || !rowPath.startsWith('$')) throw bad('RecordFormat.MappingParameters.JSONMappingParameters.RecordRowPath', 'must be a JSONPath starting with $.')
    mappingParameters = {JSONMappingParameters: {RecordRowPath: rowPath}}
  } else {
    const csv = isObject(mapping.CSVMappingParameters) ? mapping.CSVMappingParameters : {}
    const rowDelimiter = csv.RecordRowDelimiter ?? '\n'
    const columnDelimiter = csv.RecordColumnDelimiter ?? ','
    if (typeof rowDelimiter !== 'string' || rowDelimiter === '') throw bad('RecordFormat.MappingParameters.CSVMappingParameters.RecordRowDelimiter', 'must be a non-empty string.')
    if (typeof columnDelimiter !== 'string' || columnDelimiter === '') throw bad('RecordFormat.MappingParameters.CSVMappingParameters.RecordColumnDelimiter', 'must be a non-empty string.')
    mappingParameters = {CSVMappingParameters: {RecordRowDelimiter: rowDelimiter, RecordColumnDelimiter: columnDelimiter}}
  }

  const columns = schema.RecordColumns
  if (!Array.isArray(columns) || columns.length === 0) throw bad('RecordColumns', 'must be a non-empty array of {Name, SqlType, Mapping}.')
  if (columns.length > KDA_MAX_INPUT_COLUMNS) throw bad('RecordColumns', `has ${columns.length} columns; KDA takes at most ${KDA_MAX_INPUT_COLUMNS}.`)
  const seen = new Set<string>()
  const recordColumns: RecordColumn[] = columns.map((column, i) => {
    const at = `RecordColumns[${i}]`
    if (!isObject(column)) throw bad(at, 'is not an object.')
    if (typeof column.Name !== 'string' || column.Name === '') throw bad(`${at}.Name`, 'must be a non-empty string.')
    if (typeof column.SqlType !== 'string' || column.SqlType.trim() === '') throw bad(`${at}.SqlType`, `must be a SQL type such as VARCHAR(64) or INTEGER (column ${column.Name}).`)
    if (seen.has(column.Name)) throw bad(`${at}.Name`, `repeats the column name ${column.Name}.`)
    seen.add(column.Name)
    if (column.Mapping !== undefined && typeof column.Mapping !== 'string') throw bad(`${at}.Mapping`, 'must be a string (a JSONPath such as $.user_id).')
    if (type === 'JSON' && column.Mapping === undefined) throw bad(`${at}.Mapping`, `is required for JSON records (e.g. "$.${column.Name}").`)
    const out: RecordColumn = {Name: column.Name, SqlType: column.SqlType.trim()}
    if (typeof column.Mapping === 'string') out.Mapping = column.Mapping
    return out
  })

  const encoding = schema.RecordEncoding ?? 'UTF-8'
  if (encoding !== 'UTF-8') throw bad('RecordEncoding', `must be "UTF-8" (the only encoding KDA reads), not ${JSON.stringify(encoding)}.`)

  return {
    RecordFormat: {RecordFormatType: type, MappingParameters: mappingParameters},
    RecordEncoding: 'UTF-8',
    RecordColumns: recordColumns,
  }
}
