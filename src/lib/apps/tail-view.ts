import {formatCount} from '../core/units.js'

/**
 * The live table of `sessions tail` in a terminal: a header from the first row's keys, one line
 * per row as it arrives, and a status line (count, rate) kept at the bottom. Rows arriving
 * together are written with one write, and the status line is redrawn at most a few times a
 * second, so a fast stream does not make the terminal flicker.
 */
export class LiveTable {
  private columns: string[] | undefined
  private widths: number[] = []
  private count = 0
  private lastStatusAt = 0
  private statusShown = false

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly terminalWidth: number,
    private readonly now: () => number,
    private readonly label = 'rows',
  ) {}

  addRows(rows: ReadonlyArray<Record<string, unknown> | string>, rate: number): void {
    let text = this.statusShown ? '\r\x1b[K' : ''
    for (const row of rows) {
      this.count++
      if (typeof row === 'string') {
        text += truncate(row, this.terminalWidth) + '\n'
        continue
      }
      if (!this.columns) text += this.header(rows.filter((r): r is Record<string, unknown> => typeof r !== 'string').slice(0, 50))
      text += this.line(this.columns!.map((c) => cellText(row[c]))) + '\n'
    }
    text += this.statusText(rate)
    this.statusShown = true
    this.lastStatusAt = this.now()
    this.out.write(text)
  }

  /** Redraws only the status line (the rate changes while idle), rate-limited. */
  tick(rate: number): void {
    if (this.now() - this.lastStatusAt < 250) return
    this.lastStatusAt = this.now()
    this.out.write((this.statusShown ? '\r\x1b[K' : '') + this.statusText(rate))
    this.statusShown = true
  }

  finish(rate: number): void {
    this.out.write((this.statusShown ? '\r\x1b[K' : '') + this.statusText(rate) + '\n')
    this.statusShown = false
  }

  private statusText(rate: number): string {
    return `\x1b[2m${formatCount(this.count)} ${this.label} · ${rate.toFixed(1)}/s\x1b[22m`
  }

  private header(sample: Array<Record<string, unknown>>): string {
    const keys = Object.keys(sample[0])
    // Columns get room for their name and the widest value of the first rows, within the
    // terminal's width; later, longer values are cut with an ellipsis.
    const widths = keys.map((k) => Math.min(32, Math.max(k.length, ...sample.map((r) => cellText(r[k]).length))))
    const columns: string[] = []
    let used = 0
    for (let i = 0; i < keys.length; i++) {
      if (used + widths[i] + 2 > this.terminalWidth && columns.length > 0) break
      columns.push(keys[i])
      this.widths.push(widths[i])
      used += widths[i] + 2
    }
    this.columns = columns
    return `\x1b[1m${this.line(columns)}\x1b[22m\n`
  }

  private line(cells: string[]): string {
    return cells.map((c, i) => truncate(c, this.widths[i]).padEnd(this.widths[i])).join('  ').trimEnd()
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + '…'
}
