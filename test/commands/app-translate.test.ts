import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/run-cli.js'
import {useTempDir} from '../helpers/temp-dir.js'

// The workshops' programs (verbatim in test/sql/workshops) with the input schemas they used.
const SESSIONS = 'test/sql/workshops/clickstream-sessions-stagger.sql'
const SESSIONS_SCHEMA = ['--schema', 'test/lib/flink/fixtures/sessionization.schema.json']
const ANOMALY = 'test/sql/workshops/ctr-anomaly.sql'
const ANOMALY_SCHEMA = ['--schema', 'test/lib/flink/fixtures/anomaly-detection.schema.json']

describe('clickstream app translate --to flink', () => {
  const tempDir = useTempDir()

  it('prints the Flink SQL on stdout and each change of meaning as a warning on stderr', async () => {
    const result = await runCli(['app', 'translate', SESSIONS, ...SESSIONS_SCHEMA, '--to', 'flink', '--input', 'kinesis:clicks', '--output', 'DESTINATION_SQL_STREAM=firehose:to-s3', '--region', 'eu-west-1'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^-- Flink SQL translated by `clickstream app translate`/)
    expect(result.stdout).toContain("'connector' = 'kinesis',\n  'stream' = 'clicks',")
    expect(result.stdout).toContain("'connector' = 'firehose',\n  'delivery-stream' = 'to-s3',")
    expect(result.stdout).toMatch(/EXECUTE STATEMENT SET\nBEGIN\n[\s\S]*INSERT INTO DESTINATION_SQL_STREAM[\s\S]*END;\n$/)
    expect(result.stderr).toContain(`Warning: ${SESSIONS}:17: PUMP "WINDOW_PUMP_SEC": WINDOWED BY STAGGER opened one window per key`)
    expect(result.stderr).toContain('ROWTIME becomes processing time')
  })

  it('--out writes the file and keeps stdout empty', async () => {
    const dir = await tempDir()
    const out = join(dir, 'flink', 'sessions.flink.sql')
    const result = await runCli(['app', 'translate', SESSIONS, ...SESSIONS_SCHEMA, '--to', 'flink', '--out', out, '--region', 'eu-west-1'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(new RegExp(`Wrote ${out} \\(\\d+ warnings\\)`))
    expect(await readFile(out, 'utf8')).toMatch(/CREATE TABLE SOURCE_SQL_STREAM_001/)
  })

  it('--json gives the SQL and the warnings, and nothing on stderr', async () => {
    const result = await runCli(['app', 'translate', ANOMALY, ...ANOMALY_SCHEMA, '--to', 'flink', '--region', 'us-east-1', '--json'])
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout) as {sql: string; warnings: Array<{code: string; statement: string; line: number}>}
    expect(json.sql).toContain('CREATE VIEW CTRSTREAM AS')
    expect(json.warnings).toContainEqual(expect.objectContaining({code: 'untranslated', statement: 'PUMP "OUTPUT_PUMP"', line: 45}))
    expect(result.stderr).toBe('')
  })

  it.each([
    ['an --output for a stream the SQL lacks', [SESSIONS, ...SESSIONS_SCHEMA, '--to', 'flink', '--output', 'NOPE=kinesis:x'], 2, /--output NOPE: the SQL creates no stream of that name/],
    ['an --output that is not a stream', [SESSIONS, ...SESSIONS_SCHEMA, '--to', 'flink', '--output', 'DESTINATION_SQL_STREAM=local:x'], 2, /Flink writes to kinesis:NAME/],
    ['a missing SQL file', ['nope.sql', '--to', 'flink'], 4, /application SQL not found: nope\.sql/],
    ['no --to', [SESSIONS], 2, /Missing required flag to/],
  ])('fails clearly on %s', async (_case, args, code, message) => {
    const result = await runCli(['app', 'translate', ...args])
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
  })
})
