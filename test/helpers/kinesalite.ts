import type {Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)

export interface Kinesalite {
  /** http://127.0.0.1:PORT, for `--endpoint-url` / AwsSettings.endpointUrl. */
  endpoint: string
  close(): Promise<void>
}

/**
 * Starts kinesalite (a real Kinesis implementation, in memory) on a random loopback port, with
 * stream creation and deletion instant, so protocol round trips are tested without AWS.
 */
export async function startKinesalite(): Promise<Kinesalite> {
  const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => Server
  const server = kinesalite({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100})
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  // The SDK needs credentials; kinesalite accepts any.
  process.env.AWS_ACCESS_KEY_ID ??= 'test'
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test'
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as Server & {closeAllConnections?: () => void}).closeAllConnections?.()
      }),
  }
}
