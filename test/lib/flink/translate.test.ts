import {describe, expect, it} from 'vitest'
import {InputError, UsageError} from '../../../src/lib/core/errors.js'
import {translateToFlink, type FlinkTranslateOptions} from '../../../src/lib/flink/index.js'

const SCHEMA = {
  RecordFormat: {RecordFormatType: 'JSON'},
  RecordColumns: [
    {Name: 'user_id', SqlType: 'VARCHAR(16)', Mapping: '$.user_id'},
    {Name: 'page', SqlType: 'VARCHAR(64)', Mapping: '$.page'},
    {Name: 'amount', SqlType: 'DOUBLE', Mapping: '$.amount'},
    {Name: 'event_time', SqlType: 'TIMESTAMP', Mapping: '$.event_time'},
    {Name: 'ts_ms', SqlType: 'BIGINT', Mapping: '$.ts_ms'},
  ],
}

const OUT = `CREATE OR REPLACE STREAM "OUT" (a VARCHAR(64), b BIGINT);`

function translate(sql: string, options: FlinkTranslateOptions = {}) {
  return translateToFlink(sql, {region: 'us-east-1', schema: SCHEMA, input: {kind: 'kinesis', name: 'clicks'}, outputs: {OUT: {kind: 'kinesis', name: 'out'}}, ...options})
}

/** The pump's INSERT statement, from `INSERT INTO` to its semicolon. */
function insert(sql: string): string {
  const start = sql.indexOf('INSERT INTO')
  return sql.slice(start, sql.indexOf(';', start) + 1)
}

const pump = (select: string) => `${OUT}\nCREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" ${select};`

describe('translateToFlink: windows', () => {
  it.each([
    ['STEP(ROWTIME BY ...)', `GROUP BY "page", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND)`, "INTERVAL '10' SECOND"],
    ['FLOOR(ROWTIME TO MINUTE)', `GROUP BY "page", FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE)`, "INTERVAL '1' MINUTE"],
    [
      'FLOOR((ROWTIME - epoch) SECOND / n TO SECOND)',
      `GROUP BY "page", FLOOR(("SOURCE_SQL_STREAM_001".ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 20 TO SECOND)`,
      "INTERVAL '20' SECOND",
    ],
    ['a window longer than two digits', `GROUP BY "page", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '120' SECOND)`, "INTERVAL '120' SECOND(3)"],
  ])('a tumbling window by %s becomes GROUP BY TUMBLE on processing time', (_case, groupBy, size) => {
    const {sql, warnings} = translate(pump(`SELECT STREAM "page", COUNT(*) FROM "SOURCE_SQL_STREAM_001" ${groupBy}`))
    expect(insert(sql)).toContain(`GROUP BY TUMBLE(SOURCE_SQL_STREAM_001.proc_time, ${size}), page`)
    expect(warnings.map((w) => w.code)).toContain('rowtime-processing-time')
  })

  it('the window key in the SELECT list becomes the window start', () => {
    const {sql} = translate(pump(`SELECT STREAM "page", UNIX_TIMESTAMP(STEP(s.ROWTIME BY INTERVAL '1' MINUTE)) FROM "SOURCE_SQL_STREAM_001" AS s GROUP BY "page", STEP(s.ROWTIME BY INTERVAL '1' MINUTE)`))
    expect(insert(sql)).toContain("CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', CAST(TUMBLE_START(S.proc_time, INTERVAL '1' MINUTE) AS TIMESTAMP(3))) AS BIGINT) * 1000 AS BIGINT) AS B")
  })

  it('a stagger window becomes a tumbling window, with a NOTE and a warning', () => {
    const {sql, warnings} = translate(
      pump(`SELECT STREAM "user_id", COUNT(*) FROM "SOURCE_SQL_STREAM_001" WINDOWED BY STAGGER (PARTITION BY "user_id" RANGE INTERVAL '30' SECOND)`),
    )
    expect(sql).toMatch(/-- NOTE: WINDOWED BY STAGGER opened one window per key/)
    expect(insert(sql)).toContain("GROUP BY TUMBLE(SOURCE_SQL_STREAM_001.proc_time, INTERVAL '30' SECOND), user_id")
    expect(warnings.find((w) => w.code === 'stagger-window')).toMatchObject({statement: 'PUMP "P"', line: 2})
  })

  it('a sliding RANGE window gets ORDER BY the time attribute and a BETWEEN frame', () => {
    const {sql} = translate(pump(`SELECT STREAM "page", SUM("amount") OVER (PARTITION BY "page" RANGE INTERVAL '1' HOUR PRECEDING) FROM "SOURCE_SQL_STREAM_001"`))
    expect(insert(sql)).toContain(
      "SUM(amount) OVER (PARTITION BY page ORDER BY SOURCE_SQL_STREAM_001.proc_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)",
    )
  })

  it('a ROWS window keeps its row count', () => {
    const {sql} = translate(pump(`SELECT STREAM "page", COUNT(*) OVER w FROM "SOURCE_SQL_STREAM_001" WINDOW w AS (PARTITION BY "page" ROWS 5 PRECEDING)`))
    expect(insert(sql)).toContain('WINDOW W AS (PARTITION BY page ORDER BY SOURCE_SQL_STREAM_001.proc_time ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)')
  })

  it('GROUP BY without a time window is kept, with a NOTE that Flink emits updates', () => {
    const {warnings} = translate(pump(`SELECT STREAM "page", COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY "page"`))
    expect(warnings.map((w) => w.code)).toContain('unwindowed-aggregate')
  })
})

describe('translateToFlink: functions', () => {
  it.each([
    [`LAG("page", 1) OVER (PARTITION BY "user_id" ROWS 1 PRECEDING)`, 'LAG(page, 1) OVER (PARTITION BY user_id ORDER BY SOURCE_SQL_STREAM_001.proc_time)', []],
    [
      `LAG("page", 1) IGNORE NULLS OVER (PARTITION BY "user_id" ROWS 3 PRECEDING)`,
      'LAG(page, 1) OVER (PARTITION BY user_id ORDER BY SOURCE_SQL_STREAM_001.proc_time)',
      ['lag-ignore-nulls'],
    ],
    [`LAG("page") OVER (PARTITION BY "user_id" RANGE INTERVAL '1' MINUTE PRECEDING)`, 'LAG(page) OVER (PARTITION BY user_id ORDER BY SOURCE_SQL_STREAM_001.proc_time)', ['lag-frame']],
    [`CHAR_TO_TIMESTAMP('yyyy-MM-dd', "page")`, "TO_TIMESTAMP(page, 'yyyy-MM-dd')", []],
    [`CHAR_TO_TIMESTAMP('dd/MMM/yyyy:HH:mm:ss z', "page")`, "TO_TIMESTAMP(page, 'dd/MMM/yyyy:HH:mm:ss Z')", ['time-format']],
    [`CHAR_TO_TIMESTAMP('yyyy-MM-dd''T''HH:mm ''z''', "page")`, "TO_TIMESTAMP(page, 'yyyy-MM-dd''T''HH:mm ''z''')", []],
    [`TIMESTAMP_TO_CHAR('HH:mm:ss', "event_time")`, "DATE_FORMAT(event_time, 'HH:mm:ss')", []],
    [`TO_TIMESTAMP("ts_ms")`, 'CAST(TO_TIMESTAMP_LTZ(ts_ms, 3) AS TIMESTAMP(3))', []],
    [`TSDIFF("event_time", "event_time")`, 'CAST(TIMESTAMPDIFF(SECOND, event_time, event_time) AS BIGINT) * 1000', []],
    [`REGEX_REPLACE("page", 'http://', 'https://', 1, 0)`, "REGEXP_REPLACE(page, 'http://', 'https://')", []],
    [`REGEX_REPLACE("page", 'a', 'b', 3, 1)`, "REGEXP_REPLACE(page, 'a', 'b')", ['regex-replace-arguments']],
    [`STEP("event_time" BY INTERVAL '1' HOUR)`, 'FLOOR(event_time TO HOUR)', []],
    [
      `STEP("event_time" BY INTERVAL '15' MINUTE)`,
      "TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', event_time), 900), FLOOR(event_time TO SECOND))",
      [],
    ],
    [`CURRENT_ROW_TIMESTAMP`, 'LOCALTIMESTAMP', []],
    [`SUBSTRING("page", 2, 3) || UPPER("user_id")`, 'SUBSTRING(page FROM 2 FOR 3) || UPPER(user_id)', []],
    [`("amount" + 1) * 2 - ("amount" - (1 - 2))`, '(amount + 1) * 2 - (amount - (1 - 2))', []],
    [`CASE WHEN "amount" % 2 = 0 THEN 'even' ELSE 'odd' END`, "CASE WHEN MOD(amount, 2) = 0 THEN 'even' ELSE 'odd' END", []],
    [`MY_UDF("page")`, 'MY_UDF(page)', ['unknown-function']],
  ])('%s → %s', (kda, flink, codes) => {
    const {sql, warnings} = translate(pump(`SELECT STREAM CAST(${kda} AS VARCHAR(64)), 1 FROM "SOURCE_SQL_STREAM_001"`))
    expect(insert(sql)).toContain(flink)
    const noted = warnings.map((w) => w.code).filter((c) => c !== 'rowtime-processing-time')
    expect(noted).toEqual(codes)
  })

  it('RANDOM_CUT_FOREST is left out, commented, with a warning naming the pump', () => {
    const {sql, warnings} = translate(
      `${OUT}\nCREATE OR REPLACE PUMP "RCF" AS INSERT INTO "OUT" SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM "page", "amount" FROM "SOURCE_SQL_STREAM_001")));`,
    )
    expect(sql).not.toMatch(/^INSERT INTO/m)
    expect(sql).toMatch(/-- Not translated: PUMP "RCF": RANDOM_CUT_FOREST has no Flink SQL equivalent/)
    expect(sql).toMatch(/^-- {3}CREATE OR REPLACE PUMP RCF AS INSERT INTO OUT$/m)
    expect(warnings.find((w) => w.code === 'untranslated')).toMatchObject({statement: 'PUMP "RCF"', line: 2})
  })
})

describe('translateToFlink: the tumbling table functions', () => {
  const schema = {RecordFormat: {RecordFormatType: 'JSON'}, RecordColumns: [{Name: 'TICKER_SYMBOL', SqlType: 'VARCHAR(4)'}, {Name: 'PRICE', SqlType: 'DOUBLE'}]}

  it('COUNT_DISTINCT_ITEMS_TUMBLING becomes an exact COUNT(DISTINCT) per TUMBLE window', () => {
    const {sql, warnings} = translate(
      `CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM (NUMBER_OF_DISTINCT_ITEMS BIGINT);
       CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
       SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 60));`,
      {schema, outputs: {}},
    )
    expect(insert(sql)).toBe(
      [
        'INSERT INTO DESTINATION_SQL_STREAM',
        'SELECT NUMBER_OF_DISTINCT_ITEMS',
        'FROM (',
        '  SELECT COUNT(DISTINCT TICKER_SYMBOL) AS NUMBER_OF_DISTINCT_ITEMS',
        '  FROM (',
        '    SELECT TICKER_SYMBOL,',
        '      PRICE,',
        '      SOURCE_SQL_STREAM_001.proc_time AS proc_time',
        '    FROM SOURCE_SQL_STREAM_001',
        '  )',
        "  GROUP BY TUMBLE(proc_time, INTERVAL '60' SECOND)",
        ') AS COUNT_DISTINCT_ITEMS_TUMBLING;',
      ].join('\n'),
    )
    expect(warnings.map((w) => w.code)).toContain('approximate-function')
  })

  it('TOP_K_ITEMS_TUMBLING becomes a window Top-N', () => {
    const {sql} = translate(
      `CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM ("TICKER_SYMBOL" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
       CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
       SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001" WHERE PRICE > 1), 'TICKER_SYMBOL', 5, 60));`,
      {schema, outputs: {}},
    )
    const statement = insert(sql)
    expect(statement).toContain('SELECT ITEM AS TICKER_SYMBOL,\n  ITEM_COUNT AS MOST_FREQUENT_VALUES')
    expect(statement).toContain("FROM TABLE(TUMBLE(TABLE SOURCE_SQL_STREAM_001, DESCRIPTOR(proc_time), INTERVAL '60' SECOND))\n      WHERE PRICE > 1")
    expect(statement).toContain('ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY ITEM_COUNT DESC) AS rownum')
    expect(statement).toContain('WHERE rownum <= 5')
  })
})

describe('translateToFlink: streams, tables and views', () => {
  it('a stream pumps write and read becomes a view with a time attribute; the result stream a sink', () => {
    const {sql} = translate(`
      CREATE STREAM "MID" ("page" VARCHAR(64), n BIGINT);
      ${OUT}
      CREATE PUMP "A" AS INSERT INTO "MID" SELECT STREAM "page", COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY "page", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
      CREATE PUMP "B" AS INSERT INTO "MID" SELECT STREAM "user_id", 1 FROM "SOURCE_SQL_STREAM_001";
      CREATE PUMP "C" AS INSERT INTO "OUT" SELECT STREAM * FROM "MID";`)
    expect(sql).toMatch(/CREATE VIEW MID AS\nSELECT \*, PROCTIME\(\) AS proc_time FROM \(\n[\s\S]*\n {2}UNION ALL\n[\s\S]*\n\);/)
    expect(sql).toContain('-- In-application stream MID, fed by PUMP "A", PUMP "B"')
    // SELECT * names the stream's columns, never proc_time (KDA's * leaves out ROWTIME).
    expect(insert(sql)).toBe('INSERT INTO `OUT`\nSELECT page AS A,\n  N AS B\nFROM MID;')
    expect(sql.match(/EXECUTE STATEMENT SET\nBEGIN\n/g)).toHaveLength(1)
  })

  it('a stream that pumps read and that is also an --output gets a sink table fed from its view', () => {
    const {sql} = translate(
      `CREATE STREAM "MID" (a VARCHAR(64), b BIGINT);
       ${OUT}
       CREATE PUMP "A" AS INSERT INTO "MID" SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001";
       CREATE PUMP "C" AS INSERT INTO "OUT" SELECT STREAM * FROM "MID";`,
      {outputs: {OUT: {kind: 'kinesis', name: 'out'}, MID: {kind: 'firehose', name: 'mid-to-s3'}}},
    )
    expect(sql).toContain('CREATE VIEW MID AS')
    expect(sql).toContain("CREATE TABLE MID_SINK (\n  A VARCHAR(64),\n  B BIGINT\n) WITH (\n  'connector' = 'firehose',\n  'delivery-stream' = 'mid-to-s3',")
    expect(sql).toContain('INSERT INTO MID_SINK\nSELECT A, B FROM MID;')
  })

  it('fills the columns an INSERT column list leaves out with typed NULLs', () => {
    const {sql} = translate(pump(`("B") SELECT STREAM COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' SECOND)`))
    expect(insert(sql)).toContain('SELECT CAST(NULL AS VARCHAR(64)) AS A,\n  CAST(COUNT(*) AS BIGINT) AS B\nFROM')
  })

  it('the source table reads the input stream with the schema types, JSON and processing time', () => {
    const {sql} = translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`))
    expect(sql).toContain(`CREATE TABLE SOURCE_SQL_STREAM_001 (
  user_id VARCHAR(16),
  page VARCHAR(64),
  amount DOUBLE,
  event_time TIMESTAMP(3),
  ts_ms BIGINT,
  proc_time AS PROCTIME()
) WITH (
  'connector' = 'kinesis',
  'stream' = 'clicks',
  'aws.region' = 'us-east-1',
  'scan.stream.initpos' = 'LATEST',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true',
  'json.timestamp-format.standard' = 'ISO-8601'
);`)
  })

  it('declares APPROXIMATE_ARRIVAL_TIME as Kinesis metadata when the SQL reads it', () => {
    const {sql} = translate(pump(`SELECT STREAM "page", UNIX_TIMESTAMP(APPROXIMATE_ARRIVAL_TIME) FROM "SOURCE_SQL_STREAM_001"`))
    expect(sql).toContain("  APPROXIMATE_ARRIVAL_TIME TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL,\n  proc_time AS PROCTIME()")
  })

  it('writes to Firehose with the firehose connector', () => {
    const {sql} = translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {outputs: {OUT: {kind: 'firehose', name: 'to-s3'}}})
    expect(sql).toContain("'connector' = 'firehose',\n  'delivery-stream' = 'to-s3',")
  })

  it('without a schema, types the columns the SQL uses as STRING and says so', () => {
    const {sql, warnings} = translate(pump(`SELECT STREAM "page", COUNT("user_id") FROM "SOURCE_SQL_STREAM_001" GROUP BY "page"`), {schema: undefined})
    expect(sql).toContain('CREATE TABLE SOURCE_SQL_STREAM_001 (\n  page STRING,\n  user_id STRING,\n  proc_time AS PROCTIME()\n)')
    expect(warnings.map((w) => w.code)).toContain('missing-schema')
  })

  it('names what it had to assume: input, output and region', () => {
    const {sql, warnings} = translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {input: undefined, outputs: {}, region: undefined})
    expect(warnings.map((w) => w.code).sort()).toEqual(['missing-input', 'missing-output', 'missing-region'])
    expect(sql).toContain("'aws.region' = 'us-east-1'")
  })

  it('a CSV input uses the csv format with its delimiter', () => {
    const schema = {RecordFormat: {RecordFormatType: 'CSV', MappingParameters: {CSVMappingParameters: {RecordRowDelimiter: '\n', RecordColumnDelimiter: '|'}}}, RecordColumns: [{Name: 'page', SqlType: 'VARCHAR(64)'}]}
    const {sql} = translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {schema})
    expect(sql).toContain("'format' = 'csv',\n  'csv.field-delimiter' = '|',")
  })
})

describe('translateToFlink: errors', () => {
  it('reports a syntax error with its line and column', () => {
    const error = (() => {
      try {
        translate('CREATE STREAM "S" (a INTEGER);\nCREATE PUMP "P" AS INSERT INTO "S" SELECT STREAM FROM;', {file: 'app.sql'})
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).location).toMatchObject({file: 'app.sql', line: 2})
  })

  it('leaves out an --output for error_stream, with a warning', () => {
    const {sql, warnings} = translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {outputs: {OUT: {kind: 'kinesis', name: 'out'}, error_stream: {kind: 'kinesis', name: 'errors'}}})
    expect(sql).not.toContain("'errors'")
    expect(warnings.find((w) => w.code === 'untranslated')?.message).toMatch(/error_stream is left out/)
  })

  it('rejects a schema for another input stream than the one the SQL reads', () => {
    expect(() => translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {schema: {NamePrefix: 'WASA', ...SCHEMA}})).toThrow(
      /The schema describes the input stream WASA_001, which the SQL never reads \(it reads SOURCE_SQL_STREAM_001\)/,
    )
  })

  it('rejects an --output for a stream the SQL does not create, listing the streams', () => {
    expect(() => translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {outputs: {NOPE: {kind: 'kinesis', name: 'x'}}})).toThrow(UsageError)
    expect(() => translate(pump(`SELECT STREAM "page", 1 FROM "SOURCE_SQL_STREAM_001"`), {outputs: {NOPE: {kind: 'kinesis', name: 'x'}}})).toThrow(/Name one of|no stream of that name/)
  })
})
