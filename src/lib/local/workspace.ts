import {mkdir} from 'node:fs/promises'
import {join, resolve} from 'node:path'

/**
 * The local workspace: every part of the embedded default lives here, in plain files a person
 * can inspect with ls, tail and duckdb.
 */
export interface Workspace {
  root: string
  /** Local streams: one folder per stream. */
  streams: string
  /** Deployed applications: definition, status, checkpoints, worker log. */
  apps: string
  /** Firehose-like delivery: TABLE/YYYY/MM/DD/HH/ prefixes. */
  lake: string
  /** The DuckDB catalog file written by `crawl`. */
  catalog: string
}

export interface WorkspaceOptions {
  /** `--workspace DIR`: the workspace folder itself. */
  workspace?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** `--workspace`, else `CLICKSTREAM_HOME`, else `.clickstream/` in the current folder. */
export function resolveWorkspace(options: WorkspaceOptions = {}): Workspace {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const root = resolve(cwd, options.workspace || env.CLICKSTREAM_HOME || '.clickstream')
  return {
    root,
    streams: join(root, 'streams'),
    apps: join(root, 'apps'),
    lake: join(root, 'lake'),
    catalog: join(root, 'catalog.duckdb'),
  }
}

export async function ensureWorkspace(ws: Workspace): Promise<Workspace> {
  await Promise.all([ws.streams, ws.apps, ws.lake].map((dir) => mkdir(dir, {recursive: true})))
  return ws
}
