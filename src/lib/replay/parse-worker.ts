import {parentPort} from 'node:worker_threads'
import {workChunk} from './chunk-work.js'

/** A replay parsing thread: parses and encodes the chunks it is sent, answering in order. */
parentPort?.on('message', (message: {bytes: Uint8Array; json: boolean}) => {
  const work = workChunk(message.bytes, message.json)
  parentPort?.postMessage(work, [work.out.buffer as ArrayBuffer])
})
