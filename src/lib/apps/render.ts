import {renderPairs, renderTable} from '../cli/render.js'
import {formatCount, formatDuration} from '../core/units.js'
import type {AppStatus, DeployResult, ExplainResult, StartResult, StopResult} from './lifecycle.js'
import type {AppRunResult} from './run.js'

/** The summary `app run` prints on stderr. */
export function renderRunSummary(r: AppRunResult): string {
  const lines = [
    `${r.ended ? 'Input ended' : 'Stopped'} after ${formatDuration(r.elapsedMs)}: ${formatCount(r.recordsIn)} records in (${formatCount(r.rowsIn)} rows into ${r.sourceStream}), ${formatCount(r.errors)} sent to error_stream.`,
  ]
  if (r.reading.secondThread) {
    const skipped = r.reading.columnsNotPassedOn
    lines.push(`Input read and mapped on a second thread${skipped.length > 0 ? `; columns no query reads were checked but not passed on: ${skipped.map((c) => `"${c}"`).join(', ')}` : ''}.`)
  }
  if (r.schema.origin === 'discovered') lines.push(`Input schema discovered from the first records: ${r.schema.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')}.`)
  for (const o of r.outputs) lines.push(`  ${o.stream} → ${o.target}: ${formatCount(o.rows)} rows`)
  if (r.errors > 0) {
    lines.push(`First errors:`)
    for (const e of r.firstErrors) lines.push(`  ${e}`)
    if (!r.outputs.some((o) => o.stream === 'error_stream')) lines.push(`Route them somewhere with --output error_stream=file:errors.ndjson.`)
  }
  return lines.join('\n')
}

export function renderDeploy(r: DeployResult): string {
  return [
    `Deployed '${r.name}' (${r.path}).`,
    renderPairs([
      ['input', `${r.input} → ${r.sourceStream} (schema ${r.schema.origin === 'file' ? 'from file' : 'discovered'}: ${r.schema.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`],
      ...r.outputs.map((o): [string, string] => ['output', `${o.stream} → ${o.target}${o.format === 'CSV' ? ' (CSV)' : ''}`]),
    ]),
    `Start it with 'clickstream app start ${r.name}'.`,
  ].join('\n')
}

export function renderStart(r: StartResult): string {
  return r.state === 'running'
    ? `Started '${r.name}' (pid ${r.pid}) from ${r.startedFrom}. Log: ${r.log}`
    : `Starting '${r.name}' (pid ${r.pid}); it has not reported yet. Check 'clickstream app status ${r.name}' or the log: ${r.log}`
}

export function renderStop(r: StopResult): string {
  if (!r.wasRunning) return `'${r.name}' was not running (${r.state}).`
  const rows = r.counters ? ` ${formatCount(r.counters.recordsIn)} records read so far.` : ''
  return `Stopped '${r.name}'${r.killed ? ' (it did not stop in time and was killed; its last checkpoint holds)' : ''}.${rows}`
}

const ago = (iso: string | undefined, now: number) => (iso ? `${formatDuration(Math.max(0, now - Date.parse(iso)))} ago` : '-')

export function renderStatusTable(list: AppStatus[], now: number): string {
  if (list.length === 0) return "No applications deployed. Deploy one with 'clickstream app deploy APP.sql --name NAME --input local:STREAM'."
  return renderTable(
    ['app', 'state', 'input', 'lag', 'records in', 'rows out', 'errors', 'checkpoint'],
    list.map((s) => [
      s.name,
      s.state + (s.pid ? ` (pid ${s.pid})` : ''),
      s.input,
      s.lag ? `${formatCount(s.lag.records)} rec${s.lag.ms ? ` / ${formatDuration(s.lag.ms)}` : ''}` : '-',
      s.recordsIn,
      s.outputs.reduce((n, o) => n + o.rows, 0),
      s.errors,
      ago(s.lastCheckpoint?.at, now),
    ]),
    {alignRight: [4, 5, 6]},
  )
}

export function renderStatusDetail(s: AppStatus, now: number): string {
  const pairs: Array<[string, string | number]> = [
    ['state', s.state + (s.pid ? ` (pid ${s.pid})` : '')],
    ['input', s.input],
    ['input lag', s.lag ? `${formatCount(s.lag.records)} records${s.lag.ms !== undefined ? `, ${formatDuration(s.lag.ms)}` : ''}` : '-'],
    ['records in', s.recordsIn],
    ['rows in', s.rowsIn],
    ['errors', s.errors],
    ...s.outputs.map((o): [string, string] => [`→ ${o.stream}`, `${o.target}: ${formatCount(o.rows)} rows`]),
    ['last checkpoint', s.lastCheckpoint ? `${ago(s.lastCheckpoint.at, now)} (input position ${s.lastCheckpoint.input ?? '-'})` : '-'],
  ]
  if (s.startedAt) pairs.push(['started', s.startedAt])
  if (s.stoppedAt && s.state !== 'running') pairs.push(['stopped', s.stoppedAt])
  if (s.error) pairs.push(['error', s.error])
  for (const e of s.firstErrors) pairs.push(['set aside', e])
  pairs.push(['log', s.log])
  return `${s.name}\n${renderPairs(pairs)}`
}

export function renderExplain(r: ExplainResult): string {
  const streams = r.streams.map((s) => `  ${s.role.padEnd(12)} ${s.name} (${s.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`)
  return [`Streams:`, ...streams, '', r.plan.trimEnd()].join('\n')
}
