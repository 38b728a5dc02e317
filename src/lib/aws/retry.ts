import type {Clock} from '../core/clock.js'
import {ClickstreamError, ExternalServiceError, NotFoundError, UsageError} from '../core/errors.js'
import type {Random} from '../core/random.js'

/**
 * How refused records and failed requests are retried: exponential backoff with jitter, capped
 * attempts. The defaults are the Kinesis Agent's (100 ms first wait, doubling, 10 s at most).
 */
export interface RetryPolicy {
  /** Sends of one record or request in all, the first included. */
  maxAttempts: number
  initialDelayMs: number
  maxDelayMs: number
  factor: number
  /** Each wait is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.3,
}

/** The wait before attempt `attempt + 1` (attempt counts sends made so far, from 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: Random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1))
  return Math.round(base * (1 + policy.jitter * (2 * random.next() - 1)))
}

export async function sleepBackoff(attempt: number, policy: RetryPolicy, random: Random, clock: Clock, signal?: AbortSignal): Promise<void> {
  await clock.sleep(backoffDelay(attempt, policy, random), signal)
}

interface AwsLikeError {
  name?: string
  message?: string
  code?: string
  $retryable?: unknown
  $metadata?: {httpStatusCode?: number}
}

function asAws(error: unknown): AwsLikeError {
  return typeof error === 'object' && error !== null ? (error as AwsLikeError) : {message: String(error)}
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'KMSThrottlingException',
])
const TRANSIENT = new Set(['InternalFailure', 'InternalFailureException', 'ServiceUnavailableException', 'ServiceUnavailable', 'InternalServerError', 'TimeoutError', 'RequestTimeout'])
// A refused connection or unknown host is not transient: it fails at once with a hint about --endpoint-url.
const NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN'])
const AUTH = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'CredentialsProviderError',
  'NotAuthorized',
])

/** True for a whole-request error worth retrying: throttling, 5xx, a dropped connection. */
export function isRetryableError(error: unknown): boolean {
  const e = asAws(error)
  if (e.name && (THROTTLING.has(e.name) || TRANSIENT.has(e.name))) return true
  if (e.$retryable) return true
  if (e.code && NETWORK.has(e.code)) return true
  const status = e.$metadata?.httpStatusCode
  return status !== undefined && status >= 500
}

/** A per-record error code worth retrying (PutRecords / PutRecordBatch entries). */
export function isRetryableCode(code: string): boolean {
  return THROTTLING.has(code) || TRANSIENT.has(code)
}

export interface AwsCallContext {
  service: string
  /** e.g. "writing to kinesis:web" */
  action: string
  /** The resource's kind and name, for "not found" errors, e.g. "Kinesis stream 'web'". */
  resource?: string
  /** What to suggest when the resource does not exist. */
  createHint?: string
  region?: string
  endpointUrl?: string
}

/** Turns an SDK error into the toolkit's error hierarchy, with the next thing to try. */
export function mapAwsError(error: unknown, context: AwsCallContext): ClickstreamError {
  if (error instanceof ClickstreamError) return error
  const e = asAws(error)
  const name = e.name ?? 'Error'
  const message = (e.message ?? String(error)).trim()
  const prefix = `${context.action}: `
  if (name === 'ResourceNotFoundException') {
    return new NotFoundError(`${prefix}${context.resource ?? 'the resource'} does not exist${context.region ? ` in ${context.region}` : ''}.`, {
      suggestions: [context.createHint ?? 'Check the name and the region (--region).'],
      cause: error,
    })
  }
  if (AUTH.has(name) || /credential/i.test(name) || /Could not load credentials/i.test(message)) {
    // No credentials at all is not the same trouble as credentials AWS turned down.
    const found = !/Could not load credentials/i.test(message)
    return new ExternalServiceError(context.service, `${prefix}${found ? 'AWS refused the credentials' : 'no AWS credentials were found'} (${name}: ${message}).`, {
      suggestions: [
        'Check which identity is in use: aws sts get-caller-identity (and --profile / AWS_PROFILE).',
        'Against a local emulator (kinesalite, LocalStack), set --endpoint-url and any non-empty AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.',
      ],
      cause: error,
    })
  }
  if (/Region is missing/i.test(message)) {
    return new UsageError(`${prefix}no AWS Region is set.`, {suggestions: ['Pass --region, or set AWS_REGION.'], cause: error})
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND') {
    return new ExternalServiceError(context.service, `${prefix}cannot reach ${context.endpointUrl ?? 'the AWS endpoint'} (${e.code}).`, {
      suggestions: [context.endpointUrl ? 'Is the emulator running at --endpoint-url?' : 'Check the network and --region.'],
      cause: error,
    })
  }
  const suggestions = name === 'ValidationException' || name === 'InvalidArgumentException' ? ['The request was refused as invalid; check names, ARNs and sizes.'] : []
  if (isRetryableError(error)) suggestions.push('The service is throttling or failing; try again later, or add shards.')
  return new ExternalServiceError(context.service, `${prefix}${name}: ${message}`, {suggestions, cause: error})
}
