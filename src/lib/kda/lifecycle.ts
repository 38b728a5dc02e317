import type {ApplicationDetail, InputStartingPosition} from '@aws-sdk/client-kinesis-analytics'
import type {AwsSettings} from '../aws/settings.js'
import type {Clock} from '../core/clock.js'
import {ConflictError, ExternalServiceError, InterruptedError} from '../core/errors.js'
import {openKdaApi, type KdaApi} from './client.js'
import {KDA_SERVICE} from './errors.js'
import {applicationStatus, type KdaApplicationStatus} from './status.js'

/** Where a started application begins reading its input. */
export type KdaStartPosition = 'now' | 'trim-horizon' | 'last-stopped'

const STARTING_POSITIONS: Record<KdaStartPosition, InputStartingPosition> = {
  now: 'NOW',
  'trim-horizon': 'TRIM_HORIZON',
  'last-stopped': 'LAST_STOPPED_POINT',
}

/** Polling: first look after 1 s, then twice as long each time, never more than 10 s apart. */
export const KDA_POLL_INITIAL_MS = 1_000
export const KDA_POLL_MAX_MS = 10_000
/** KDA takes a few minutes to start an application; past these, something is wrong. */
export const KDA_START_TIMEOUT_MS = 15 * 60_000
export const KDA_STOP_TIMEOUT_MS = 10 * 60_000
/** How long the state may stay as it was before the request without that counting as a failure. */
export const KDA_UNMOVED_MS = 60_000

export interface KdaStartOptions {
  name: string
  from: KdaStartPosition
  aws: AwsSettings
  clock: Clock
  /** Called with each state the application passes through (STARTING, RUNNING, ...). */
  onState?: (state: string) => void
  timeoutMs?: number
  signal?: AbortSignal
}

export interface KdaStopOptions {
  name: string
  aws: AwsSettings
  clock: Clock
  onState?: (state: string) => void
  timeoutMs?: number
  signal?: AbortSignal
}

interface WaitOptions {
  name: string
  clock: Clock
  onState?: (state: string) => void
  timeoutMs: number
  signal?: AbortSignal
  /** The state to reach. */
  goal: 'RUNNING' | 'READY'
  /** States that mean "still on the way"; anything else is a failure. */
  passing: string[]
  /** The state the call began from (not reported again). */
  initial: string
  action: string
}

async function waitFor(api: KdaApi, options: WaitOptions): Promise<ApplicationDetail> {
  const started = options.clock.now()
  let delay = KDA_POLL_INITIAL_MS
  let last = options.initial
  let seenTransition = false
  for (;;) {
    if (options.signal?.aborted) {
      throw new InterruptedError(`Stopped waiting for KDA application '${options.name}' (it was ${last}); the request itself was sent.`, {
        suggestions: [`See its state with \`clickstream app status ${options.name} --runtime kda\`.`],
      })
    }
    const detail = await api.describe(options.name)
    const state = detail.ApplicationStatus ?? 'UNKNOWN'
    if (state !== last) {
      options.onState?.(state)
      last = state
    }
    if (state === options.goal) return detail
    const waited = options.clock.now() - started
    if (options.passing.includes(state)) seenTransition = true
    // Right after the request KDA may still report the old state for a moment; not for a minute.
    const unmoved = !seenTransition && state === options.initial && waited < KDA_UNMOVED_MS
    if (!options.passing.includes(state) && !unmoved) {
      throw new ExternalServiceError(KDA_SERVICE, `KDA application '${options.name}' is ${state} after ${options.action}; it did not reach ${options.goal}.`, {
        suggestions: [
          "Look at the application's CloudWatch log stream, if it has one, and at the role's permissions on the input and outputs.",
          `See its state with \`clickstream app status ${options.name} --runtime kda\`.`,
        ],
      })
    }
    if (waited >= options.timeoutMs) {
      throw new ExternalServiceError(
        KDA_SERVICE,
        `KDA application '${options.name}' is still ${state} after ${Math.round(waited / 1000)} s of ${options.action}.`,
        {suggestions: [`Check again later with \`clickstream app status ${options.name} --runtime kda\`.`]},
      )
    }
    await options.clock.sleep(Math.min(delay, options.timeoutMs - waited), options.signal)
    delay = Math.min(delay * 2, KDA_POLL_MAX_MS)
  }
}

/**
 * StartApplication with the input's starting position, then waits until the application is
 * RUNNING. An application that is already running is left as it is.
 */
export async function startKdaApplication(options: KdaStartOptions): Promise<KdaApplicationStatus> {
  const api = await openKdaApi(options.aws, 'starting', options.name)
  const detail = await api.describe(options.name)
  const state = detail.ApplicationStatus ?? 'UNKNOWN'
  if (state === 'RUNNING') return applicationStatus(detail)
  const wait = {name: options.name, clock: options.clock, onState: options.onState, signal: options.signal, action: 'starting'}
  if (state !== 'STARTING') {
    if (state !== 'READY') {
      throw new ConflictError(`KDA application '${options.name}' is ${state}; it can be started only when READY.`, {
        suggestions: [`Wait until \`clickstream app status ${options.name} --runtime kda\` shows READY, then start it.`],
      })
    }
    const inputs = detail.InputDescriptions ?? []
    if (inputs.length === 0 || !inputs[0].InputId) {
      throw new ConflictError(`KDA application '${options.name}' has no input to read from.`, {
        suggestions: ['Deploy it again with `clickstream app deploy APP.sql --runtime kda --name NAME --input kinesis:STREAM --role-arn ARN`.'],
      })
    }
    await api.start(
      options.name,
      inputs.map((input) => ({
        Id: input.InputId!,
        InputStartingPositionConfiguration: {InputStartingPosition: STARTING_POSITIONS[options.from]},
      })),
    )
  }
  const running = await waitFor(api, {
    ...wait,
    goal: 'RUNNING',
    passing: ['STARTING', 'UPDATING', 'AUTOSCALING'],
    initial: state,
    timeoutMs: options.timeoutMs ?? KDA_START_TIMEOUT_MS,
  })
  return applicationStatus(running)
}

/** StopApplication, then waits until the application is READY again. A READY application is left alone. */
export async function stopKdaApplication(options: KdaStopOptions): Promise<KdaApplicationStatus> {
  const api = await openKdaApi(options.aws, 'stopping', options.name)
  const detail = await api.describe(options.name)
  const state = detail.ApplicationStatus ?? 'UNKNOWN'
  if (state === 'READY') return applicationStatus(detail)
  if (state !== 'STOPPING') await api.stop(options.name)
  const ready = await waitFor(api, {
    name: options.name,
    clock: options.clock,
    onState: options.onState,
    signal: options.signal,
    action: 'stopping',
    goal: 'READY',
    passing: ['STOPPING', 'RUNNING', 'STARTING', 'UPDATING', 'AUTOSCALING'],
    initial: state,
    timeoutMs: options.timeoutMs ?? KDA_STOP_TIMEOUT_MS,
  })
  return applicationStatus(ready)
}

export async function describeKdaApplication(options: {name: string; aws: AwsSettings}): Promise<KdaApplicationStatus> {
  const api = await openKdaApi(options.aws, 'describing', options.name)
  return applicationStatus(await api.describe(options.name))
}

/** DeleteApplication (which needs the application's CreateTimestamp, read first). */
export async function deleteKdaApplication(options: {name: string; aws: AwsSettings}): Promise<{name: string; deleted: true}> {
  const api = await openKdaApi(options.aws, 'deleting', options.name)
  const detail = await api.describe(options.name)
  if (!detail.CreateTimestamp) {
    throw new ExternalServiceError(KDA_SERVICE, `DescribeApplication gave no CreateTimestamp for '${options.name}', which DeleteApplication needs.`, {
      suggestions: [`Delete it with \`aws kinesisanalytics delete-application --application-name ${options.name} --create-timestamp ...\`.`],
    })
  }
  await api.delete(options.name, detail.CreateTimestamp)
  return {name: options.name, deleted: true}
}
