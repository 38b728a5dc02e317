import type {Workspace} from '../local/workspace.js'
import {readJsonFile, writeFileAtomic} from '../core/files.js'
import {appPaths} from './registry.js'
import type {CheckpointData} from './runner.js'

/**
 * The worker's checkpoint: input position, operator state and output counters in one file,
 * replaced atomically, so they always describe the same instant.
 */
export interface StoredCheckpoint extends CheckpointData {
  version: 1
  deploymentId: string
  at: string
}

export async function readCheckpoint(ws: Workspace, name: string): Promise<StoredCheckpoint | undefined> {
  return readJsonFile<StoredCheckpoint>(appPaths(ws, name).checkpoint)
}

export async function writeCheckpoint(ws: Workspace, name: string, checkpoint: StoredCheckpoint): Promise<void> {
  await writeFileAtomic(appPaths(ws, name).checkpoint, JSON.stringify(checkpoint))
}
