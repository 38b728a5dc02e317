-- Raw events are grouped into sessions as seed 001's application does: one user on one device
-- within one minute (WINDOWED BY STAGGER ... FLOOR(client_timestamp TO MINUTE)).
WITH e AS (
  SELECT user_id, device_id, CAST(client_timestamp AS VARCHAR) AS ts,
    CAST(regexp_extract(CAST(client_timestamp AS VARCHAR), '^.{16}:([0-9]{2}(\.[0-9]+)?)', 1) AS DOUBLE) AS second
  FROM {{table}}
  WHERE substr(CAST(client_timestamp AS VARCHAR), 1, 10) BETWEEN :from AND :until
),
s AS (
  SELECT
    substr(ts, 1, 10) AS day,
    user_id,
    count(*) AS events,
    floor(round(max(second) - min(second), 3)) AS duration_sec
  FROM e
  GROUP BY substr(ts, 1, 10), user_id, device_id, substr(ts, 1, 16)
)
SELECT
  day,
  count(*) AS sessions,
  count(DISTINCT user_id) AS users,
  sum(events) AS events,
  round(avg(duration_sec), 1) AS avg_duration_sec,
  round(100 * avg(CASE WHEN events = 1 THEN 1.0 ELSE 0.0 END), 1) AS bounce_rate_pct
FROM s
GROUP BY day
ORDER BY day
