import type {Clock} from '../core/clock.js'
import type {Workspace} from '../local/workspace.js'
import type {AwsSettings} from '../aws/settings.js'
import type {TargetSpec} from './spec.js'

/** One record on its way to a target. Payloads are text: log lines or JSON documents. */
export interface OutRecord {
  data: string
  /**
   * The record's clock, epoch ms: when it happened (event time, or the simulated arrival time of
   * `generate --start/--speed` and `replay`). Local streams store it as the arrival time, the lake
   * files it under its hour, and the SQL runtime takes it as ROWTIME.
   */
  time: number
  /** Routing key for sharded targets; when absent the sink chooses (random, or its key field). */
  partitionKey?: string
}

/** One record read from a target. */
export interface InRecord {
  data: string
  /** Arrival time, epoch ms (for files: the time the line was read, unless the source knows better). */
  arrival: number
  partitionKey?: string
  /** The source's position of this record (sequence number, line number): for checkpoints and errors. */
  position: string
}

/** What a sink did, honestly counted. delivered + failed = records written. */
export interface DeliveryReport {
  target: string
  delivered: number
  bytes: number
  /** Re-sends of records that a service refused once and later accepted. */
  retried: number
  /** Records given up on (after capped retries), written to the dead-letter file if there is one. */
  failed: number
  deadLetter?: string
}

export interface Sink {
  readonly target: string
  /**
   * Writes a batch; resolves when the sink can take more (backpressure). `mark` is the writer's
   * own position after this batch (e.g. a replayed file's byte offset): a sink that can store it
   * atomically with the records (local streams, opened with `SinkOptions.producerId`) does, which
   * makes resumed writes exactly once.
   */
  write(batch: readonly OutRecord[], mark?: string): Promise<void>
  /** The last mark stored with records for this sink's producer, when the sink keeps marks. */
  lastMark?(): Promise<string | undefined>
  /**
   * Writes `count` records already encoded as UTF-8 lines, each ending in a newline: the fast
   * path of sinks that only write lines (files, stdout), for producers that encode in parallel.
   */
  writeLines?(lines: Uint8Array, count: number): Promise<void>
  /** Delivers everything buffered so far. */
  flush(): Promise<void>
  /** Flushes, releases resources and reports. */
  close(): Promise<DeliveryReport>
}

export type StartPosition = 'trim-horizon' | 'latest'

export interface SourceOptions {
  /** Where to begin when there is no checkpoint. Default: trim-horizon. */
  from?: StartPosition
  /** Keep reading at the end of the data (like `tail -f`). Default: false. */
  follow?: boolean
  /** Stops the read loop; the iterator then ends cleanly. */
  signal?: AbortSignal
  /** Resume just after this position: a token from `Source.checkpoint()` of an earlier read. */
  resume?: string
}

export interface Source {
  readonly target: string
  /** Batches of records in order (per shard), until the data ends (or, when following, until aborted). */
  batches(): AsyncIterable<InRecord[]>
  /**
   * An opaque token for the position just after the last batch yielded (all shards), to pass
   * as `SourceOptions.resume` later. Undefined before the first batch.
   */
  checkpoint(): string | undefined
  close(): Promise<void>
}

/** Everything a target needs from the outside world, passed in so tests can fix it. */
export interface TargetContext {
  workspace: Workspace
  aws: AwsSettings
  clock: Clock
  /** Where diagnostics go (stderr in the CLI); never stdout, which may carry records. */
  warn?: (message: string) => void
  /** The stream records go to when the target is `-`. */
  stdout?: NodeJS.WritableStream
  stdin?: NodeJS.ReadableStream
}

export interface SinkOptions {
  /** A field of JSON payloads whose value becomes the partition key. */
  partitionKeyField?: string
  /** File that receives records a service refused after every retry (NDJSON). */
  deadLetter?: string
  /** Append to a `file:` target instead of replacing it. */
  append?: boolean
  /** Names the writer, so sinks that keep marks (see `Sink.write`) keep them per producer. */
  producerId?: string
}

export type {TargetSpec}
