import {join} from 'node:path'

/**
 * Where things live in the lake folder. It mirrors what Firehose writes to S3 with its default
 * prefix: `TABLE/YYYY/MM/DD/HH/` (UTC), one object per buffer flush, so a Glue crawler pointed at
 * the same layout would find the same tables with the same partition columns.
 */

/** Records the lake refused (not a JSON object, or not convertible to Parquet), as Firehose's error prefix. */
export const ERRORS_FOLDER = '_errors'

/** Data files end in one of these; anything else (temp files, notes) is ignored by crawl. */
export const DATA_EXTENSIONS = ['.json', '.json.gz', '.parquet'] as const

export type LakeFormat = 'json' | 'json.gz' | 'parquet'

export const LAKE_FORMATS: readonly LakeFormat[] = ['json', 'json.gz', 'parquet']

/** Glue names the folders below a table's root partition_0, partition_1, … in order. */
export const PARTITION_COLUMNS = ['partition_0', 'partition_1', 'partition_2', 'partition_3'] as const

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `YYYY/MM/DD/HH` of an epoch-ms time, in UTC as Firehose's default prefix is. */
export function hourPrefix(time: number): string {
  const d = new Date(time)
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`
}

/** `YYYY-MM-DD-HH-MM-SS` as in Firehose object names. */
export function stampOf(time: number): string {
  const d = new Date(time)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`
}

export function tableFolder(lake: string, table: string): string {
  return join(lake, table)
}

export function errorsFolder(lake: string, table: string): string {
  return join(lake, ERRORS_FOLDER, table)
}

/** True for a name in the lake that holds data rows. */
export function isDataFile(name: string): boolean {
  return DATA_EXTENSIONS.some((ext) => name.endsWith(ext))
}

export function formatOfFile(name: string): LakeFormat | undefined {
  if (name.endsWith('.parquet')) return 'parquet'
  if (name.endsWith('.json.gz')) return 'json.gz'
  if (name.endsWith('.json')) return 'json'
  return undefined
}
