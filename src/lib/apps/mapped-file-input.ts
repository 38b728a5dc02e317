import {Worker} from 'node:worker_threads'
import type {Clock} from '../core/clock.js'
import {InputError, InternalError} from '../core/errors.js'
import {fileReadError} from '../targets/line-reader.js'
import {BatchWindow} from './batch-window.js'
import {MappedBatch, type PackedBatch} from './mapped-batch.js'

/**
 * A file at least this big is read and mapped on a second thread while the application runs on
 * this one. Below it, starting the thread and warming up its code cost about what they save
 * (on 2 cores, a fresh process breaks even at 8-12 MiB of JSON clicks).
 */
export const MAP_IN_THREAD_MIN_BYTES = 12 * 1024 * 1024
/** Records per batch handed over: large enough that a message's fixed cost vanishes. */
const BATCH_RECORDS = 8192
/** ... or fewer when records are long, so that a batch stays a few MiB. */
const BATCH_CHARS = 4 * 1024 * 1024
/** Batches mapped ahead of the application: memory stays flat however big the file. */
const MAX_IN_FLIGHT = 4

export interface MappedFileWorkerData {
  path: string
  /** The InputSchema JSON: what survives a structured clone, parsed again on the thread. */
  schema: unknown
  rowtimeField?: string
  /** The columns to send come in a `columns` message: the thread waits for it before mapping. */
  columnsLater: boolean
  batchRecords: number
  batchChars: number
  maxInFlight: number
  /** The BatchWindow's shared cells. */
  window: SharedArrayBuffer
}

/** To the thread. */
export interface ColumnsMessage {
  type: 'columns'
  columnsRead: readonly boolean[] | undefined
}

/** From the thread. */
export type WorkerMessage =
  | {type: 'batch'; batch: PackedBatch}
  | {type: 'end'}
  | {type: 'error'; name: string; message: string; code?: string; suggestions?: string[]}

export interface MappedFileInputOptions {
  /** The file, as `file:PATH` names it (positions read `PATH:LINE`). */
  path: string
  schema: unknown
  rowtimeField?: string
  /**
   * Per column of the mapping, whether the application reads it (`StreamInfo.columnsRead`). The
   * others are still mapped (a record whose value there cannot be coerced is set aside as before)
   * but not sent: their rows have NULL there. All are sent unless given. It is a promise so that
   * the thread starts (it takes tens of ms) while the application is compiled.
   */
  columnsRead?: Promise<readonly boolean[] | undefined>
  /** Stamps each batch's arrival time, as the `file:` source stamps its batches. */
  clock: Clock
  signal?: AbortSignal
  /** The thread's script: the compiled `mapped-file-worker.js` beside this module unless given (tests). */
  workerUrl?: URL
  batchRecords?: number
  maxInFlight?: number
}

/**
 * Reads a file input on a second thread: lines are split and mapped there (the `file:` source's
 * line reader and the same record mapper), so this thread only unpacks rows and runs the
 * application. The thread starts at once, so it reads while the application is being compiled.
 * Batches come in file order, once; `close()` (or the signal, or returning from the iteration)
 * stops the thread.
 */
export function mapFileInThread(options: MappedFileInputOptions): FileThread {
  return new FileThread(options)
}

export class FileThread implements AsyncIterableIterator<MappedBatch> {
  private readonly worker: Worker
  private readonly window = BatchWindow.create()
  private readonly queue: PackedBatch[] = []
  private ended = false
  private closed = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
  private readonly onAbort = () => void this.close()
  /** Resolves with the thread's exit code once it has stopped. */
  readonly exited: Promise<number>

  constructor(private readonly options: MappedFileInputOptions) {
    const workerData: MappedFileWorkerData = {
      path: options.path,
      schema: options.schema,
      rowtimeField: options.rowtimeField,
      columnsLater: options.columnsRead !== undefined,
      batchRecords: options.batchRecords ?? BATCH_RECORDS,
      batchChars: BATCH_CHARS,
      maxInFlight: options.maxInFlight ?? MAX_IN_FLIGHT,
      window: this.window.buffer,
    }
    this.worker = new Worker(options.workerUrl ?? new URL('./mapped-file-worker.js', import.meta.url), {workerData})
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'batch') this.queue.push(message.batch)
      else if (message.type === 'end') this.ended = true
      else this.failure ??= readFailure(message, options.path)
      this.notify()
    })
    this.worker.on('error', (error) => {
      this.failure ??= new InternalError(`the thread reading ${options.path} failed: ${error.message}`, {cause: error})
      this.notify()
    })
    if (options.columnsRead !== undefined) {
      options.columnsRead.then(
        (columnsRead) => {
          if (!this.closed) this.worker.postMessage({type: 'columns', columnsRead} satisfies ColumnsMessage)
        },
        () => void this.close(),
      )
    }
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve))
    this.worker.on('exit', (code) => {
      if (!this.ended && !this.closed) this.failure ??= new InternalError(`the thread reading ${options.path} stopped (exit code ${code})`)
      this.notify()
    })
    options.signal?.addEventListener('abort', this.onAbort, {once: true})
    if (options.signal?.aborted) void this.close()
  }

  /** Per column, whether a batch handed out so far left it out (no query reads it). */
  readonly columnsLeftOut: boolean[] = []

  /** Batches received and not yet handed out. */
  get queued(): number {
    return this.queue.length
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async next(): Promise<IteratorResult<MappedBatch>> {
    for (;;) {
      if (this.closed) return {done: true, value: undefined}
      const packed = this.queue.shift()
      if (packed) {
        this.window.take()
        packed.columns.forEach((col, i) => (this.columnsLeftOut[i] ||= col.kind === 'absent'))
        return {done: false, value: new MappedBatch(packed, this.options.path, this.options.clock.now())}
      }
      // Batches read before a failure are handed out first, as the `file:` source would.
      if (this.failure) {
        const failure = this.failure
        await this.close()
        throw failure
      }
      if (this.ended) {
        await this.close()
        return {done: true, value: undefined}
      }
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  async return(): Promise<IteratorResult<MappedBatch>> {
    await this.close()
    return {done: true, value: undefined}
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.queue.length = 0
    this.options.signal?.removeEventListener('abort', this.onAbort)
    this.notify()
    await this.worker.terminate()
  }
}

/**
 * The error the `file:` source would have thrown (fileReadError: a file gone since it was opened
 * is not found, a directory or damaged gzip is bad input); any other keeps its message and code.
 */
function readFailure(message: {name: string; message: string; code?: string; suggestions?: string[]}, path: string): Error {
  // The thread's gzip reader said it already (openFileStream).
  if (message.code === 'BAD_INPUT') return new InputError(message.message, {suggestions: message.suggestions})
  return fileReadError(Object.assign(new Error(message.message), {name: message.name, code: message.code}), path) as Error
}
