import {Worker} from 'node:worker_threads'
import {InternalError} from '../core/errors.js'
import type {ChunkWork} from './chunk-work.js'

interface Pending {
  resolve: (work: ChunkWork) => void
  reject: (error: Error) => void
}

/**
 * Parsing threads for a full-speed replay into a file or stdout: the main thread reads chunks
 * and writes the encoded records; the threads parse and format. Chunks go round-robin and each
 * thread answers in the order it was asked, so awaiting results in the order they were asked
 * gives them back in file order.
 */
export class ParsePool {
  private readonly workers: Worker[] = []
  private readonly queues: Pending[][] = []
  private next = 0

  constructor(size: number) {
    const url = new URL('./parse-worker.js', import.meta.url)
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url)
      const queue: Pending[] = []
      worker.on('message', (work: ChunkWork) => queue.shift()?.resolve(work))
      worker.on('error', (error) => {
        for (const p of queue.splice(0)) p.reject(new InternalError(`a replay parsing thread failed: ${error.message}`, {cause: error}))
      })
      this.workers.push(worker)
      this.queues.push(queue)
    }
  }

  get size(): number {
    return this.workers.length
  }

  /** Parses a chunk of lines. The bytes are copied once, into memory that moves to the thread. */
  run(bytes: Buffer, json: boolean): Promise<ChunkWork> {
    const i = this.next
    this.next = (this.next + 1) % this.workers.length
    const own = new Uint8Array(bytes.length)
    own.set(bytes)
    return new Promise((resolve, reject) => {
      this.queues[i].push({resolve, reject})
      this.workers[i].postMessage({bytes: own, json}, [own.buffer])
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
