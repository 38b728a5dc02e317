import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {ManualClock} from '../../../src/lib/core/clock.js'
import {LakeSink} from '../../../src/lib/lake/delivery.js'
import {ensureWorkspace, resolveWorkspace, type Workspace} from '../../../src/lib/local/workspace.js'

export const FIXTURES = fileURLToPath(new URL('../../fixtures/lake/', import.meta.url))

/**
 * The fixture tables, each with the record clock its producer would give it: web (400 of seed
 * 000's documents from the real access log), events (seed 001's raw clicks) and sessions (seed
 * 001's aggregated sessions, made from those events by the seed's user/device/minute rule) and lab
 * (seed 004's events with epoch-millisecond times, from `generate --profile lab -n 400 --seed 5 --start 2021-02-26T23:59:10Z`).
 */
export const FIXTURE_TABLES = {
  web: {file: 'web.ndjson', time: (d: Record<string, string>) => Date.parse(d['@timestamp_utc'])},
  events: {file: 'events.ndjson', time: (d: Record<string, string>) => Date.parse(`${d.client_timestamp}Z`)},
  sessions: {file: 'sessions.ndjson', time: (d: Record<string, string>) => Date.parse(`${d.timeagg.replace(' ', 'T')}Z`)},
  lab: {file: 'lab-events.ndjson', time: (d: Record<string, string>) => Number(d.event_timestamp)},
} as const

export type FixtureTable = keyof typeof FIXTURE_TABLES

export function fixtureDocuments(table: FixtureTable): Array<Record<string, unknown>> {
  return readFileSync(`${FIXTURES}${FIXTURE_TABLES[table].file}`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Delivers fixture tables into a fresh workspace's lake through the lake sink, as producers would. */
export async function fixtureWorkspace(root: string, tables: readonly FixtureTable[] = ['web', 'events', 'sessions']): Promise<Workspace> {
  const workspace = await ensureWorkspace(resolveWorkspace({workspace: root}))
  for (const table of tables) await deliver(workspace, table, fixtureDocuments(table))
  return workspace
}

export async function deliver(workspace: Workspace, table: string, docs: Array<Record<string, unknown>>, time?: (d: Record<string, string>) => number): Promise<void> {
  const clockOf = time ?? FIXTURE_TABLES[table as FixtureTable].time
  const sink = new LakeSink({lake: workspace.lake, table, clock: new ManualClock(Date.UTC(2026, 0, 1))})
  await sink.write(docs.map((d) => ({data: JSON.stringify(d), time: clockOf(d as Record<string, string>)})))
  await sink.close()
}
