import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/**
 * The reading thread's script as `npm run build` compiles it: vitest runs the TypeScript sources,
 * which a worker thread cannot load, so tests start the compiled one (`npm test` builds first).
 */
export const WORKER_URL = new URL('../../../dist/lib/apps/mapped-file-worker.js', import.meta.url)

export function compiledWorker(): URL {
  if (!existsSync(fileURLToPath(WORKER_URL))) throw new Error(`${fileURLToPath(WORKER_URL)} is missing: run npm run build first`)
  return WORKER_URL
}

/** A deterministic pseudo-random source, so a failing input can be rebuilt exactly. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296
}

export const T0 = 1_700_000_000_000

export const JSON_SCHEMA = {
  RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
  RecordColumns: [
    {Name: 'user_id', SqlType: 'VARCHAR(32)', Mapping: '$.user_id'},
    {Name: 'event_timestamp', SqlType: 'BIGINT', Mapping: '$.event_timestamp'},
    {Name: 'page', SqlType: 'VARCHAR(64)', Mapping: '$.page'},
    {Name: 'price', SqlType: 'DOUBLE', Mapping: '$.price'},
    {Name: 'clicked', SqlType: 'BOOLEAN', Mapping: '$.clicked'},
    {Name: 'sku', SqlType: 'VARCHAR(16)', Mapping: '$.items[0:].sku'},
  ],
}

/** Every row echoed (with a division that fails for one timestamp: a pump error), and counts per user per 10 s. */
export const JSON_APP = `
CREATE STREAM "OUT" (user_id VARCHAR(32), page VARCHAR(64), price DOUBLE, clicked BOOLEAN, sku VARCHAR(16), ratio INTEGER);
CREATE PUMP "P" AS INSERT INTO "OUT"
  SELECT STREAM "user_id", "page", "price", "clicked", "sku", 100 / ("event_timestamp" - ${T0}) FROM "SOURCE_SQL_STREAM_001";
CREATE STREAM "COUNTS" (user_id VARCHAR(32), n INTEGER);
CREATE PUMP "C" AS INSERT INTO "COUNTS"
  SELECT STREAM "user_id", COUNT(*) FROM "SOURCE_SQL_STREAM_001"
  GROUP BY "user_id", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
`

const PAGES = ['/', '/checkout', '/product/übergrößen-jacke-✓', '/search?q=%E6%97%A5%E6%9C%AC%E8%AA%9E&page=2', '/日本語/カテゴリ']

/**
 * Click records with everything a reader can trip on: malformed lines, values that do not
 * coerce, a missing ROWTIME, empty lines, CRLF endings, nulls, arrays that give several rows
 * (or one with nulls when empty), times that go back, multi-byte text, and no final newline.
 */
export function jsonInput(records: number, seed = 7): string {
  const rand = seeded(seed)
  const lines: string[] = []
  let t = T0 - 5_000
  for (let i = 0; i < records; i++) {
    t += Math.floor(rand() * 900) - 100
    const r: Record<string, unknown> = {
      user_id: i % 61 === 0 ? null : `user-${Math.floor(rand() * 40)}${i % 3 === 0 ? '-with-a-long-suffix' : ''}`,
      event_timestamp: i === 30 ? T0 : t,
      page: PAGES[Math.floor(rand() * PAGES.length)],
      price: i % 13 === 0 ? null : Math.round(rand() * 10_000) / 100,
      clicked: i % 11 === 0 ? null : rand() < 0.5,
      items: Array.from({length: Math.floor(rand() * 4)}, (_, k) => ({sku: `sku-${k}-${Math.floor(rand() * 1000)}`})),
    }
    if (i % 17 === 0) delete r.page
    if (i % 89 === 0) r.event_timestamp = 'soon'
    if (i % 83 === 0) r.price = 'expensive'
    let line = JSON.stringify(r)
    if (i % 97 === 0) line = ` ${line.slice(0, 25)} \t`
    if (i % 79 === 0) line = ''
    lines.push(i % 5 === 0 ? line + '\r' : line)
  }
  return lines.join('\n')
}

export const CSV_SCHEMA = {
  RecordFormat: {RecordFormatType: 'CSV', MappingParameters: {CSVMappingParameters: {RecordRowDelimiter: '\n', RecordColumnDelimiter: ','}}},
  RecordColumns: [
    {Name: 'user_id', SqlType: 'VARCHAR(32)'},
    {Name: 'event_timestamp', SqlType: 'BIGINT'},
    {Name: 'page', SqlType: 'VARCHAR(64)'},
    {Name: 'price', SqlType: 'DOUBLE'},
  ],
}

export const CSV_APP = `
CREATE STREAM "OUT" (user_id VARCHAR(32), page VARCHAR(64), price DOUBLE);
CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "user_id", "page", "price" FROM "SOURCE_SQL_STREAM_001";
`

/** CSV lines, some empty (no row at all), some with fields that do not coerce. */
export function csvInput(records: number, seed = 11): string {
  const rand = seeded(seed)
  const lines: string[] = []
  for (let i = 0; i < records; i++) {
    if (i % 23 === 0) lines.push('')
    else lines.push(`user-${Math.floor(rand() * 30)},${i % 41 === 0 ? 'later' : T0 + i * 250},${PAGES[i % PAGES.length]},${i % 37 === 0 ? 'n/a' : (rand() * 100).toFixed(2)}`)
  }
  return lines.join('\r\n') + '\r\n'
}
