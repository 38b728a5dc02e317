import {appendFileSync} from 'node:fs'

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context)
  if (process.env.CLICKSTREAM_MODULE_LOG) appendFileSync(process.env.CLICKSTREAM_MODULE_LOG, `${result.url}\n`)
  return result
}
