import {open} from 'node:fs/promises'
import {parentPort, workerData} from 'node:worker_threads'
import {createRowWriter, WrittenRow} from '../sql/input/mapper.js'
import {parseInputSchema} from '../sql/input/schema.js'
import {LineSplitter, openFileStream} from '../targets/line-reader.js'
import {BatchWindow} from './batch-window.js'
import {BatchBuilder} from './mapped-batch.js'
import type {ColumnsMessage, MappedFileWorkerData, WorkerMessage} from './mapped-file-input.js'

/** Records in the first batch; each next one is twice as large, up to `batchRecords`. */
const FIRST_BATCH_RECORDS = 1024
/** Bytes read at a time: a read costs this thread ~20 µs besides its bytes. */
const READ_BYTES = 1024 * 1024

/**
 * The file's bytes, a chunk at a time (a gzip file's, decompressed). A plain file is read into
 * three buffers in turn, the next chunk while this one is split: no buffer is allocated per
 * chunk (each would cost the kernel fresh pages), and the buffer of the chunk before stays as it
 * is until this one is pushed to the LineSplitter, which may hold on to its last partial line.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  if (path.endsWith('.gz')) {
    yield* openFileStream(path)
    return
  }
  const file = await open(path, 'r')
  const buffers = [0, 1, 2].map(() => Buffer.allocUnsafeSlow(READ_BYTES))
  let reading: Promise<{bytesRead: number; buffer: Buffer}> | undefined = file.read(buffers[0], 0, READ_BYTES, null)
  try {
    for (let k = 0; reading !== undefined; k++) {
      const {bytesRead, buffer}: {bytesRead: number; buffer: Buffer} = await reading
      reading = bytesRead === 0 ? undefined : file.read(buffers[(k + 1) % 3], 0, READ_BYTES, null)
      if (bytesRead > 0) yield buffer.subarray(0, bytesRead)
    }
  } finally {
    // A read still under way when the caller stops has nobody to hear of its failure.
    await reading?.catch(() => undefined)
    await file.close()
  }
}

/**
 * The reading thread of a file input: reads and splits lines as the `file:` source does (its
 * line splitter, decoding many lines at once: each is mapped where it is in their text), maps
 * each record, and posts packed batches in order, never more than `maxInFlight` ahead of what
 * the application thread has taken.
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
    const write = createRowWriter(mapping, {rowtimeField: options.rowtimeField})
    const row = new WrittenRow(mapping.columns.length)
    const withText = options.path.endsWith('.gz')
    const sent = options.columnsLater ? await columnsMessage(port) : undefined
    const builder = new BatchBuilder(mapping.columns, {withRowtimes: options.rowtimeField !== undefined, withText, sent})
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
    const lines = new LineSplitter({decodeTogether: true})
    // Without --rowtime, rows take their arrival time on the application thread's clock.
    const addLines = async () => {
      while (lines.next()) {
        const {line, end, source, from, to} = lines
        const mapped = write(source, from, to, 0, row)
        if (mapped === true) builder.addWritten(line, end, to - from, withText ? lines.text : undefined, row)
        else builder.add(line, end, lines.text, mapped)
        if (builder.records >= target || builder.chars >= options.batchChars) await post()
      }
    }
    for await (const chunk of fileChunks(options.path)) {
      lines.push(chunk)
      await addLines()
    }
    lines.finish()
    await addLines()
    if (builder.records > 0) await post()
    send({type: 'end'})
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {suggestions?: string[]}
    send({type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code, suggestions: e?.suggestions})
  } finally {
    port.off('message', keepAlive)
  }
}

function columnsMessage(port: NonNullable<typeof parentPort>): Promise<readonly boolean[] | undefined> {
  return new Promise((resolve) => {
    const receive = (message: ColumnsMessage) => {
      if (message.type !== 'columns') return
      port.off('message', receive)
      resolve(message.columnsRead)
    }
    port.on('message', receive)
  })
}

if (parentPort) void main(parentPort, workerData as MappedFileWorkerData)
