import {appendFileSync, mkdirSync} from 'node:fs'
import {dirname} from 'node:path'
import type {Clock} from '../core/clock.js'
import type {ClickstreamError} from '../core/errors.js'
import type {Random} from '../core/random.js'
import {isRetryableCode, isRetryableError, sleepBackoff, type RetryPolicy} from '../aws/retry.js'
import type {DeliveryReport, OutRecord} from './types.js'

/** One record on its way to a batched service API. */
export interface PendingRecord {
  record: OutRecord
  payload: Uint8Array
  partitionKey?: string
  /** What the record counts against the request's byte limit. */
  size: number
  attempts: number
}

export interface EntryFailure {
  code: string
  message: string
  /** Set for a whole-request failure worth retrying (its code may be any name, or a network code). */
  retryable?: boolean
}

/**
 * Sends one request. Resolves with one entry per record, in order: undefined when accepted, the
 * error when refused. Throws when the whole request failed.
 */
export type SendRequest = (entries: readonly PendingRecord[]) => Promise<Array<EntryFailure | undefined>>

export interface BatchSenderOptions {
  target: string
  maxRecords: number
  maxBytes: number
  send: SendRequest
  policy: RetryPolicy
  clock: Clock
  random: Random
  /** NDJSON file for records given up on. */
  deadLetter?: string
  mapError: (error: unknown) => ClickstreamError
  signal?: AbortSignal
}

/**
 * Splits records into requests within a service's count and byte limits, sends them one at a
 * time, re-sends only the entries that were refused (jittered exponential backoff, capped
 * attempts), and sets aside what it gives up on, with the reason, in the dead-letter file.
 * Every record handed to it ends up counted as delivered or failed.
 */
export class RetryingBatchSender {
  delivered = 0
  bytes = 0
  retried = 0
  failed = 0

  constructor(private readonly options: BatchSenderOptions) {}

  /** Records refused before sending (too large, bad key): counted as failed with the reason. */
  reject(record: OutRecord, code: string, message: string, partitionKey?: string): void {
    this.giveUp({record, payload: new Uint8Array(), partitionKey, size: 0, attempts: 0}, {code, message})
  }

  async send(records: PendingRecord[]): Promise<void> {
    const {policy} = this.options
    let pending = records
    while (pending.length > 0) {
      const again: PendingRecord[] = []
      for (const chunk of this.requests(pending)) {
        let results: Array<EntryFailure | undefined>
        try {
          results = await this.options.send(chunk)
        } catch (error) {
          const failure = {code: (error as Error).name || 'RequestFailed', message: (error as Error).message}
          if (!isRetryableError(error) || chunk.some((r) => r.attempts + 1 >= policy.maxAttempts)) {
            // A refusal that retrying cannot fix (credentials, a missing stream), or a service that
            // kept failing whole requests: set aside this write's undelivered records and stop.
            for (const r of chunk) r.attempts++
            const rest = pending.slice(pending.indexOf(chunk[chunk.length - 1]) + 1)
            for (const r of [...again, ...chunk, ...rest]) this.giveUp(r, failure)
            throw this.options.mapError(error)
          }
          results = chunk.map(() => ({...failure, retryable: true}))
        }
        for (let i = 0; i < chunk.length; i++) {
          const r = chunk[i]
          r.attempts++
          const failure = results[i]
          if (failure === undefined) {
            this.delivered++
            this.bytes += r.payload.length
            if (r.attempts > 1) this.retried++
          } else if ((failure.retryable || isRetryableCode(failure.code)) && r.attempts < policy.maxAttempts) {
            again.push(r)
          } else {
            this.giveUp(r, failure)
          }
        }
      }
      pending = again
      if (pending.length > 0) {
        await sleepBackoff(pending[0].attempts, policy, this.options.random, this.options.clock, this.options.signal)
      }
    }
  }

  report(): DeliveryReport {
    const report: DeliveryReport = {target: this.options.target, delivered: this.delivered, bytes: this.bytes, retried: this.retried, failed: this.failed}
    if (this.options.deadLetter && this.failed > 0) report.deadLetter = this.options.deadLetter
    return report
  }

  /** Consecutive slices within the request limits. */
  private *requests(records: PendingRecord[]): Generator<PendingRecord[]> {
    const {maxRecords, maxBytes} = this.options
    let chunk: PendingRecord[] = []
    let bytes = 0
    for (const r of records) {
      if (chunk.length > 0 && (chunk.length === maxRecords || bytes + r.size > maxBytes)) {
        yield chunk
        chunk = []
        bytes = 0
      }
      chunk.push(r)
      bytes += r.size
    }
    if (chunk.length > 0) yield chunk
  }

  private giveUp(r: PendingRecord, failure: EntryFailure): void {
    this.failed++
    const file = this.options.deadLetter
    if (!file) return
    const line = {
      target: this.options.target,
      errorCode: failure.code,
      errorMessage: failure.message,
      attempts: r.attempts,
      time: new Date(r.record.time).toISOString(),
      partitionKey: r.partitionKey,
      data: r.record.data,
    }
    mkdirSync(dirname(file), {recursive: true})
    appendFileSync(file, JSON.stringify(line) + '\n')
  }
}
