import {KinesisAnalyticsClient} from '@aws-sdk/client-kinesis-analytics'
import {mockClient} from 'aws-sdk-client-mock'

/**
 * aws-sdk-client-mock for the KDA v1 client. That client (3.637, the last release) carries older
 * @smithy/types than aws-sdk-client-mock expects, so its types do not line up although the
 * runtime stubbing is the same; this narrow typing bridges them for the tests.
 */
export interface KdaBehavior {
  resolves(value: unknown): KdaBehavior
  resolvesOnce(value: unknown): KdaBehavior
  rejects(error?: unknown): KdaBehavior
  rejectsOnce(error?: unknown): KdaBehavior
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = abstract new (...args: any[]) => unknown

export interface KdaStub {
  on(command: AnyCommand): KdaBehavior
  reset(): void
  commandCalls<C extends AnyCommand>(command: C): Array<{args: [{input: NonNullable<ConstructorParameters<C>[0]>}]}>
}

export function mockKda(): KdaStub {
  return mockClient(KinesisAnalyticsClient as never) as unknown as KdaStub
}
