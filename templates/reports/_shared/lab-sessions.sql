-- Seed 004's sessions over a table of lab events: a user's events more than 10 seconds apart
-- start a new session (the rule of templates/sql/sessionize-lab.sql). Yields s(day, user_id,
-- device_type, events, duration_sec, first_page, last_page) for the days :from to :until. The day
-- comes from event_timestamp (epoch milliseconds, UTC) by arithmetic both DuckDB and Athena share.
WITH e AS (
  SELECT user_id, device_type, event_name, event_timestamp AS ms,
    substr(CAST(TIMESTAMP '1970-01-01 00:00:00' + INTERVAL '1' SECOND * CAST(floor(event_timestamp / 1000.0) AS BIGINT) AS VARCHAR), 1, 10) AS day
  FROM {{table}}
),
marked AS (
  SELECT user_id, device_type, event_name, ms, day,
    CASE WHEN ms - lag(ms) OVER (PARTITION BY user_id ORDER BY ms) <= 10000 THEN 0 ELSE 1 END AS starts
  FROM e
  WHERE day BETWEEN :from AND :until
),
numbered AS (
  SELECT user_id, device_type, event_name, ms, day,
    sum(starts) OVER (PARTITION BY user_id ORDER BY ms ROWS UNBOUNDED PRECEDING) AS session
  FROM marked
),
s AS (
  SELECT min(day) AS day, user_id, min(device_type) AS device_type, count(*) AS events,
    CAST(floor((max(ms) - min(ms)) / 1000.0) AS INTEGER) AS duration_sec,
    min_by(event_name, ms) AS first_page, max_by(event_name, ms) AS last_page
  FROM numbered
  GROUP BY user_id, session
)
