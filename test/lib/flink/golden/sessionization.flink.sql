-- Flink SQL translated by `clickstream app translate` from test/sql/workshops/clickstream-sessions-stagger.sql (Kinesis Data Analytics for SQL).
-- Runs in a Managed Service for Apache Flink Studio notebook (%flink.ssql) or a Flink SQL client or gateway, Flink
-- 1.15+ (older SQL clients spell the statement set BEGIN STATEMENT SET, ... END).
-- Kinesis tables use the options of flink-sql-connector-kinesis ('stream', 'scan.stream.initpos'). With
-- flink-connector-aws 5.x name that connector 'kinesis-legacy'. Lines starting with -- NOTE: mark where Flink
-- behaves differently from KDA.

-- KDA computed every time in UTC.
SET 'table.local-time-zone' = 'UTC';

-- The input (in KDA: SOURCE_SQL_STREAM_001). ROWTIME becomes the processing-time attribute proc_time. Records KDA sent to error_stream are skipped.
CREATE TABLE SOURCE_SQL_STREAM_001 (
  user_id INT,
  device_id VARCHAR(8),
  client_event VARCHAR(16),
  client_timestamp TIMESTAMP(3),
  proc_time AS PROCTIME()
) WITH (
  'connector' = 'kinesis',
  'stream' = 'clickstream',
  'aws.region' = 'eu-west-1',
  'scan.stream.initpos' = 'LATEST',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true',
  'json.timestamp-format.standard' = 'ISO-8601'
);

-- Output DESTINATION_SQL_STREAM (JSON keys are the column names, as KDA wrote them)
CREATE TABLE DESTINATION_SQL_STREAM (
  SESSION_ID VARCHAR(60),
  USER_ID INT,
  DEVICE_ID VARCHAR(10),
  TIMEAGG TIMESTAMP(3),
  EVENTS INT,
  BEGINNAVIGATION VARCHAR(32),
  ENDNAVIGATION VARCHAR(32),
  BEGINSESSION VARCHAR(25),
  ENDSESSION VARCHAR(25),
  DURATION_SEC INT
) WITH (
  'connector' = 'firehose',
  'delivery-stream' = 'sessions-to-s3',
  'aws.region' = 'eu-west-1',
  'format' = 'json'
);

EXECUTE STATEMENT SET
BEGIN

-- PUMP "WINDOW_PUMP_SEC"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: WINDOWED BY STAGGER opened one window per key at its first row, Flink has no such window in SQL, so
--   this is a processing-time TUMBLE window of the same length aligned to the clock (rows of one key may be
--   split across two windows).
-- NOTE: FIRST_VALUE kept NULL values in KDA (RESPECT NULLS is its default), Flink’s FIRST_VALUE skips them,
--   as IGNORE NULLS would.
-- NOTE: LAST_VALUE kept NULL values in KDA (RESPECT NULLS is its default), Flink’s LAST_VALUE skips them, as
--   IGNORE NULLS would.
INSERT INTO DESTINATION_SQL_STREAM
SELECT CAST(UPPER(CAST(user_id AS VARCHAR(3)) || '_' || SUBSTRING(device_id FROM 1 FOR 3) || CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', client_timestamp), 30), FLOOR(client_timestamp TO SECOND))) AS BIGINT) * 1000 / 1000 AS VARCHAR(20))) AS VARCHAR(60)) AS SESSION_ID,
  user_id AS USER_ID,
  CAST(device_id AS VARCHAR(10)) AS DEVICE_ID,
  CAST(TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', client_timestamp), 30), FLOOR(client_timestamp TO SECOND)) AS TIMESTAMP(3)) AS TIMEAGG,
  CAST(COUNT(client_event) AS INT) AS EVENTS,
  CAST(FIRST_VALUE(client_event) AS VARCHAR(32)) AS BEGINNAVIGATION,
  CAST(LAST_VALUE(client_event) AS VARCHAR(32)) AS ENDNAVIGATION,
  CAST(SUBSTRING(CAST(MIN(client_timestamp) AS VARCHAR(25)) FROM 15 FOR 19) AS VARCHAR(25)) AS BEGINSESSION,
  CAST(SUBSTRING(CAST(MAX(client_timestamp) AS VARCHAR(25)) FROM 15 FOR 19) AS VARCHAR(25)) AS ENDSESSION,
  CAST(CAST(TIMESTAMPDIFF(SECOND, MIN(client_timestamp), MAX(client_timestamp)) AS BIGINT) * 1000 / 1000 AS INT) AS DURATION_SEC
FROM SOURCE_SQL_STREAM_001
GROUP BY TUMBLE(SOURCE_SQL_STREAM_001.proc_time, INTERVAL '30' SECOND), user_id, device_id, TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', client_timestamp), 30), FLOOR(client_timestamp TO SECOND));

END;

-- Warnings printed by clickstream app translate (not part of its output):
--   sessionization.sql:17: PUMP "WINDOW_PUMP_SEC": WINDOWED BY STAGGER opened one window per key at its first row; Flink has no such window in SQL, so this is a processing-time TUMBLE window of the same length aligned to the clock (rows of one key may be split across two windows).
--   sessionization.sql:17: PUMP "WINDOW_PUMP_SEC": FIRST_VALUE kept NULL values in KDA (RESPECT NULLS is its default); Flink's FIRST_VALUE skips them, as IGNORE NULLS would.
--   sessionization.sql:17: PUMP "WINDOW_PUMP_SEC": LAST_VALUE kept NULL values in KDA (RESPECT NULLS is its default); Flink's LAST_VALUE skips them, as IGNORE NULLS would.
--   sessionization.sql:17: PUMP "WINDOW_PUMP_SEC": ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application and carried that time through every pump; Flink takes the time again in each operator.
