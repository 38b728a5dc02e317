import type {AwsSettings} from './settings.js'

/**
 * Builds AWS SDK v3 clients with the user's settings. The SDK is imported by the caller
 * (dynamically, in the commands that need it), so start-up of other commands never loads it.
 *
 * Every client talks HTTP/1.1 (NodeHttpHandler): kinesalite and some corporate proxies fail
 * on HTTP/2. The SDK's own Node-version notice is turned off (it is advice about the SDK's
 * future support policy, not a problem with the user's command); real warnings still print.
 */
export interface ClientConfigBase {
  region?: string
  profile?: string
  endpoint?: string
  requestHandler?: unknown
  maxAttempts?: number
}

export async function clientConfig(settings: AwsSettings, extra: Partial<ClientConfigBase> = {}): Promise<ClientConfigBase> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const {NodeHttpHandler} = await import('@smithy/node-http-handler')
  const config: ClientConfigBase = {
    requestHandler: new NodeHttpHandler({connectionTimeout: 5_000, requestTimeout: 60_000}),
    ...extra,
  }
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION
  if (region) config.region = region
  else if (settings.endpointUrl) config.region = 'us-east-1'
  if (settings.profile) config.profile = settings.profile
  if (settings.endpointUrl) config.endpoint = settings.endpointUrl
  return config
}
