import {InputError} from '../core/errors.js'
import {readJsonFile, writeFileAtomic} from '../core/files.js'
import {openSink, openSource} from './index.js'
import {formatTarget, type TargetSpec} from './spec.js'
import type {OutRecord, StartPosition, TargetContext} from './types.js'

export interface DeliverOptions {
  from: TargetSpec
  to: TargetSpec
  /** Where to begin when there is no checkpoint. */
  start: StartPosition
  /** Keep delivering new records until interrupted, as a delivery stream does. */
  follow: boolean
  /** `--checkpoint FILE`: where the source position is kept, so a later run continues there. */
  checkpoint?: string
  deadLetter?: string
  signal?: AbortSignal
  onProgress?: (delivered: number) => void
}

export interface DeliverResult {
  source: string
  target: string
  read: number
  delivered: number
  retried: number
  failed: number
  bytes: number
  elapsedMs: number
  /** The checkpoint file, when one was kept. */
  checkpoint?: string
  deadLetter?: string
}

interface DeliveryCheckpoint {
  version: 1
  source: string
  position: string
}

/**
 * `streams deliver`: what a Firehose delivery stream with a Kinesis source does. Reads a stream
 * and writes every record, with its own time, to another target (a lake table, a file, another
 * stream). With a checkpoint, the source position is saved after the target has taken the
 * records (at least once: an interrupted run re-delivers at most its last unflushed batch).
 */
export async function deliverStream(options: DeliverOptions, ctx: TargetContext): Promise<DeliverResult> {
  const started = ctx.clock.now()
  const sourceName = formatTarget(options.from)
  const resume = options.checkpoint ? await loadDeliveryCheckpoint(options.checkpoint, sourceName) : undefined
  const source = await openSource(options.from, ctx, {from: options.start, follow: options.follow, signal: options.signal, ...(resume ? {resume} : {})})
  const sink = await openSink(options.to, ctx, options.deadLetter ? {deadLetter: options.deadLetter} : {})
  let read = 0
  let closed = false
  try {
    for await (const batch of source.batches()) {
      const out: OutRecord[] = batch.map((r) => (r.partitionKey === undefined ? {data: r.data, time: r.arrival} : {data: r.data, time: r.arrival, partitionKey: r.partitionKey}))
      await sink.write(out)
      read += batch.length
      options.onProgress?.(read)
      if (options.checkpoint && options.follow) {
        // A following delivery checkpoints as it goes; what the sink still buffers is flushed first.
        await sink.flush()
        await saveDeliveryCheckpoint(options.checkpoint, sourceName, source.checkpoint())
      }
    }
    const report = await sink.close()
    closed = true
    if (options.checkpoint) await saveDeliveryCheckpoint(options.checkpoint, sourceName, source.checkpoint())
    return {
      source: sourceName,
      target: report.target,
      read,
      delivered: report.delivered,
      retried: report.retried,
      failed: report.failed,
      bytes: report.bytes,
      elapsedMs: ctx.clock.now() - started,
      ...(options.checkpoint ? {checkpoint: options.checkpoint} : {}),
      ...(report.deadLetter ? {deadLetter: report.deadLetter} : {}),
    }
  } finally {
    if (!closed) await sink.close().catch(() => undefined)
    await source.close()
  }
}

async function loadDeliveryCheckpoint(path: string, source: string): Promise<string | undefined> {
  const parsed = await readJsonFile<Partial<DeliveryCheckpoint>>(path)
  if (parsed === undefined) return undefined
  if (parsed?.version !== 1 || typeof parsed.position !== 'string') {
    throw new InputError(`${path} is not a delivery checkpoint.`, {location: {file: path}, suggestions: ['Name another --checkpoint file, or delete this one to deliver from the start.']})
  }
  if (parsed.source !== source) {
    throw new InputError(`${path} is the checkpoint of ${parsed.source}, not of ${source}.`, {location: {file: path}, suggestions: ['Use one checkpoint file per source.']})
  }
  return parsed.position
}

async function saveDeliveryCheckpoint(path: string, source: string, position: string | undefined): Promise<void> {
  if (position === undefined) return
  const checkpoint: DeliveryCheckpoint = {version: 1, source, position}
  await writeFileAtomic(path, JSON.stringify(checkpoint) + '\n')
}
