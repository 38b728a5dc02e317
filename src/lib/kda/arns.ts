import {UsageError} from '../core/errors.js'
import {parseTarget, type TargetSpec} from '../targets/spec.js'

/**
 * KDA takes ARNs for its input and outputs; users name streams. Rather than a call to STS for
 * the account id, the account and partition come from the role ARN the user passes anyway
 * (`arn:aws:iam::123456789012:role/NAME`), and the region from --region / AWS_REGION. A stream
 * in another account or region needs its full ARN (`kinesis:arn:aws:kinesis:...`).
 */

export interface ArnContext {
  partition: string
  account: string
  region: string | undefined
}

export type KdaDestinationKind = 'kinesis' | 'firehose' | 'lambda'

export interface KdaDestination {
  kind: KdaDestinationKind
  arn: string
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/

export function parseRoleArn(roleArn: string): ArnContext & {roleArn: string} {
  const m = ROLE_ARN.exec(roleArn.trim())
  if (!m) {
    throw new UsageError(`--role-arn '${roleArn}' is not an IAM role ARN.`, {
      suggestions: ['Give the ARN of a role KDA may assume, e.g. arn:aws:iam::123456789012:role/clickstream-kda.'],
    })
  }
  return {roleArn: roleArn.trim(), partition: m[1], account: m[2], region: undefined}
}

function needRegion(context: ArnContext, what: string, name: string): string {
  if (context.region) return context.region
  throw new UsageError(`${what} '${name}' is a name, and no AWS Region is set to build its ARN from.`, {
    suggestions: ['Pass --region (or set AWS_REGION), or give the full ARN.'],
  })
}

export function streamArn(spec: TargetSpec, context: ArnContext, what: string): KdaDestination {
  if (spec.kind === 'kinesis') {
    if (spec.arn) return {kind: 'kinesis', arn: spec.arn}
    const region = needRegion(context, what, spec.name)
    return {kind: 'kinesis', arn: `arn:${context.partition}:kinesis:${region}:${context.account}:stream/${spec.name}`}
  }
  if (spec.kind === 'firehose') {
    if (spec.arn) return {kind: 'firehose', arn: spec.arn}
    const region = needRegion(context, what, spec.name)
    return {kind: 'firehose', arn: `arn:${context.partition}:firehose:${region}:${context.account}:deliverystream/${spec.name}`}
  }
  throw new UsageError(`${what} must be a Kinesis data stream or a Firehose delivery stream for a KDA application, not ${spec.kind}.`, {
    suggestions: ['Use kinesis:NAME or firehose:NAME (or their ARNs); for other kinds use --runtime local.'],
  })
}

/** An output destination as the user writes it: `kinesis:NAME|ARN`, `firehose:NAME|ARN` or `lambda:ARN`. */
export function destinationArn(target: string, context: ArnContext, what: string): KdaDestination {
  const text = target.trim()
  if (text.startsWith('lambda:')) {
    const arn = text.slice('lambda:'.length)
    if (!LAMBDA_ARN.test(arn)) {
      throw new UsageError(`${what} '${target}': not a Lambda function ARN.`, {
        suggestions: ['Give the function ARN, e.g. lambda:arn:aws:lambda:us-east-1:123456789012:function:process-metrics.'],
      })
    }
    return {kind: 'lambda', arn}
  }
  return streamArn(parseTarget(text, what), context, what)
}
