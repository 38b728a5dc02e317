import type {Clock} from '../core/clock.js'
import {ConflictError, NotFoundError, UsageError} from '../core/errors.js'
import {createStream, deleteStream, describeStream, listStreams, type LocalStreamDescription} from '../local/streams/index.js'
import type {Workspace} from '../local/workspace.js'
import type {AwsSettings} from '../aws/settings.js'
import type {KinesisApi, StreamRef} from '../aws/kinesis.js'
import {KINESIS_DEFAULT_RETENTION_HOURS, KINESIS_MAX_RETENTION_HOURS} from '../aws/limits.js'
import {mapAwsError} from '../aws/retry.js'
import {parseTarget} from './spec.js'

/**
 * The streams the `streams` commands manage: local streams in the workspace, and Kinesis data
 * streams. A bare NAME means local:NAME, the embedded default.
 */
export type StreamName = {kind: 'local'; name: string} | {kind: 'kinesis'; name: string; arn?: string}

export function parseStreamName(text: string, what = 'STREAM'): StreamName {
  const spec = parseTarget(text.includes(':') ? text : `local:${text}`, what)
  if (spec.kind === 'local') return {kind: 'local', name: spec.name}
  if (spec.kind === 'kinesis') return {kind: 'kinesis', name: spec.name, arn: spec.arn}
  throw new UsageError(`${what} '${text}': the streams commands manage local:NAME and kinesis:NAME streams.`, {
    suggestions: spec.kind === 'firehose' ? ['Firehose streams are created in the AWS console or with the AWS CLI.'] : [],
  })
}

export interface StreamAdminContext {
  workspace: Workspace
  aws: AwsSettings
  clock: Clock
  /** A test seam: the Kinesis API to use instead of the SDK's. */
  kinesis?: KinesisApi
}

/** One line of `streams list`, the same shape for both kinds. */
export interface StreamSummary {
  kind: 'local' | 'kinesis'
  name: string
  /** The target to use in --to / --from / --input. */
  target: string
  shards: number
  retentionHours: number
  status: string
  arn?: string
}

export interface KinesisStreamDescription {
  kind: 'kinesis'
  name: string
  arn: string
  status: string
  shards: number
  retentionHours: number
  createdAt?: string
  mode?: string
}

export type StreamDescription = LocalStreamDescription | KinesisStreamDescription

export interface CreateOptions {
  shards?: number
  retentionHours?: number
}

/** Kinesis takes a while to make a stream ACTIVE; wait this long at most. */
const KINESIS_ACTIVE_TIMEOUT_MS = 5 * 60_000
const KINESIS_STATUS_POLL_MS = 1_000

async function kinesisApi(ctx: StreamAdminContext): Promise<KinesisApi> {
  if (ctx.kinesis) return ctx.kinesis
  const {createKinesisApi} = await import('../aws/kinesis.js')
  return createKinesisApi(ctx.aws)
}

function awsContext(ctx: StreamAdminContext, stream: StreamRef, action: string) {
  return {
    service: 'Kinesis',
    action: `${action} kinesis:${stream.arn ?? stream.name}`,
    resource: `Kinesis stream '${stream.name}'`,
    createHint: `Create it: clickstream streams create kinesis:${stream.name}`,
    region: ctx.aws.region,
    endpointUrl: ctx.aws.endpointUrl,
  }
}

export async function createStreamService(stream: StreamName, options: CreateOptions, ctx: StreamAdminContext): Promise<StreamDescription> {
  if (stream.kind === 'local') {
    createStream(ctx.workspace, stream.name, options)
    return describeStream(ctx.workspace, stream.name)
  }
  const shards = options.shards ?? 1
  const retention = options.retentionHours ?? KINESIS_DEFAULT_RETENTION_HOURS
  if (!Number.isInteger(shards) || shards < 1) throw new UsageError(`--shards must be a positive whole number; got ${shards}.`)
  if (!(retention >= KINESIS_DEFAULT_RETENTION_HOURS && retention <= KINESIS_MAX_RETENTION_HOURS)) {
    throw new UsageError(`--retention for a Kinesis stream is from 24 hours to ${KINESIS_MAX_RETENTION_HOURS} hours (365 days); got ${retention} hours.`)
  }
  const api = await kinesisApi(ctx)
  const ref = {name: stream.name, arn: stream.arn}
  try {
    await api.createStream(stream.name, shards)
  } catch (error) {
    if ((error as Error).name === 'ResourceInUseException') {
      throw new ConflictError(`Kinesis stream '${stream.name}' exists already.`, {suggestions: [`See it: clickstream streams describe kinesis:${stream.name}`], cause: error})
    }
    throw mapAwsError(error, awsContext(ctx, ref, 'creating'))
  }
  await waitActive(api, ref, ctx)
  if (retention > KINESIS_DEFAULT_RETENTION_HOURS) {
    try {
      await api.increaseRetention(ref, Math.round(retention))
    } catch (error) {
      throw mapAwsError(error, awsContext(ctx, ref, 'setting the retention of'))
    }
    await waitActive(api, ref, ctx)
  }
  return describeKinesis(api, ref, ctx)
}

async function waitActive(api: KinesisApi, ref: StreamRef, ctx: StreamAdminContext): Promise<void> {
  const deadline = ctx.clock.now() + KINESIS_ACTIVE_TIMEOUT_MS
  for (;;) {
    const summary = await api.describeStream(ref).catch((error) => {
      throw mapAwsError(error, awsContext(ctx, ref, 'waiting for'))
    })
    if (summary.status === 'ACTIVE') return
    if (ctx.clock.now() > deadline) {
      throw new ConflictError(`Kinesis stream '${ref.name}' is still ${summary.status} after ${KINESIS_ACTIVE_TIMEOUT_MS / 60_000} minutes.`, {
        suggestions: [`Check later: clickstream streams describe kinesis:${ref.name}`],
      })
    }
    await ctx.clock.sleep(KINESIS_STATUS_POLL_MS)
  }
}

async function describeKinesis(api: KinesisApi, ref: StreamRef, ctx: StreamAdminContext): Promise<KinesisStreamDescription> {
  try {
    const s = await api.describeStream(ref)
    const d: KinesisStreamDescription = {kind: 'kinesis', name: s.name, arn: s.arn, status: s.status, shards: s.openShards, retentionHours: s.retentionHours}
    if (s.createdAt) d.createdAt = s.createdAt
    if (s.mode) d.mode = s.mode
    return d
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') throw await kinesisNotFound(api, ref, ctx, error)
    throw mapAwsError(error, awsContext(ctx, ref, 'describing'))
  }
}

async function kinesisNotFound(api: KinesisApi, ref: StreamRef, ctx: StreamAdminContext, cause: unknown): Promise<NotFoundError> {
  const names = await api.listStreams().catch(() => undefined)
  const where = ctx.aws.region ? ` in ${ctx.aws.region}` : ''
  return new NotFoundError(`Kinesis stream '${ref.name}' does not exist${where}.`, {
    suggestions: [
      names === undefined ? 'List them: clickstream streams list --kind kinesis' : names.length > 0 ? `Existing Kinesis streams: ${names.join(', ')}.` : `There are no Kinesis streams${where}.`,
      `Create it: clickstream streams create kinesis:${ref.name}`,
    ],
    cause,
  })
}

export async function describeStreamService(stream: StreamName, ctx: StreamAdminContext): Promise<StreamDescription> {
  if (stream.kind === 'local') return describeStream(ctx.workspace, stream.name)
  return describeKinesis(await kinesisApi(ctx), {name: stream.name, arn: stream.arn}, ctx)
}

export type ListKind = 'local' | 'kinesis' | 'all'

export async function listStreamsService(kind: ListKind, ctx: StreamAdminContext): Promise<StreamSummary[]> {
  const out: StreamSummary[] = []
  if (kind !== 'kinesis') {
    for (const s of listStreams(ctx.workspace)) {
      out.push({kind: 'local', name: s.name, target: `local:${s.name}`, shards: s.shards, retentionHours: s.retentionHours, status: 'ACTIVE'})
    }
  }
  if (kind !== 'local') {
    const api = await kinesisApi(ctx)
    let names: string[]
    try {
      names = await api.listStreams()
    } catch (error) {
      throw mapAwsError(error, {service: 'Kinesis', action: 'listing Kinesis streams', region: ctx.aws.region, endpointUrl: ctx.aws.endpointUrl})
    }
    for (const name of names) {
      const d = await describeKinesis(api, {name}, ctx)
      out.push({kind: 'kinesis', name, target: `kinesis:${name}`, shards: d.shards, retentionHours: d.retentionHours, status: d.status, arn: d.arn})
    }
  }
  return out
}

export async function deleteStreamService(stream: StreamName, ctx: StreamAdminContext): Promise<void> {
  if (stream.kind === 'local') return deleteStream(ctx.workspace, stream.name)
  const api = await kinesisApi(ctx)
  const ref = {name: stream.name, arn: stream.arn}
  try {
    await api.deleteStream(ref)
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') throw await kinesisNotFound(api, ref, ctx, error)
    throw mapAwsError(error, awsContext(ctx, ref, 'deleting'))
  }
}
