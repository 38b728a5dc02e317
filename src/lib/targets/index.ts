import {UsageError} from '../core/errors.js'
import {formatTarget, type TargetSpec} from './spec.js'
import type {Sink, SinkOptions, Source, SourceOptions, TargetContext} from './types.js'

/**
 * Opens the sink for a target. Each kind lives in its own module, imported only when used, so a
 * command writing to a file never loads the AWS SDK.
 */
export async function openSink(spec: TargetSpec, ctx: TargetContext, options: SinkOptions = {}): Promise<Sink> {
  switch (spec.kind) {
    case 'stdio':
      return (await import('./stdio.js')).openStdoutSink(ctx)
    case 'file':
      return (await import('./file.js')).openFileSink(spec.path, spec.gzip, options)
    case 'local':
      return (await import('./local.js')).openLocalSink(spec.name, ctx, options)
    case 'kinesis':
      return (await import('./kinesis.js')).openKinesisSink(spec, ctx, options)
    case 'firehose':
      return (await import('./firehose.js')).openFirehoseSink(spec.name, ctx, options)
    case 'lake':
      return (await import('./lake.js')).openLakeSink(spec.table, ctx, options)
  }
}

/** Opens the source for a target. */
export async function openSource(spec: TargetSpec, ctx: TargetContext, options: SourceOptions = {}): Promise<Source> {
  switch (spec.kind) {
    case 'stdio':
      return (await import('./stdio.js')).openStdinSource(ctx)
    case 'file':
      return (await import('./file.js')).openFileSource(spec.path, ctx)
    case 'local':
      return (await import('./local.js')).openLocalSource(spec.name, ctx, options)
    case 'kinesis':
      return (await import('./kinesis.js')).openKinesisSource(spec, ctx, options)
    case 'lake':
      return (await import('./lake.js')).openLakeSource(spec.table, ctx, options)
    case 'firehose':
      throw new UsageError(`${formatTarget(spec)} cannot be read: a Firehose delivery stream only takes records in.`, {
        suggestions: ['Read the stream that feeds it (kinesis:NAME), or what it delivered (in the lake: lake:TABLE, or with Athena).'],
      })
  }
}

export {formatTarget, parseTarget, TARGET_SYNTAX} from './spec.js'
export type {DeliveryReport, InRecord, OutRecord, Sink, SinkOptions, Source, SourceOptions, TargetContext} from './types.js'
export type {TargetSpec} from './spec.js'
