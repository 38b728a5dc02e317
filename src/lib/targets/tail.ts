import {formatTarget, type TargetSpec} from './spec.js'
import {openSource} from './index.js'
import type {StartPosition, TargetContext} from './types.js'

export interface TailOptions {
  from: StartPosition
  follow: boolean
  signal?: AbortSignal
  /** Where payloads go, one per line; or, with `collect`, into that array instead. */
  out?: NodeJS.WritableStream
  collect?: string[]
}

export interface TailResult {
  target: string
  records: number
  /** Where a later read could continue (`--resume` of sources that take one). */
  checkpoint?: string
}

/**
 * Prints the payloads of a target, one per line, honouring backpressure on the output. A
 * following tail ends when `signal` aborts (Ctrl-C) or the reader of the output goes away.
 */
export async function tailTarget(spec: TargetSpec, ctx: TargetContext, options: TailOptions): Promise<TailResult> {
  const source = await openSource(spec, ctx, {from: options.from, follow: options.follow, signal: options.signal})
  let records = 0
  let broken = false
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') broken = true
  }
  const out = options.out ?? process.stdout
  out.on('error', onError)
  try {
    for await (const batch of source.batches()) {
      if (options.collect) {
        for (const r of batch) options.collect.push(r.data)
        records += batch.length
        continue
      }
      let text = ''
      for (const r of batch) text += r.data + '\n'
      records += batch.length
      if (!out.write(text)) {
        await new Promise<void>((resolve) => {
          out.once('drain', resolve)
          out.once('close', resolve)
        })
      }
      if (broken) break
    }
  } finally {
    out.off('error', onError)
    await source.close()
  }
  const result: TailResult = {target: formatTarget(spec), records}
  const checkpoint = source.checkpoint()
  if (checkpoint !== undefined) result.checkpoint = checkpoint
  return result
}
