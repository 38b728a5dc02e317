import {readFileSync} from 'node:fs'
import type {Workspace} from '../local/workspace.js'
import {readJsonFile, writeFileAtomic} from '../core/files.js'
import {appPaths} from './registry.js'
import type {RunCounters} from './runner.js'

export type WorkerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed'

/** What the worker writes to `apps/<name>/status.json` as it runs. */
export interface WorkerStatus {
  state: WorkerState
  pid?: number
  /** Where this run started: resumed from the checkpoint, or trim-horizon / now. */
  startedFrom?: string
  startedAt?: string
  stoppedAt?: string
  updatedAt: string
  counters?: RunCounters
  lastCheckpoint?: {at: string; input?: string}
  error?: string
}

export async function readStatus(ws: Workspace, name: string): Promise<WorkerStatus | undefined> {
  return readJsonFile<WorkerStatus>(appPaths(ws, name).status)
}

export async function writeStatus(ws: Workspace, name: string, status: WorkerStatus): Promise<void> {
  await writeFileAtomic(appPaths(ws, name).status, JSON.stringify(status, null, 2) + '\n')
}

/**
 * True when a process with this pid runs (signal 0 checks without sending anything). A killed
 * worker can linger as a zombie until its new parent reaps it; on Linux /proc tells those apart.
 */
export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) [ZX]/s.test(stat)
  } catch {
    return true
  }
}
