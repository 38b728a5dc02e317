import {
  ClickstreamError,
  ConflictError,
  ExternalServiceError,
  InputError,
  NotFoundError,
} from '../core/errors.js'

/**
 * Turns what the Kinesis Data Analytics (v1, SQL) API or the network threw into the toolkit's
 * error hierarchy, each with the next thing to try. The one case that matters most: Amazon
 * retired KDA for SQL applications, so a refusal that says so, or an endpoint that no longer
 * exists, is reported as that retirement with the two ways forward.
 */

export const KDA_SERVICE = 'Kinesis Data Analytics'

export const KDA_RETIREMENT =
  'Amazon retired Kinesis Data Analytics for SQL applications: no new applications since 2025-10-15, ' +
  'and existing applications are deleted from 2026-01-27.'

export const RETIREMENT_SUGGESTIONS = [
  'Run the same SQL on this machine: add `--runtime local` (the local KDA-SQL runtime runs the workshop programs unchanged).',
  'Move to Amazon Managed Service for Apache Flink: `clickstream app translate APP.sql --to flink` writes the Flink SQL.',
]

/** What the failing call was, for the message ("deploying", "starting", ...). */
export interface KdaCallContext {
  action: string
  application: string
  region?: string
  endpointUrl?: string
}

interface AwsLikeError {
  name?: string
  message?: string
  code?: string
  hostname?: string
  $metadata?: {httpStatusCode?: number}
}

const RETIRED_TEXT =
  /discontinu|retired|no longer (supported|available|accept)|end of (life|support)|deprecat|not allowed for SQL applications|cannot create new|sunset/i

function asAwsError(error: unknown): AwsLikeError {
  return typeof error === 'object' && error !== null ? (error as AwsLikeError) : {message: String(error)}
}

/** True when the error says the KDA SQL service is gone (as a refusal, or as a missing endpoint). */
export function isRetirementError(error: unknown): boolean {
  const e = asAwsError(error)
  const name = e.name ?? ''
  const message = e.message ?? ''
  if (name === 'UnsupportedOperationException') {
    // This one is about an application made with the v2 API, not about the service being gone.
    return !/kinesisanalyticsv2/i.test(message)
  }
  if (name === 'UnknownOperationException' || name === 'UnknownEndpoint' || name === 'EndpointError') return true
  if (isMissingEndpoint(e)) return true
  return RETIRED_TEXT.test(message)
}

function isMissingEndpoint(e: AwsLikeError): boolean {
  return e.code === 'ENOTFOUND' || (e.name === 'Error' && /getaddrinfo ENOTFOUND/.test(e.message ?? ''))
}

function endpointDescription(context: KdaCallContext, e: AwsLikeError): string {
  if (e.hostname) return e.hostname
  if (context.endpointUrl) return context.endpointUrl
  return `kinesisanalytics.${context.region ?? '<region>'}.amazonaws.com`
}

export function mapKdaError(error: unknown, context: KdaCallContext): ClickstreamError {
  if (error instanceof ClickstreamError) return error
  const e = asAwsError(error)
  const name = e.name ?? 'Error'
  const message = (e.message ?? String(error)).trim()
  const what = `${context.action} KDA application '${context.application}'`
  const where = context.region ? ` in ${context.region}` : ''

  if (isRetirementError(error)) {
    const cause = isMissingEndpoint(e) || name === 'UnknownEndpoint' || name === 'EndpointError'
      ? `the endpoint ${endpointDescription(context, e)} could not be found`
      : `${name}: ${message}`
    const network = isMissingEndpoint(e)
      ? ['If you expected the endpoint to exist, check your network connection and --region.']
      : []
    return new ExternalServiceError(KDA_SERVICE, `${what} failed (${cause}). ${KDA_RETIREMENT}`, {
      cause: error,
      suggestions: [...RETIREMENT_SUGGESTIONS, ...network],
    })
  }

  switch (name) {
    case 'ResourceNotFoundException':
      return new NotFoundError(`No KDA application named '${context.application}'${where} (${message}).`, {
        cause: error,
        suggestions: [
          'List your applications with `aws kinesisanalytics list-applications` and check the name and --region.',
          'Create it with `clickstream app deploy APP.sql --runtime kda --name NAME --input kinesis:STREAM --role-arn ARN`.',
        ],
      })
    case 'ResourceInUseException':
    case 'ConcurrentModificationException':
      return new ConflictError(`${what} failed: the application is busy or was changed meanwhile (${name}: ${message}).`, {
        cause: error,
        suggestions: [
          `See its state with \`clickstream app status ${context.application} --runtime kda\`, wait until it is READY or RUNNING, and try again.`,
        ],
      })
    case 'CodeValidationException':
      return new InputError(`${what} failed: KDA rejected the SQL (${message}).`, {
        cause: error,
        suggestions: [
          'Check the SQL locally first: `clickstream app explain APP.sql` reports errors with line and column.',
        ],
      })
    case 'UnableToDetectSchemaException':
      return new InputError(`${what} failed: KDA could not infer a schema from the input stream (${message}).`, {
        cause: error,
        suggestions: [
          'Put a few records on the stream first (e.g. `clickstream generate --to kinesis:STREAM --count 100`) and deploy again.',
          'Or give the schema yourself with --schema FILE (KDA InputSchema JSON: RecordFormat, RecordColumns).',
        ],
      })
    case 'InvalidArgumentException':
    case 'InvalidApplicationConfigurationException':
      return new ExternalServiceError(KDA_SERVICE, `${what} failed: KDA rejected the request (${name}: ${message}).`, {
        cause: error,
        suggestions: [
          'Check the role ARN (it must let kinesisanalytics.amazonaws.com read the input and write the outputs), the stream ARNs and the schema.',
        ],
      })
    case 'LimitExceededException':
      return new ExternalServiceError(KDA_SERVICE, `${what} failed: an account limit was reached (${message}).`, {
        cause: error,
        suggestions: ['Delete applications you no longer use (`clickstream app delete NAME --runtime kda`) or ask AWS for a higher limit.'],
      })
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return new ExternalServiceError(KDA_SERVICE, `${what} failed: AWS refused the credentials (${name}: ${message}).`, {
        cause: error,
        suggestions: [
          'Check your credentials: `aws sts get-caller-identity` (with the same --profile and --region).',
          'The caller needs kinesisanalytics:* on the application and iam:PassRole on the role.',
        ],
      })
    case 'CredentialsProviderError':
      return new ExternalServiceError(KDA_SERVICE, `${what} failed: no AWS credentials were found (${message}).`, {
        cause: error,
        suggestions: [
          'Configure credentials: `aws configure`, or set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
          'Or run the application without AWS: `--runtime local`.',
        ],
      })
    case 'ServiceUnavailableException':
    case 'ResourceProvisionedThroughputExceededException':
    case 'ThrottlingException':
      return new ExternalServiceError(KDA_SERVICE, `${what} failed: the service is busy (${name}: ${message}).`, {
        cause: error,
        suggestions: ['Wait a minute and run the command again.'],
      })
    default:
      break
  }

  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'ETIMEDOUT' || e.code === 'EAI_AGAIN') {
    return new ExternalServiceError(KDA_SERVICE, `${what} failed: could not reach ${endpointDescription(context, e)} (${e.code}).`, {
      cause: error,
      suggestions: ['Check your network connection, --region and --endpoint-url.'],
    })
  }
  return new ExternalServiceError(KDA_SERVICE, `${what} failed (${name}: ${message}).`, {
    cause: error,
    suggestions: [
      `See the application's state with \`clickstream app status ${context.application} --runtime kda\`.`,
      'Run again with CLICKSTREAM_DEBUG=1 to see the full AWS error.',
    ],
  })
}
