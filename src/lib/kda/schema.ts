import type {SourceSchema} from '@aws-sdk/client-kinesis-analytics'
import {parseInputSchema, toInputSchemaJson} from '../sql/input/schema.js'

/**
 * The input schema a user gives with `--schema FILE`: KDA's `InputSchema` JSON as the console,
 * CloudFormation and `aws kinesisanalytics discover-input-schema` show it (the whole
 * DiscoverInputSchema response, or an `Input` with `NamePrefix`, is accepted too). It is checked
 * by the same parser the local runtime uses, so a file that runs locally deploys to KDA, and sent
 * in its normalised form (types spelled canonically, each JSON column with its Mapping).
 */
export interface NormalizedInputSchema {
  schema: SourceSchema
  /** The file's NamePrefix, when it names one (the SQL then reads `<NamePrefix>_001`). */
  namePrefix?: string
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function normalizeInputSchema(raw: unknown, file?: string): NormalizedInputSchema {
  const mapping = parseInputSchema(raw, file)
  const {NamePrefix: namePrefix, ...schema} = toInputSchemaJson(mapping)
  const named = isObject(raw) && (typeof raw.NamePrefix === 'string' || (isObject(raw.InputSchema) && typeof raw.InputSchema.NamePrefix === 'string'))
  return named ? {schema, namePrefix} : {schema}
}
