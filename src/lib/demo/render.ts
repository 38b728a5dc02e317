import {renderTable} from '../cli/render.js'
import {formatCount, formatDuration} from '../core/units.js'
import {renderResultTable} from '../reports/render.js'
import type {DemoEvent, DemoResult} from './demo.js'

const DIM = (text: string, color: boolean) => (color ? `\x1b[2m${text}\x1b[22m` : text)
const BOLD = (text: string, color: boolean) => (color ? `\x1b[1m${text}\x1b[22m` : text)

/** Sessions shown row by row before the demo only counts them. */
const SESSIONS_SHOWN = 8
/** Rows of each report shown; the rest are a command away. */
const REPORT_ROWS_SHOWN = 12

/**
 * Renders the demo's progress as it happens: each step with its AWS counterpart and the command
 * that runs it alone, the first sessions as rows and then a running count, and the reports.
 */
export class DemoPrinter {
  private shown = 0
  private statusOpen = false
  private lastStatus = 0
  private widths: number[] = []

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly interactive: boolean,
    private readonly now: () => number,
  ) {}

  handle(event: DemoEvent): void {
    switch (event.type) {
      case 'step': {
        this.closeStatus()
        const {step} = event
        this.out.write(`\n${BOLD(`[${step.index}/${step.total}] ${step.title}`, this.interactive)}\n`)
        const commands = typeof step.command === 'string' ? [step.command] : step.command
        this.out.write(DIM(`      on AWS: ${step.aws}\n${commands.map((c, i) => `      ${i === 0 ? 'alone: ' : '       '} $ ${c}\n`).join('')}`, this.interactive))
        break
      }
      case 'step-done':
        this.closeStatus()
        this.out.write(`      ✓ ${event.detail}\n`)
        break
      case 'sessions':
        this.sessions(event.rows, event.count)
        break
      case 'report':
        this.closeStatus()
        this.out.write(`\n      $ ${event.command}\n`)
        this.out.write(indent(renderResultTable({...event.result, rows: event.result.rows.slice(0, REPORT_ROWS_SHOWN)}, {chart: event.result.chart, interactive: this.interactive})) + '\n')
        if (event.result.rows.length > REPORT_ROWS_SHOWN) this.out.write(`      (${formatCount(event.result.rows.length - REPORT_ROWS_SHOWN)} more rows: run the command to see them all)\n`)
        break
    }
  }

  private sessions(rows: Array<Record<string, unknown>>, count: number): void {
    const fresh = rows.slice(0, Math.max(0, SESSIONS_SHOWN - this.shown))
    if (fresh.length > 0) {
      this.closeStatus()
      if (this.shown === 0) {
        const keys = Object.keys(fresh[0])
        this.widths = keys.map((k) => Math.max(k.length, ...rows.slice(0, SESSIONS_SHOWN).map((r) => String(r[k] ?? '').length)) + 2)
        this.out.write(`      ${BOLD(this.cells(keys), this.interactive)}\n`)
      }
      for (const row of fresh) this.out.write(`      ${this.cells(Object.values(row).map((v) => String(v ?? '')))}\n`)
      this.shown += fresh.length
    }
    if (!this.interactive) return
    if (this.now() - this.lastStatus < 100) return
    this.lastStatus = this.now()
    this.out.write(`\r\x1b[K      ${DIM(`… ${formatCount(count)} sessions so far`, true)}`)
    this.statusOpen = true
  }

  private cells(values: string[]): string {
    return values.map((v, i) => v.padEnd(this.widths[i] ?? 0)).join('').trimEnd()
  }

  private closeStatus(): void {
    if (!this.statusOpen) return
    this.out.write('\r\x1b[K')
    this.statusOpen = false
  }
}

export function renderDemoSummary(result: DemoResult): string {
  const lines = [
    '',
    `Done in ${formatDuration(result.elapsedMs)}. What was measured:`,
    renderTable(
      ['', 'count'],
      [
        ['click events generated', result.clicks.generated],
        ['  read by the SQL application', result.clicks.readByApplication],
        ['  in the lake (clicks)', result.clicks.inLake],
        ['sessions emitted by the application', result.sessions.emitted],
        ['  tailed from local:sessions', result.sessions.tailed],
        ['  in the lake (sessions)', result.sessions.inLake],
        ['access-log lines written', result.web.linesWritten],
        ['  delivered as JSON documents', result.web.delivered],
        ['  in the lake (web)', result.web.inLake],
      ],
      {alignRight: [1]},
    ),
  ]
  const failed = result.checks.filter((c) => !c.ok)
  lines.push(
    failed.length === 0
      ? `All ${result.checks.length} cross-checks agree (events generated = events in the lake = events counted by the sessions).`
      : `${failed.length} of ${result.checks.length} cross-checks disagree:\n${failed.map((c) => `  ✗ ${c.name}: expected ${formatCount(c.expected)}, got ${formatCount(c.actual)}`).join('\n')}`,
  )
  lines.push(
    '',
    `The workspace is left for you to explore: ${result.workspace}`,
    `  ls ${result.workspace}/lake/*/`,
    `  clickstream query "SELECT event_name, count(*) AS n FROM clicks GROUP BY 1 ORDER BY 2 DESC" --workspace ${result.workspace}`,
    `  clickstream report list`,
    `  clickstream report funnel --table web --workspace ${result.workspace}`,
  )
  return lines.join('\n')
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')
}
