import type {ApplicationDetail, InputDescription, OutputDescription} from '@aws-sdk/client-kinesis-analytics'
import type {KdaDestination} from './arns.js'

/** An application as `app status --runtime kda` shows it (and `--json` prints it). */
export interface KdaApplicationStatus {
  runtime: 'kda'
  name: string
  arn: string
  /** DELETING | READY | RUNNING | STARTING | STOPPING | UPDATING (or AUTOSCALING). */
  status: string
  /** KDA's CurrentApplicationVersionId: it goes up by one with every change. */
  version: number
  createdAt: string | null
  updatedAt: string | null
  /** Size of the deployed SQL in bytes (the SQL itself is left out of the status). */
  codeBytes: number
  inputs: KdaInputStatus[]
  outputs: KdaOutputStatus[]
}

export interface KdaInputStatus {
  id: string
  namePrefix: string
  /** The in-application streams the input feeds, e.g. SOURCE_SQL_STREAM_001. */
  inAppStreams: string[]
  source: KdaDestination | null
  format: 'JSON' | 'CSV' | null
  columns: Array<{name: string; sqlType: string; mapping: string | null}>
  /** Where the last start began reading: NOW | TRIM_HORIZON | LAST_STOPPED_POINT, if KDA says. */
  startingPosition: string | null
}

export interface KdaOutputStatus {
  id: string
  /** The in-application stream whose rows go out. */
  stream: string
  destination: KdaDestination | null
  format: 'JSON' | 'CSV' | null
}

function iso(date: Date | undefined): string | null {
  return date ? new Date(date).toISOString() : null
}

function inputStatus(input: InputDescription): KdaInputStatus {
  const source: KdaDestination | null = input.KinesisStreamsInputDescription?.ResourceARN
    ? {kind: 'kinesis', arn: input.KinesisStreamsInputDescription.ResourceARN}
    : input.KinesisFirehoseInputDescription?.ResourceARN
      ? {kind: 'firehose', arn: input.KinesisFirehoseInputDescription.ResourceARN}
      : null
  const format = input.InputSchema?.RecordFormat?.RecordFormatType ?? null
  return {
    id: input.InputId ?? '',
    namePrefix: input.NamePrefix ?? '',
    inAppStreams: input.InAppStreamNames ?? [],
    source,
    format,
    columns: (input.InputSchema?.RecordColumns ?? []).map((c) => ({name: c.Name ?? '', sqlType: c.SqlType ?? '', mapping: c.Mapping ?? null})),
    startingPosition: input.InputStartingPositionConfiguration?.InputStartingPosition ?? null,
  }
}

function outputStatus(output: OutputDescription): KdaOutputStatus {
  const destination: KdaDestination | null = output.KinesisStreamsOutputDescription?.ResourceARN
    ? {kind: 'kinesis', arn: output.KinesisStreamsOutputDescription.ResourceARN}
    : output.KinesisFirehoseOutputDescription?.ResourceARN
      ? {kind: 'firehose', arn: output.KinesisFirehoseOutputDescription.ResourceARN}
      : output.LambdaOutputDescription?.ResourceARN
        ? {kind: 'lambda', arn: output.LambdaOutputDescription.ResourceARN}
        : null
  return {
    id: output.OutputId ?? '',
    stream: output.Name ?? '',
    destination,
    format: output.DestinationSchema?.RecordFormatType ?? null,
  }
}

export function applicationStatus(detail: ApplicationDetail): KdaApplicationStatus {
  return {
    runtime: 'kda',
    name: detail.ApplicationName ?? '',
    arn: detail.ApplicationARN ?? '',
    status: detail.ApplicationStatus ?? 'UNKNOWN',
    version: detail.ApplicationVersionId ?? 0,
    createdAt: iso(detail.CreateTimestamp),
    updatedAt: iso(detail.LastUpdateTimestamp),
    codeBytes: Buffer.byteLength(detail.ApplicationCode ?? '', 'utf8'),
    inputs: (detail.InputDescriptions ?? []).map(inputStatus),
    outputs: (detail.OutputDescriptions ?? []).map(outputStatus),
  }
}
