import Table from 'cli-table3'

/** True when stdout is a terminal a person is reading (not a pipe, not CI). */
export function isInteractive(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.CI
}

/** A plain table with a header row, as every command renders lists. */
export function renderTable(head: string[], rows: Array<Array<string | number>>, options: {alignRight?: number[]} = {}): string {
  const table = new Table({
    head,
    style: {head: [], border: []},
    colAligns: head.map((_, i) => (options.alignRight?.includes(i) ? 'right' : 'left')),
  })
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)))
  return table.toString()
}

/** A horizontal bar scaled to `max`, `width` cells wide. */
export function bar(value: number, max: number, width = 30): string {
  if (max <= 0 || value <= 0) return ''
  const cells = (value / max) * width
  const full = Math.floor(cells)
  const partial = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)]
  return '█'.repeat(full) + (partial === ' ' ? '' : partial)
}

/** `key: value` lines with the keys aligned. */
export function renderPairs(pairs: Array<[string, string | number]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join('\n')
}
