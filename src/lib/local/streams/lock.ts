import {linkSync, readlinkSync, renameSync, symlinkSync, unlinkSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {ConflictError} from '../../core/errors.js'

/**
 * The appenders' lock of one stream: a symlink whose target is the holder's pid, created
 * atomically by symlink(2). It is held only while one batch is written, so many processes
 * append to one stream by turns. A lock left by a process that died (kill -9) is broken by the
 * next appender once its pid is gone.
 */
/** Locks this process holds now: a lock naming our own pid but not held here is stale (pid reuse). */
const heldHere = new Set<string>()

export class AppendLock {
  constructor(
    private readonly path: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** Takes the lock, waiting (briefly spinning, then sleeping) while another process holds it. */
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return
    const deadline = Date.now() + this.timeoutMs
    let wait = 1
    for (;;) {
      this.breakIfStale()
      if (this.tryAcquire()) return
      if (Date.now() > deadline) {
        throw new ConflictError(`another process (pid ${this.holder() ?? '?'}) holds the append lock ${this.path} for more than ${this.timeoutMs / 1000}s.`, {
          suggestions: ['If no clickstream process is writing to this stream, remove the lock file and try again.'],
        })
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
      wait = Math.min(wait * 2, 20)
    }
  }

  release(): void {
    heldHere.delete(this.path)
    try {
      unlinkSync(this.path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }

  private tryAcquire(): boolean {
    try {
      symlinkSync(String(process.pid), this.path)
      heldHere.add(this.path)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
  }

  private holder(): number | undefined {
    try {
      return Number(readlinkSync(this.path))
    } catch {
      return undefined
    }
  }

  /**
   * Removes a lock whose holder is dead. The lock is first renamed aside and checked again, so a
   * lock that a live process took in the meantime is put back instead of being broken.
   */
  private breakIfStale(): void {
    const pid = this.holder()
    if (pid === undefined || (pid === process.pid ? heldHere.has(this.path) : isAlive(pid))) return
    const aside = `${this.path}.stale-${randomBytes(4).toString('hex')}`
    try {
      renameSync(this.path, aside)
    } catch {
      return
    }
    const taken = Number(readlinkSync(aside))
    if (taken !== pid && isAlive(taken)) {
      try {
        linkSync(aside, this.path)
      } catch {
        // Someone holds a newer lock already; the live holder we moved aside keeps running and
        // releases a path that is no longer its own, which costs at most one overlapping batch.
      }
    }
    unlinkSync(aside)
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
