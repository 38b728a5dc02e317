-- Flink SQL translated by `clickstream app translate` from test/sql/workshops/ctr-anomaly.sql (Kinesis Data Analytics for SQL).
-- Runs in a Managed Service for Apache Flink Studio notebook (%flink.ssql) or a Flink SQL client or gateway, Flink
-- 1.15+ (older SQL clients spell the statement set BEGIN STATEMENT SET, ... END).
-- Kinesis tables use the options of flink-sql-connector-kinesis ('stream', 'scan.stream.initpos'). With
-- flink-connector-aws 5.x name that connector 'kinesis-legacy'. Lines starting with -- NOTE: mark where Flink
-- behaves differently from KDA.

-- KDA computed every time in UTC.
SET 'table.local-time-zone' = 'UTC';

-- The input (in KDA: SOURCE_SQL_STREAM_001). ROWTIME becomes the processing-time attribute proc_time. Records KDA sent to error_stream are skipped.
CREATE TABLE SOURCE_SQL_STREAM_001 (
  browseraction VARCHAR(32),
  site VARCHAR(32),
  proc_time AS PROCTIME()
) WITH (
  'connector' = 'kinesis',
  'stream' = 'clicks-and-impressions',
  'aws.region' = 'us-east-1',
  'scan.stream.initpos' = 'LATEST',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- Output DESTINATION_SQL_STREAM (JSON keys are the column names, as KDA wrote them)
CREATE TABLE DESTINATION_SQL_STREAM (
  CTRPERCENT DOUBLE,
  ANOMALY_SCORE DOUBLE
) WITH (
  'connector' = 'kinesis',
  'stream' = 'ctr-anomalies',
  'aws.region' = 'us-east-1',
  'format' = 'json'
);

-- In-application stream CLICKSTREAM, fed by PUMP "CLICKPUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
CREATE VIEW CLICKSTREAM AS
SELECT *, PROCTIME() AS proc_time FROM (
  SELECT CAST(COUNT(*) AS DOUBLE) AS CLICKCOUNT
  FROM SOURCE_SQL_STREAM_001
  WHERE browseraction = 'Click'
  GROUP BY TUMBLE(SOURCE_SQL_STREAM_001.proc_time, INTERVAL '10' SECOND)
);

-- In-application stream IMPRESSIONSTREAM, fed by PUMP "IMPRESSIONPUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
CREATE VIEW IMPRESSIONSTREAM AS
SELECT *, PROCTIME() AS proc_time FROM (
  SELECT CAST(COUNT(*) AS DOUBLE) AS IMPRESSIONCOUNT
  FROM SOURCE_SQL_STREAM_001
  WHERE browseraction = 'Impression'
  GROUP BY TUMBLE(SOURCE_SQL_STREAM_001.proc_time, INTERVAL '10' SECOND)
);

-- In-application stream CTRSTREAM, fed by PUMP "CTRPUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: Rows matched on equal ROWTIME (in KDA, results of the same window), processing times never match
--   exactly, so this joins rows whose processing times are within one second of each other.
CREATE VIEW CTRSTREAM AS
SELECT *, PROCTIME() AS proc_time FROM (
  SELECT CAST(CLICKCOUNT / IMPRESSIONCOUNT * 100.000 AS DOUBLE) AS CTR
  FROM IMPRESSIONSTREAM,
    CLICKSTREAM
  WHERE IMPRESSIONSTREAM.proc_time BETWEEN CLICKSTREAM.proc_time - INTERVAL '1' SECOND AND CLICKSTREAM.proc_time + INTERVAL '1' SECOND
);

-- Not translated: PUMP "OUTPUT_PUMP": RANDOM_CUT_FOREST has no Flink SQL equivalent, AWS runs Random Cut
--   Forest as a DataStream job (amazon-kinesis-data-analytics-examples, AnomalyDetection/RandomCutForest).
--   CREATE OR REPLACE PUMP OUTPUT_PUMP AS INSERT INTO DESTINATION_SQL_STREAM
--   SELECT STREAM *
--   FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM CTR
--   FROM CTRSTREAM), 100, 12, 100000, 1))
--   WHERE (ANOMALY_SCORE > 2)

-- Warnings printed by clickstream app translate (not part of its output):
--   anomaly-detection.sql: No pump writes to a result stream that translates: the script defines tables and views but runs nothing.
--   anomaly-detection.sql:1: STREAM "CLICKSTREAM", STREAM "IMPRESSIONSTREAM", STREAM "CTRSTREAM": ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application and carried that time through every pump; Flink takes the time again in each operator.
--   anomaly-detection.sql:29: STREAM "CTRSTREAM": Rows matched on equal ROWTIME (in KDA, results of the same window); processing times never match exactly, so this joins rows whose processing times are within one second of each other.
--   anomaly-detection.sql:45: PUMP "OUTPUT_PUMP": not translated: RANDOM_CUT_FOREST has no Flink SQL equivalent; AWS runs Random Cut Forest as a DataStream job (amazon-kinesis-data-analytics-examples, AnomalyDetection/RandomCutForest).
