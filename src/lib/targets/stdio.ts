import type {InRecord, Sink, Source, TargetContext} from './types.js'
import {LineStreamSink} from './stream-writer.js'
import {readLines} from './line-reader.js'

export function openStdoutSink(ctx: TargetContext): Sink {
  const stream = (ctx.stdout ?? process.stdout) as NodeJS.WriteStream
  return new LineStreamSink('-', stream, async () => {})
}

export function openStdinSource(ctx: TargetContext): Source {
  const input = ctx.stdin ?? process.stdin
  let last: string | undefined
  return {
    target: '-',
    async *batches(): AsyncIterable<InRecord[]> {
      for await (const lines of readLines(input)) {
        const arrival = ctx.clock.now()
        last = String(lines[lines.length - 1].line)
        yield lines.map((l) => ({data: l.text, arrival, position: String(l.line)}))
      }
    },
    checkpoint: () => last,
    async close() {},
  }
}
