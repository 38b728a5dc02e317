import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {NotFoundError, UsageError} from '../core/errors.js'
import {openFileStream, readLines} from '../targets/line-reader.js'
import type {InRecord, Source, SourceOptions, TargetContext} from '../targets/types.js'
import {sqlString} from './delivery.js'
import {ERRORS_FOLDER, formatOfFile, tableFolder} from './layout.js'

/** While following, look for newly delivered files this often. */
export const LAKE_FOLLOW_POLL_MS = 1_000

const PREFIX = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//

/**
 * `lake:TABLE` as a source: every record of the table's files, in path order (hour prefix, then
 * file name, which starts with the flush time). Files never change once delivered (they appear
 * by rename), so a file is read once, whole. The lake keeps only each record's hour, so that is
 * the arrival time given to records under a YYYY/MM/DD/HH prefix.
 *
 * Positions are `PATH:LINE` relative to the table folder; resuming skips files before the
 * checkpoint's file and lines up to its line. With `follow`, new files are picked up as they land.
 */
export async function openLakeSource(table: string, ctx: TargetContext, options: SourceOptions = {}): Promise<Source> {
  const root = tableFolder(ctx.workspace.lake, table)
  if (!(await isFolder(root)) && !options.follow) {
    const tables = (await readdir(ctx.workspace.lake, {withFileTypes: true}).catch(() => []))
      .filter((e) => e.isDirectory() && e.name !== ERRORS_FOLDER)
      .map((e) => e.name)
      .sort()
    throw new NotFoundError(`the lake has no table '${table}'. Tables: ${tables.length > 0 ? tables.join(', ') : '(none)'}.`)
  }
  const resume = options.resume === undefined ? undefined : parsePosition(options.resume)
  let last: string | undefined
  let duck: import('./duckdb.js').DuckDb | undefined
  const seen = new Set<string>()

  async function* readFile(path: string): AsyncGenerator<InRecord[]> {
    const prefix = PREFIX.exec(path)
    const arrival = prefix ? Date.UTC(Number(prefix[1]), Number(prefix[2]) - 1, Number(prefix[3]), Number(prefix[4])) : ctx.clock.now()
    const skipThrough = resume && resume.path === path ? resume.line : 0
    const full = join(root, path)
    if (formatOfFile(path) === 'parquet') {
      duck ??= await (await import('./duckdb.js')).openDuckDb(':memory:')
      const rows = await duck.query(`SELECT to_json(p)::VARCHAR FROM read_parquet(${sqlString(full)}) AS p`)
      const batch = rows.rows.map((r, i) => ({data: r[0] as string, arrival, position: `${path}:${i + 1}`})).slice(skipThrough)
      if (batch.length > 0) {
        last = batch[batch.length - 1].position
        yield batch
      }
      return
    }
    for await (const lines of readLines(openFileStream(full))) {
      const batch = lines.filter((l) => l.line > skipThrough && l.text !== '').map((l) => ({data: l.text, arrival, position: `${path}:${l.line}`}))
      if (batch.length === 0) continue
      last = batch[batch.length - 1].position
      yield batch
    }
  }

  async function pending(): Promise<string[]> {
    const entries = await readdir(root, {recursive: true, withFileTypes: true}).catch(() => [])
    const paths: string[] = []
    for (const e of entries) {
      if (!e.isFile() || e.name.startsWith('.') || !formatOfFile(e.name)) continue
      const parent = (e.parentPath ?? (e as unknown as {path: string}).path).slice(root.length + 1)
      const path = parent ? `${parent}/${e.name}` : e.name
      if (!seen.has(path)) paths.push(path)
    }
    return paths.sort()
  }

  if (options.from === 'latest' && !resume) for (const path of await pending()) seen.add(path)

  return {
    target: `lake:${table}`,
    async *batches() {
      while (true) {
        for (const path of await pending()) {
          seen.add(path)
          if (resume && path < resume.path) continue
          yield* readFile(path)
          if (options.signal?.aborted) return
        }
        if (!options.follow || options.signal?.aborted) return
        await ctx.clock.sleep(LAKE_FOLLOW_POLL_MS, options.signal)
        if (options.signal?.aborted) return
      }
    },
    checkpoint: () => last,
    async close() {
      duck?.close()
      duck = undefined
    },
  }
}

function parsePosition(text: string): {path: string; line: number} {
  const m = /^(.+):(\d+)$/.exec(text)
  if (!m) throw new UsageError(`'${text}' is not a lake position (PATH:LINE, as a lake source's checkpoint gives).`)
  return {path: m[1], line: Number(m[2])}
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}
