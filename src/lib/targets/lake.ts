import {randomBytes} from 'node:crypto'
import {UsageError} from '../core/errors.js'
import {parseDuration, parseSize} from '../core/units.js'
import {LakeSink, type LakeDeliveryOptions} from '../lake/delivery.js'
import {LAKE_FORMATS, type LakeFormat} from '../lake/layout.js'
import type {Sink, SinkOptions, TargetContext} from './types.js'

/**
 * Delivery settings every command writing to `lake:TABLE` honours, without a flag of its own:
 * CLICKSTREAM_LAKE_FORMAT (json | json.gz | parquet), CLICKSTREAM_LAKE_BUFFER_SIZE (e.g. 5MiB)
 * and CLICKSTREAM_LAKE_BUFFER_INTERVAL (e.g. 300s) — Firehose's BufferingHints, by name.
 */
export const LAKE_ENVIRONMENT = {
  format: 'CLICKSTREAM_LAKE_FORMAT',
  bufferSize: 'CLICKSTREAM_LAKE_BUFFER_SIZE',
  bufferInterval: 'CLICKSTREAM_LAKE_BUFFER_INTERVAL',
} as const

export type LakeSettings = Pick<LakeDeliveryOptions, 'format' | 'bufferBytes' | 'bufferIntervalMs' | 'writerId'>

export function lakeSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): LakeSettings {
  const settings: LakeSettings = {}
  const format = env[LAKE_ENVIRONMENT.format]
  if (format) {
    if (!LAKE_FORMATS.includes(format as LakeFormat)) {
      throw new UsageError(`${LAKE_ENVIRONMENT.format}='${format}': the lake writes ${LAKE_FORMATS.join(', ')}.`)
    }
    settings.format = format as LakeFormat
  }
  const size = env[LAKE_ENVIRONMENT.bufferSize]
  if (size) settings.bufferBytes = parseSize(size, LAKE_ENVIRONMENT.bufferSize)
  const interval = env[LAKE_ENVIRONMENT.bufferInterval]
  if (interval) settings.bufferIntervalMs = parseDuration(interval, LAKE_ENVIRONMENT.bufferInterval)
  return settings
}

/** `lake:TABLE`: Firehose-like delivery into the workspace lake. */
export async function openLakeSink(table: string, ctx: TargetContext, options: SinkOptions = {}, settings: LakeSettings = lakeSettingsFromEnvironment()): Promise<Sink> {
  // The producer's name makes files easy to attribute; pid and randomness keep them unique.
  const writerId = settings.writerId ?? (options.producerId ? `${safeName(options.producerId)}-${process.pid}-${randomBytes(3).toString('hex')}` : undefined)
  return new LakeSink({lake: ctx.workspace.lake, table, clock: ctx.clock, ...settings, writerId})
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64)
}

export {openLakeSource} from '../lake/source.js'
