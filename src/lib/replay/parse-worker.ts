import {parentPort} from 'node:worker_threads'
import {workChunk} from './chunk-work.js'

/** A replay worker thread: parses and formats the chunks it is sent, in order. */
parentPort?.on('message', (message: {text: string; json: boolean; keyField: string}) => {
  const work = workChunk(message.text, message.json, message.keyField)
  parentPort?.postMessage(work, [work.times.buffer as ArrayBuffer, work.bounds.buffer as ArrayBuffer])
})
