import {renderTable} from '../cli/render.js'
import type {LocalCrawlResult} from './crawl.js'
import type {GlueCrawlResult} from './glue-crawl.js'

const DATA_PREVIEW = 4

/** What a local crawl did, one line per table, then a summary like the Glue console's banner. */
export function renderLocalCrawl(result: LocalCrawlResult): string {
  const lines: string[] = []
  if (result.tables.length > 0) {
    lines.push(
      renderTable(
        ['table', 'action', 'rows', 'files', 'partitions', 'columns'],
        result.tables.map((t) => [t.name, t.action + (t.changes.length > 0 ? ` (${t.changes.join(', ')})` : ''), t.rows, t.files, t.partitions, columnsPreview(t.columns)]),
        {alignRight: [2, 3, 4]},
      ),
    )
  }
  for (const s of result.skipped) lines.push(`skipped ${s.name}: ${s.reason}`)
  const {created, updated, unchanged, deleted} = result.summary
  if (result.tables.length === 0) lines.push(`No tables in ${result.lake} yet: deliver data with --to lake:TABLE, then crawl again.`)
  else lines.push(`${created} table${created === 1 ? '' : 's'} created, ${updated} updated, ${unchanged} unchanged, ${deleted} deleted in ${result.catalog}.`)
  return lines.join('\n')
}

export function renderGlueCrawl(result: GlueCrawlResult): string {
  const lines: string[] = []
  const {tablesCreated, tablesUpdated, tablesDeleted} = result.metrics
  lines.push(
    `Crawler "${result.crawler}" ${result.started ? 'completed' : 'finished the crawl that was already running'} (${result.lastCrawl.status}) and made the following changes: ${tablesCreated} tables created, ${tablesUpdated} tables updated, ${tablesDeleted} deleted.`,
  )
  if (result.lastCrawl.errorMessage) lines.push(`Last crawl message: ${result.lastCrawl.errorMessage}`)
  if (result.tables.length > 0) {
    lines.push(
      renderTable(
        ['table', 'action', 'classification', 'partition keys', 'columns'],
        result.tables.map((t) => [t.name, t.action, t.classification ?? '', t.partitionKeys.map((k) => k.name).join(', '), columnsPreview(t.columns)]),
      ),
    )
  } else if (result.database) lines.push(`Database ${result.database} has no tables.`)
  return lines.join('\n')
}

function columnsPreview(columns: Array<{name: string; type: string}>): string {
  const data = columns.filter((c) => !/^partition_\d+$/.test(c.name))
  const shown = data.slice(0, DATA_PREVIEW).map((c) => c.name)
  return `${columns.length}: ${shown.join(', ')}${data.length > DATA_PREVIEW ? ', …' : ''}`
}
