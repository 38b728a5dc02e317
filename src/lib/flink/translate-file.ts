import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {adjacentSchemaFile, loadSchemaFile, readTextFile} from '../apps/input.js'
import {parseOutputFlag} from '../apps/output.js'
import {ExternalServiceError, UsageError} from '../core/errors.js'
import {parseTarget, type TargetSpec} from '../targets/spec.js'
import type {FlinkWarning} from './notes.js'
import {translateToFlink} from './translate.js'

export interface TranslateApplicationOptions {
  sqlFile: string
  to: 'flink'
  /** `kinesis:NAME` (as --input gives it). */
  input?: string
  /** `STREAM=kinesis:NAME|firehose:NAME`, as --output gives them. */
  outputs?: string[]
  region?: string
  /** KDA InputSchema JSON; APP.schema.json beside the SQL when absent. */
  schemaFile?: string
  /** Write the SQL here instead of returning it for stdout. */
  out?: string
}

export interface TranslateApplicationResult {
  sql: string
  warnings: FlinkWarning[]
  /** The schema file used for the source columns, if any. */
  schema: string | null
  /** The file the SQL was written to, or null for stdout. */
  out: string | null
}

/** Reads APP.sql (and its schema), translates it, and writes the Flink SQL to --out if given. */
export async function translateApplication(options: TranslateApplicationOptions): Promise<TranslateApplicationResult> {
  if (options.to !== 'flink') throw new UsageError(`--to ${String(options.to)}: the only target is flink.`)
  const sql = await readTextFile(options.sqlFile, 'application SQL')
  const schemaFile = options.schemaFile ?? adjacentSchemaFile(options.sqlFile)
  const schema = schemaFile === undefined ? undefined : (await loadSchemaFile(schemaFile)).json
  const outputs: Record<string, TargetSpec> = {}
  for (const flag of options.outputs ?? []) {
    const {stream, target} = parseOutputFlag(flag)
    if (outputs[stream]) throw new UsageError(`--output names ${stream} twice.`)
    outputs[stream] = target
  }
  const input = options.input === undefined ? undefined : parseTarget(options.input, '--input')
  if (input && input.kind !== 'kinesis' && input.kind !== 'firehose') {
    throw new UsageError(`--input ${options.input}: Flink reads Kinesis data streams (kinesis:NAME).`)
  }
  const translation = translateToFlink(sql, {
    file: options.sqlFile,
    input,
    outputs,
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    schema,
    schemaFile,
  })
  if (options.out !== undefined) {
    try {
      await mkdir(dirname(options.out), {recursive: true})
      await writeFile(options.out, translation.sql)
    } catch (error) {
      throw new ExternalServiceError('file system', `cannot write ${options.out}: ${(error as Error).message}`, {cause: error})
    }
  }
  return {...translation, schema: schemaFile ?? null, out: options.out ?? null}
}

/** `app.sql:17: PUMP "WINDOW_PUMP_SEC": ...`, as the command prints each warning. */
export function formatFlinkWarning(warning: FlinkWarning, file: string): string {
  const where = warning.line > 0 ? `${file}:${warning.line}: ` : `${file}: `
  return `${where}${warning.statement ? `${warning.statement}: ` : ''}${warning.message}`
}
