-- Flink SQL translated by `clickstream app translate` from test/sql/workshops/web-metrics.sql (Kinesis Data Analytics for SQL).
-- Runs in a Managed Service for Apache Flink Studio notebook (%flink.ssql) or a Flink SQL client or gateway, Flink
-- 1.15+ (older SQL clients spell the statement set BEGIN STATEMENT SET, ... END).
-- Kinesis tables use the options of flink-sql-connector-kinesis ('stream', 'scan.stream.initpos'). With
-- flink-connector-aws 5.x name that connector 'kinesis-legacy'. Lines starting with -- NOTE: mark where Flink
-- behaves differently from KDA.

-- KDA computed every time in UTC.
SET 'table.local-time-zone' = 'UTC';

-- The input (in KDA: WASA_001). ROWTIME becomes the processing-time attribute proc_time. Records KDA sent to error_stream are skipped.
-- NOTE: Flink cannot read a Firehose delivery stream: send the records of web-beacons to a Kinesis data
--   stream of that name instead (Firehose can stay as a sink).
CREATE TABLE WASA_001 (
  host VARCHAR(16),
  `datetime` VARCHAR(32),
  request VARCHAR(256),
  response INT,
  `bytes` INT,
  referrer VARCHAR(32),
  agent VARCHAR(128),
  event VARCHAR(16),
  clientid VARCHAR(256),
  page VARCHAR(256),
  custom_metric_name VARCHAR(256),
  custom_metric_int_value INT,
  custom_metric_float_value DOUBLE,
  custom_metric_string_value VARCHAR(256),
  proc_time AS PROCTIME()
) WITH (
  'connector' = 'kinesis',
  'stream' = 'web-beacons',
  'aws.region' = 'us-east-1',
  'scan.stream.initpos' = 'LATEST',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- Output DESTINATION_SQL_STREAM (JSON keys are the column names, as KDA wrote them)
CREATE TABLE DESTINATION_SQL_STREAM (
  METRICTYPE VARCHAR(16),
  EVENTTIMESTAMP BIGINT,
  METRICITEM VARCHAR(1024),
  UNITVALUEINT BIGINT,
  UNITVALUEFLOAT DOUBLE
) WITH (
  'connector' = 'kinesis',
  'stream' = 'web-metrics',
  'aws.region' = 'us-east-1',
  'format' = 'json'
);

-- In-application stream EVENT_STREAM, fed by PUMP "SHARED_EVENT_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink’s TO_TIMESTAMP reads
--   a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
CREATE VIEW EVENT_STREAM AS
SELECT *, PROCTIME() AS proc_time FROM (
  SELECT 'event_count' AS METRICTYPE,
    CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', EVENTTIMESTAMP) AS BIGINT) * 1000 AS BIGINT) AS EVENTTIMESTAMP,
    CAST(EVENT AS VARCHAR(1024)) AS METRICITEM,
    CAST(EVENT_COUNT AS BIGINT) AS UNITVALUEINT
  FROM (
    SELECT TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)) AS EVENTTIMESTAMP,
      WEBLOGS.event AS EVENT,
      COUNT(*) AS EVENT_COUNT
    FROM WASA_001 AS WEBLOGS
    WHERE WEBLOGS.event IS NOT NULL
    GROUP BY TUMBLE(WEBLOGS.proc_time, INTERVAL '10' SECOND), WEBLOGS.event, TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND))
  )
);

-- Not translated: PUMP "INTERMEDIATE_ANOMALY_EVENT_PUMP": RANDOM_CUT_FOREST has no Flink SQL equivalent, AWS
--   runs Random Cut Forest as a DataStream job (amazon-kinesis-data-analytics-examples,
--   AnomalyDetection/RandomCutForest).
--   CREATE OR REPLACE PUMP INTERMEDIATE_ANOMALY_EVENT_PUMP AS INSERT INTO ANOMALY_TEMP_STREAM (EVENTTIMESTAMPSTRING, METRICITEM, METRICITEMINT, UNITVALUEINT, ANOMALYSCORE)
--   SELECT STREAM *
--   FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM CAST(EVENTTIMESTAMP AS VARCHAR(16)), METRICITEM, CASE METRICITEM WHEN 'click' THEN 1 WHEN 'pageview' THEN 2 WHEN 'conversion' THEN 3 WHEN 'exception' THEN 4 WHEN 'playvideo' THEN 5 WHEN 'login' THEN 6 WHEN 'logoff' THEN 7 ELSE 0 END, UNITVALUEINT
--   FROM EVENT_STREAM), 100, 256, 100000, 1))
-- Not translated: PUMP "ANOMALY_EVENT_PUMP": it reads ANOMALY_TEMP_STREAM, which has no Flink translation
--   (none of its pumps translates).
--   CREATE OR REPLACE PUMP ANOMALY_EVENT_PUMP AS INSERT INTO DESTINATION_SQL_STREAM (METRICTYPE, EVENTTIMESTAMP, METRICITEM, UNITVALUEFLOAT)
--   SELECT 'event_anomaly', CAST(EVENTTIMESTAMPSTRING AS BIGINT), METRICITEM, ANOMALYSCORE
--   FROM (SELECT STREAM EVENTTIMESTAMPSTRING, METRICITEM, UNITVALUEINT, ANOMALYSCORE
--   FROM ANOMALY_TEMP_STREAM)

EXECUTE STATEMENT SET
BEGIN

-- PUMP "VISTOR_COUNTER_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink’s TO_TIMESTAMP reads
--   a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
-- NOTE: GROUP BY WINDOW_TIME grouped by an event-time bucket that KDA closed when the next bucket began, here
--   a processing-time TUMBLE window of INTERVAL '60' SECOND closes the groups, with the bucket kept as a key.
INSERT INTO DESTINATION_SQL_STREAM
SELECT 'visitor_count' AS METRICTYPE,
  CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', WEBLOGS.WINDOW_TIME) AS BIGINT) * 1000 AS BIGINT) AS EVENTTIMESTAMP,
  CAST(NULL AS VARCHAR(1024)) AS METRICITEM,
  CAST(COUNT(WEBLOGS.CLIENTID) AS BIGINT) AS UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM (
  SELECT TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WASA_001.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 60), FLOOR(TO_TIMESTAMP(WASA_001.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)) AS WINDOW_TIME,
    CAST(TUMBLE_START(WASA_001.proc_time, INTERVAL '60' SECOND) AS TIMESTAMP(3)),
    WASA_001.clientid AS CLIENTID,
    TUMBLE_PROCTIME(WASA_001.proc_time, INTERVAL '60' SECOND) AS proc_time
  FROM WASA_001
  GROUP BY TUMBLE(WASA_001.proc_time, INTERVAL '60' SECOND), TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WASA_001.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 60), FLOOR(TO_TIMESTAMP(WASA_001.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)), WASA_001.clientid
) AS WEBLOGS
GROUP BY TUMBLE(WEBLOGS.proc_time, INTERVAL '60' SECOND), WINDOW_TIME;

-- PUMP "PAGEVIEWS_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink’s TO_TIMESTAMP reads
--   a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
-- NOTE: ORDER BY STEP(WEBLOGS.ROWTIME BY INTERVAL '10' SECOND), PAGE_COUNT DESC is dropped: Flink sorts
--   streams only by a time attribute, so rows of one window arrive unsorted.
INSERT INTO DESTINATION_SQL_STREAM
SELECT 'top_pages' AS METRICTYPE,
  CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', EVENTTIMESTAMP) AS BIGINT) * 1000 AS BIGINT) AS EVENTTIMESTAMP,
  CAST(PAGE AS VARCHAR(1024)) AS METRICITEM,
  CAST(PAGE_COUNT AS BIGINT) AS UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM (
  SELECT WEBLOGS.page AS PAGE,
    COUNT(*) AS PAGE_COUNT,
    TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)) AS EVENTTIMESTAMP
  FROM WASA_001 AS WEBLOGS
  WHERE WEBLOGS.page IS NOT NULL
  GROUP BY TUMBLE(WEBLOGS.proc_time, INTERVAL '10' SECOND), TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)), WEBLOGS.page
  HAVING COUNT(*) > 1
);

-- PUMP "EVENT_PUMP"
INSERT INTO DESTINATION_SQL_STREAM
SELECT METRICTYPE,
  EVENTTIMESTAMP,
  METRICITEM,
  UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM EVENT_STREAM;

-- PUMP "AGENT_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
INSERT INTO DESTINATION_SQL_STREAM
SELECT 'agent_count' AS METRICTYPE,
  CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', EVENTTIMESTAMP) AS BIGINT) * 1000 AS BIGINT) AS EVENTTIMESTAMP,
  CAST(AGENT AS VARCHAR(1024)) AS METRICITEM,
  CAST(AGENT_COUNT AS BIGINT) AS UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM (
  SELECT WEBLOGS.agent AS AGENT,
    COUNT(*) AS AGENT_COUNT,
    CAST(TUMBLE_START(WEBLOGS.proc_time, INTERVAL '10' SECOND) AS TIMESTAMP(3)) AS EVENTTIMESTAMP
  FROM WASA_001 AS WEBLOGS
  WHERE WEBLOGS.agent NOT LIKE 'ELB-HealthChecker%'
  GROUP BY TUMBLE(WEBLOGS.proc_time, INTERVAL '10' SECOND), WEBLOGS.agent
);

-- PUMP "REFERRER_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink’s TO_TIMESTAMP reads
--   a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
-- NOTE: ORDER BY STEP(WEBLOGS.ROWTIME BY INTERVAL '10' SECOND), REFERRER_COUNT DESC is dropped: Flink sorts
--   streams only by a time attribute, so rows of one window arrive unsorted.
INSERT INTO DESTINATION_SQL_STREAM
SELECT 'referral_count' AS METRICTYPE,
  CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', EVENTTIMESTAMP) AS BIGINT) * 1000 AS BIGINT) AS EVENTTIMESTAMP,
  CAST(REFERRER AS VARCHAR(1024)) AS METRICITEM,
  CAST(REFERRER_COUNT AS BIGINT) AS UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM (
  SELECT WEBLOGS.referrer AS REFERRER,
    COUNT(*) AS REFERRER_COUNT,
    TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)) AS EVENTTIMESTAMP
  FROM WASA_001 AS WEBLOGS
  GROUP BY TUMBLE(WEBLOGS.proc_time, INTERVAL '10' SECOND), TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ss Z') TO SECOND)), WEBLOGS.referrer
);

-- PUMP "HOURLY_EVENT_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
INSERT INTO DESTINATION_SQL_STREAM
SELECT 'hourly_events' AS METRICTYPE,
  CAST(EVENTTIMESTAMP AS BIGINT) AS EVENTTIMESTAMP,
  CAST(METRICITEM AS VARCHAR(1024)) AS METRICITEM,
  CAST(HOURLY_TOTAL AS BIGINT) AS UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM (
  SELECT SUM(UNITVALUEINT) OVER HOURLY_WINDOW AS HOURLY_TOTAL,
    METRICITEM,
    EVENTTIMESTAMP
  FROM EVENT_STREAM
  WINDOW HOURLY_WINDOW AS (PARTITION BY METRICITEM ORDER BY EVENT_STREAM.proc_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)
);

-- PUMP "PAGELOAD_PUMP"
-- NOTE: ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application
--   and carried that time through every pump, Flink takes the time again in each operator.
-- NOTE: The time format 'dd/MMM/yyyy:HH:mm:ssz' becomes 'dd/MMM/yyyy:HH:mm:ssZ': Flink’s TO_TIMESTAMP reads a
--   numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
INSERT INTO DESTINATION_SQL_STREAM
SELECT 'avg_pg_ld' AS METRICTYPE,
  CAST(CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', EVENTTIMESTAMP) AS BIGINT) * 1000 AS BIGINT) AS EVENTTIMESTAMP,
  CAST(METRICITEM AS VARCHAR(1024)) AS METRICITEM,
  CAST(AVERAGE_MS AS BIGINT) AS UNITVALUEINT,
  CAST(NULL AS DOUBLE) AS UNITVALUEFLOAT
FROM (
  SELECT 'All Pages' AS METRICITEM,
    AVG(WEBLOGS.custom_metric_int_value) AS AVERAGE_MS,
    TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ssZ')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ssZ') TO SECOND)) AS EVENTTIMESTAMP
  FROM WASA_001 AS WEBLOGS
  WHERE WEBLOGS.custom_metric_name = 'page_load_time'
  GROUP BY TUMBLE(WEBLOGS.proc_time, INTERVAL '10' SECOND), TIMESTAMPADD(SECOND, -MOD(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ssZ')), 10), FLOOR(TO_TIMESTAMP(WEBLOGS.`datetime`, 'dd/MMM/yyyy:HH:mm:ssZ') TO SECOND))
);

END;

-- Warnings printed by clickstream app translate (not part of its output):
--   web-metrics.sql: STREAM "WASA_001": Flink cannot read a Firehose delivery stream: send the records of web-beacons to a Kinesis data stream of that name instead (Firehose can stay as a sink).
--   web-metrics.sql:9: PUMP "VISTOR_COUNTER_PUMP": The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink's TO_TIMESTAMP reads a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
--   web-metrics.sql:9: PUMP "VISTOR_COUNTER_PUMP": GROUP BY WINDOW_TIME grouped by an event-time bucket that KDA closed when the next bucket began; here a processing-time TUMBLE window of INTERVAL '60' SECOND closes the groups, with the bucket kept as a key.
--   web-metrics.sql:21: PUMP "PAGEVIEWS_PUMP": The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink's TO_TIMESTAMP reads a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
--   web-metrics.sql:21: PUMP "PAGEVIEWS_PUMP": ORDER BY STEP(WEBLOGS.ROWTIME BY INTERVAL '10' SECOND), PAGE_COUNT DESC is dropped: Flink sorts streams only by a time attribute, so rows of one window arrive unsorted.
--   web-metrics.sql:39: STREAM "EVENT_STREAM": The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink's TO_TIMESTAMP reads a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
--   web-metrics.sql:39: STREAM "EVENT_STREAM", PUMP "VISTOR_COUNTER_PUMP", PUMP "PAGEVIEWS_PUMP", PUMP "AGENT_PUMP", PUMP "REFERRER_PUMP", PUMP "HOURLY_EVENT_PUMP", PUMP "PAGELOAD_PUMP": ROWTIME becomes processing time (PROCTIME()): KDA stamped each row once as it entered the application and carried that time through every pump; Flink takes the time again in each operator.
--   web-metrics.sql:70: PUMP "INTERMEDIATE_ANOMALY_EVENT_PUMP": not translated: RANDOM_CUT_FOREST has no Flink SQL equivalent; AWS runs Random Cut Forest as a DataStream job (amazon-kinesis-data-analytics-examples, AnomalyDetection/RandomCutForest).
--   web-metrics.sql:95: PUMP "ANOMALY_EVENT_PUMP": not translated: it reads ANOMALY_TEMP_STREAM, which has no Flink translation (none of its pumps translates).
--   web-metrics.sql:122: PUMP "REFERRER_PUMP": The time format 'dd/MMM/yyyy:HH:mm:ss z' becomes 'dd/MMM/yyyy:HH:mm:ss Z': Flink's TO_TIMESTAMP reads a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
--   web-metrics.sql:122: PUMP "REFERRER_PUMP": ORDER BY STEP(WEBLOGS.ROWTIME BY INTERVAL '10' SECOND), REFERRER_COUNT DESC is dropped: Flink sorts streams only by a time attribute, so rows of one window arrive unsorted.
--   web-metrics.sql:152: PUMP "PAGELOAD_PUMP": The time format 'dd/MMM/yyyy:HH:mm:ssz' becomes 'dd/MMM/yyyy:HH:mm:ssZ': Flink's TO_TIMESTAMP reads a numeric zone offset such as +0000 with Z, and it ignores the offset (KDA converted to UTC).
