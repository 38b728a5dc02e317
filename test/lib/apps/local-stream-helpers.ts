import {systemClock} from '../../../src/lib/core/clock.js'
import {ensureWorkspace, resolveWorkspace, type Workspace} from '../../../src/lib/local/workspace.js'
import {openSink, openSource} from '../../../src/lib/targets/index.js'
import type {TargetContext} from '../../../src/lib/targets/types.js'

export async function workspaceIn(dir: string): Promise<Workspace> {
  return ensureWorkspace(resolveWorkspace({workspace: `${dir}/.clickstream`}))
}

export function contextFor(ws: Workspace): TargetContext {
  return {workspace: ws, aws: {}, clock: systemClock, warn: () => undefined}
}

/** Appends records (payload, record clock) to a local stream, creating it. */
export async function appendTo(ws: Workspace, stream: string, records: Array<{data: string; time: number}>): Promise<void> {
  const sink = await openSink({kind: 'local', name: stream}, contextFor(ws))
  await sink.write(records)
  await sink.close()
}

/** Every record's payload in a local stream, in order. */
export async function readAll(ws: Workspace, stream: string): Promise<string[]> {
  const source = await openSource({kind: 'local', name: stream}, contextFor(ws), {follow: false})
  const out: string[] = []
  for await (const batch of source.batches()) for (const r of batch) out.push(r.data)
  await source.close()
  return out
}
