import {Worker} from 'node:worker_threads'
import {InternalError} from '../core/errors.js'
import type {ChunkWork} from './chunk-work.js'

interface Pending {
  resolve: (work: ChunkWork) => void
  reject: (error: Error) => void
}

/**
 * Parsing and formatting threads for a replay at full speed: the main thread reads and sends,
 * the workers parse. Each worker answers in the order it was asked; chunks go round-robin, so
 * the caller gets results back in file order by awaiting them in the order it asked.
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
        for (const p of queue.splice(0)) p.reject(new InternalError(`a replay worker failed: ${error.message}`, {cause: error}))
      })
      this.workers.push(worker)
      this.queues.push(queue)
    }
  }

  get size(): number {
    return this.workers.length
  }

  /** Parses a chunk of lines (UTF-8 bytes; the pool takes a copy, moved to the worker without a second one). */
  run(bytes: Buffer, json: boolean, keyField: string): Promise<ChunkWork> {
    const i = this.next
    this.next = (this.next + 1) % this.workers.length
    const own = new Uint8Array(bytes.length)
    own.set(bytes)
    return new Promise((resolve, reject) => {
      this.queues[i].push({resolve, reject})
      this.workers[i].postMessage({bytes: own, json, keyField}, [own.buffer])
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
