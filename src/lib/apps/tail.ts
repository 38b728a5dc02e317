import type {Clock} from '../core/clock.js'
import {UsageError} from '../core/errors.js'
import type {Workspace} from '../local/workspace.js'
import {openSource, parseTarget} from '../targets/index.js'
import type {TargetSpec} from '../targets/spec.js'
import type {InRecord, TargetContext} from '../targets/types.js'
import {loadApp} from './registry.js'

export interface TailOptions {
  ctx: TargetContext
  from: TargetSpec
  follow: boolean
  /** Where to begin: the oldest record kept, or only records written from now on. */
  start: 'trim-horizon' | 'latest'
  signal?: AbortSignal
  /** Stop after this many records. */
  limit?: number
  onBatch: (records: readonly InRecord[]) => void | Promise<void>
}

export interface TailResult {
  source: string
  records: number
  elapsedMs: number
  /** Records per second over the run. */
  rate: number
}

/** Reads a target's records in order and hands them on, until its end (or, following, the signal). */
export async function tailRecords(options: TailOptions): Promise<TailResult> {
  const {ctx} = options
  const started = ctx.clock.now()
  const source = await openSource(options.from, ctx, {from: options.start, follow: options.follow, signal: options.signal})
  let records = 0
  try {
    for await (const batch of source.batches()) {
      const take = options.limit === undefined ? batch : batch.slice(0, options.limit - records)
      records += take.length
      if (take.length > 0) await options.onBatch(take)
      if ((options.limit !== undefined && records >= options.limit) || options.signal?.aborted) break
    }
  } finally {
    await source.close()
  }
  const elapsedMs = ctx.clock.now() - started
  return {source: source.target, records, elapsedMs, rate: elapsedMs > 0 ? (records * 1000) / elapsedMs : 0}
}

/**
 * The stream an application's sessions go to: its output to a stream (local or Kinesis), or the
 * one for `stream` when it has several.
 */
export async function applicationOutputTarget(ws: Workspace, name: string, stream?: string): Promise<TargetSpec> {
  const {definition} = await loadApp(ws, name)
  const readable = definition.outputs.filter((o) => /^(local|kinesis):/.test(o.target))
  const chosen = stream === undefined ? readable : readable.filter((o) => o.stream === stream || o.stream.toLowerCase() === stream.toLowerCase())
  if (chosen.length === 0) {
    throw new UsageError(
      stream === undefined ? `application '${name}' writes no output to a stream that can be tailed.` : `application '${name}' has no output for stream '${stream}'.`,
      {suggestions: [`Its outputs: ${definition.outputs.map((o) => `${o.stream}=${o.target}`).join(', ') || 'none'}. Tail one with --from TARGET.`]},
    )
  }
  if (chosen.length > 1) {
    throw new UsageError(`application '${name}' has several outputs; name one with --stream.`, {
      suggestions: chosen.map((o) => `--stream ${o.stream}  (${o.target})`),
    })
  }
  return parseTarget(chosen[0].target, 'output')
}

/** A rolling rate: records per second over the last `windowMs`. */
export class RateMeter {
  private readonly points: Array<[number, number]> = []
  constructor(
    private readonly clock: Clock,
    private readonly windowMs = 10_000,
  ) {}

  add(count: number): void {
    this.points.push([this.clock.now(), count])
  }

  perSecond(): number {
    const now = this.clock.now()
    while (this.points.length > 0 && this.points[0][0] < now - this.windowMs) this.points.shift()
    if (this.points.length === 0) return 0
    const total = this.points.reduce((s, [, n]) => s + n, 0)
    const span = Math.max(1000, now - this.points[0][0])
    return (total * 1000) / span
  }
}
