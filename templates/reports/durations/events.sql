-- Sessions as seed 001's application makes them: one user on one device within one minute.
WITH e AS (
  SELECT user_id, device_id, CAST(client_timestamp AS VARCHAR) AS ts,
    CAST(regexp_extract(CAST(client_timestamp AS VARCHAR), '^.{16}:([0-9]{2}(\.[0-9]+)?)', 1) AS DOUBLE) AS second
  FROM {{table}}
  WHERE substr(CAST(client_timestamp AS VARCHAR), 1, 10) BETWEEN :from AND :until
),
s AS (
  SELECT CAST(floor(round(max(second) - min(second), 3)) AS INTEGER) AS duration_sec
  FROM e
  GROUP BY user_id, device_id, substr(ts, 1, 16)
)
SELECT duration_sec, count(*) AS sessions
FROM s
WHERE duration_sec > 0
GROUP BY duration_sec
ORDER BY sessions DESC, duration_sec
