import {createWriteStream, type WriteStream} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'
import {ExternalServiceError} from '../core/errors.js'

/** A line replay could not read, with where and why. */
export interface RejectedLine {
  file: string
  line: number
  column: number
  reason: string
  text: string
}

/**
 * `--errors FILE`: one JSON object per rejected line (`file`, `line`, `column`, `reason`,
 * `text`), so a person can read it and `jq` can sort it. Appends when a checkpointed replay
 * resumes, so the file lists every rejected line of the whole replay.
 */
export class RejectsFile {
  private failure: Error | undefined

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => (this.failure = error))
  }

  static async open(path: string, append: boolean): Promise<RejectsFile> {
    await mkdir(dirname(path), {recursive: true})
    return new RejectsFile(path, createWriteStream(path, {flags: append ? 'a' : 'w'}))
  }

  add(rejected: RejectedLine): void {
    this.check()
    this.stream.write(`${JSON.stringify(rejected)}\n`)
  }

  /** Resolves once every line added so far reached the file. */
  async flush(): Promise<void> {
    if (this.stream.writableLength > 0) await new Promise<void>((resolve) => this.stream.write('', () => resolve()))
    this.check()
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(() => resolve()))
    this.check()
  }

  private check(): void {
    if (this.failure) throw new ExternalServiceError('file system', `writing ${this.path} failed: ${this.failure.message}`, {cause: this.failure})
  }
}
