import {parentPort, workerData} from 'node:worker_threads'
import {createRecordMapper} from '../sql/input/mapper.js'
import {parseInputSchema} from '../sql/input/schema.js'
import {openFileStream, readLines} from '../targets/line-reader.js'
import {BatchWindow} from './batch-window.js'
import {BatchBuilder} from './mapped-batch.js'
import type {MappedFileWorkerData, WorkerMessage} from './mapped-file-input.js'

/** Records in the first batch; each next one is twice as large, up to `batchRecords`. */
const FIRST_BATCH_RECORDS = 1024

/**
 * The reading thread of a file input: reads and splits lines as the `file:` source does (the
 * same code), maps each record, and posts packed batches in order, never more than
 * `maxInFlight` ahead of what the application thread has taken.
 */
async function main(port: NonNullable<typeof parentPort>, options: MappedFileWorkerData): Promise<void> {
  const inFlight = new BatchWindow(options.window)
  let posted = 0
  const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)
  // A thread waiting only on shared memory (Atomics.waitAsync) would exit: a listener keeps it.
  const keepAlive = () => undefined
  port.on('message', keepAlive)
  try {
    const mapping = parseInputSchema(options.schema)
    const mapper = createRecordMapper(mapping, {rowtimeField: options.rowtimeField})
    const builder = new BatchBuilder(mapping.columns, {withRowtimes: options.rowtimeField !== undefined, withText: options.path.endsWith('.gz')})
    // Small batches first, so that the application thread starts soon; then larger ones, which
    // cost it less per record.
    let target = Math.min(FIRST_BATCH_RECORDS, options.batchRecords)
    const post = async () => {
      await inFlight.room(posted, options.maxInFlight)
      const {batch, transfer} = builder.take()
      posted++
      send({type: 'batch', batch}, transfer)
      target = Math.min(target * 2, options.batchRecords)
    }
    for await (const lines of readLines(openFileStream(options.path))) {
      // Without --rowtime, rows take their arrival time on the application thread's clock.
      for (const l of lines) {
        builder.add(l.line, l.end, l.text, mapper(l.text, 0))
        if (builder.records >= target || builder.chars >= options.batchChars) await post()
      }
    }
    if (builder.records > 0) await post()
    send({type: 'end'})
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    send({type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code})
  } finally {
    port.off('message', keepAlive)
  }
}

if (parentPort) void main(parentPort, workerData as MappedFileWorkerData)
