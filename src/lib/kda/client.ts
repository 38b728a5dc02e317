import type {
  ApplicationDetail,
  ApplicationSummary,
  ApplicationUpdate,
  Input,
  InputConfiguration,
  InputStartingPosition,
  Output,
  SourceSchema,
} from '@aws-sdk/client-kinesis-analytics'
import {clientConfig} from '../aws/clients.js'
import type {AwsSettings} from '../aws/settings.js'
import {mapKdaError} from './errors.js'

/**
 * The KDA v1 (SQL) calls this toolkit makes, and nothing else. The SDK is loaded on first use so
 * no other command pays for it; every failure leaves here already mapped to the toolkit's errors.
 */
export interface KdaApi {
  readonly region: string | undefined
  /** The application, or undefined when there is none by that name. */
  find(name: string): Promise<ApplicationDetail | undefined>
  describe(name: string): Promise<ApplicationDetail>
  create(request: {name: string; code: string; inputs: Input[]; outputs: Output[]; description: string}): Promise<ApplicationSummary>
  update(name: string, version: number, update: ApplicationUpdate): Promise<void>
  addInput(name: string, version: number, input: Input): Promise<void>
  addOutput(name: string, version: number, output: Output): Promise<void>
  deleteOutput(name: string, version: number, outputId: string): Promise<void>
  discoverSchema(request: {resourceArn: string; roleArn: string; position: InputStartingPosition}): Promise<SourceSchema>
  start(name: string, inputs: InputConfiguration[]): Promise<void>
  stop(name: string): Promise<void>
  delete(name: string, createTimestamp: Date): Promise<void>
}

export async function openKdaApi(aws: AwsSettings, action: string, application: string): Promise<KdaApi> {
  const sdk = await import('@aws-sdk/client-kinesis-analytics')
  const config = await clientConfig(aws)
  const client = new sdk.KinesisAnalyticsClient(config as NonNullable<ConstructorParameters<typeof sdk.KinesisAnalyticsClient>[0]>)
  const region = config.region
  const context = {action, application, region, endpointUrl: aws.endpointUrl}
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw mapKdaError(error, context)
    }
  }
  const describe = async (name: string): Promise<ApplicationDetail> => {
    const out = await client.send(new sdk.DescribeApplicationCommand({ApplicationName: name}))
    if (!out.ApplicationDetail) throw Object.assign(new Error('DescribeApplication returned no ApplicationDetail'), {name: 'InvalidResponse'})
    return out.ApplicationDetail
  }

  return {
    region,
    find: (name) =>
      call(async () => {
        try {
          return await describe(name)
        } catch (error) {
          if ((error as {name?: string}).name === 'ResourceNotFoundException') return undefined
          throw error
        }
      }),
    describe: (name) => call(() => describe(name)),
    create: (request) =>
      call(async () => {
        const out = await client.send(
          new sdk.CreateApplicationCommand({
            ApplicationName: request.name,
            ApplicationDescription: request.description,
            ApplicationCode: request.code,
            Inputs: request.inputs,
            Outputs: request.outputs,
          }),
        )
        return out.ApplicationSummary ?? {ApplicationName: request.name, ApplicationARN: undefined, ApplicationStatus: undefined}
      }),
    update: (name, version, update) =>
      call(async () => {
        await client.send(new sdk.UpdateApplicationCommand({ApplicationName: name, CurrentApplicationVersionId: version, ApplicationUpdate: update}))
      }),
    addInput: (name, version, input) =>
      call(async () => {
        await client.send(new sdk.AddApplicationInputCommand({ApplicationName: name, CurrentApplicationVersionId: version, Input: input}))
      }),
    addOutput: (name, version, output) =>
      call(async () => {
        await client.send(new sdk.AddApplicationOutputCommand({ApplicationName: name, CurrentApplicationVersionId: version, Output: output}))
      }),
    deleteOutput: (name, version, outputId) =>
      call(async () => {
        await client.send(new sdk.DeleteApplicationOutputCommand({ApplicationName: name, CurrentApplicationVersionId: version, OutputId: outputId}))
      }),
    discoverSchema: (request) =>
      call(async () => {
        const out = await client.send(
          new sdk.DiscoverInputSchemaCommand({
            ResourceARN: request.resourceArn,
            RoleARN: request.roleArn,
            InputStartingPositionConfiguration: {InputStartingPosition: request.position},
          }),
        )
        if (!out.InputSchema?.RecordColumns?.length) {
          throw Object.assign(new Error('the sampled records gave no columns'), {name: 'UnableToDetectSchemaException'})
        }
        return out.InputSchema
      }),
    start: (name, inputs) =>
      call(async () => {
        await client.send(new sdk.StartApplicationCommand({ApplicationName: name, InputConfigurations: inputs}))
      }),
    stop: (name) =>
      call(async () => {
        await client.send(new sdk.StopApplicationCommand({ApplicationName: name}))
      }),
    delete: (name, createTimestamp) =>
      call(async () => {
        await client.send(new sdk.DeleteApplicationCommand({ApplicationName: name, CreateTimestamp: createTimestamp}))
      }),
  }
}
