import {parentPort} from 'node:worker_threads'
import {workChunk} from './chunk-work.js'

/** A replay worker thread: parses and formats the chunks it is sent, in order. */
parentPort?.on('message', (message: {bytes: Uint8Array; json: boolean; keyField: string}) => {
  const text = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength).toString('utf8')
  const work = workChunk(text, message.json, message.keyField)
  parentPort?.postMessage(work, [work.times.buffer, work.bounds.buffer, work.out.buffer] as ArrayBuffer[])
})
