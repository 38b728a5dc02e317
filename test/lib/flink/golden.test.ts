import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {formatFlinkWarning, translateApplication, type TranslateApplicationOptions} from '../../../src/lib/flink/index.js'

/**
 * Golden files: each workshop program and its Flink SQL, with the warnings the command prints.
 * After an intended change, rewrite them with `UPDATE_GOLDEN=1 npx vitest run test/lib/flink`
 * and review the diff.
 */
const HERE = 'test/lib/flink'
const UPDATE = process.env.UPDATE_GOLDEN === '1'

// The programs are the verbatim workshop SQL the engine's tests run (test/sql/workshops); their
// input schemas, as the workshops configured them, are here in fixtures/.
const CASES: Array<{name: string; program: string; options: Omit<TranslateApplicationOptions, 'sqlFile' | 'to'>}> = [
  {
    name: 'web-metrics',
    program: 'web-metrics.sql',
    options: {input: 'firehose:web-beacons', outputs: ['DESTINATION_SQL_STREAM=kinesis:web-metrics'], region: 'us-east-1'},
  },
  {
    name: 'sessionization',
    program: 'clickstream-sessions-stagger.sql',
    options: {input: 'kinesis:clickstream', outputs: ['DESTINATION_SQL_STREAM=firehose:sessions-to-s3'], region: 'eu-west-1'},
  },
  {
    name: 'anomaly-detection',
    program: 'ctr-anomaly.sql',
    options: {input: 'kinesis:clicks-and-impressions', outputs: ['DESTINATION_SQL_STREAM=kinesis:ctr-anomalies'], region: 'us-east-1'},
  },
]

function golden(sql: string, warnings: string[]): string {
  return `${sql}\n-- Warnings printed by clickstream app translate (not part of its output):\n${warnings.map((w) => `--   ${w}`).join('\n')}\n`
}

describe('app translate --to flink: the workshop programs (golden files)', () => {
  it.each(CASES)('$name', async ({name, program, options}) => {
    const sqlFile = join('test/sql/workshops', program)
    const schemaFile = join(HERE, 'fixtures', `${name}.schema.json`)
    const result = await translateApplication({sqlFile, schemaFile, to: 'flink', ...options})
    const actual = golden(result.sql, result.warnings.map((w) => formatFlinkWarning(w, `${name}.sql`)))
    const file = join(HERE, 'golden', `${name}.flink.sql`)
    if (UPDATE) writeFileSync(file, actual)
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 to write it`).toBe(true)
    expect(actual).toBe(readFileSync(file, 'utf8'))
    expect(result.schema).toBe(schemaFile)
  })
})

describe('app translate --to flink: every template in templates/sql translates', () => {
  const templates = readdirSync('templates/sql').filter((f) => f.endsWith('.sql'))

  it('finds the templates', () => {
    expect(templates.length).toBeGreaterThan(0)
  })

  it.each(templates)('%s', async (template) => {
    const result = await translateApplication({sqlFile: join('templates/sql', template), to: 'flink', region: 'us-east-1'})
    const sql = readFileSync(join('templates/sql', template), 'utf8')
    // A source table for the input, one table per result stream, and a statement set that runs
    // every pump that translates; whatever does not translate is named in a warning.
    expect(result.sql).toMatch(/CREATE TABLE \S+ \([\s\S]*proc_time AS PROCTIME\(\)[\s\S]*'connector' = 'kinesis'/)
    const pumps = [...sql.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?PUMP\s+"?(\w+)"?/gi)].map((m) => m[1].toUpperCase())
    for (const pump of pumps) {
      const translated = result.sql.includes(`PUMP "${pump}"`) || result.sql.includes(`fed by PUMP "${pump}"`)
      const explained = result.warnings.some((w) => w.code === 'untranslated' && w.statement === `PUMP "${pump}"`)
      expect(translated || explained, `PUMP ${pump} is translated or named in an 'untranslated' warning`).toBe(true)
    }
    if (!result.warnings.some((w) => w.code === 'no-insert')) expect(result.sql).toMatch(/EXECUTE STATEMENT SET\nBEGIN\n[\s\S]*INSERT INTO[\s\S]*\nEND;\n$/)
  })
})
