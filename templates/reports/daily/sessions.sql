-- A bounce is a session of one event.
SELECT
  substr(CAST(timeagg AS VARCHAR), 1, 10) AS day,
  count(*) AS sessions,
  count(DISTINCT user_id) AS users,
  sum(events) AS events,
  round(avg(CAST(duration_sec AS DOUBLE)), 1) AS avg_duration_sec,
  round(100 * avg(CASE WHEN events = 1 THEN 1.0 ELSE 0.0 END), 1) AS bounce_rate_pct
FROM {{table}}
WHERE substr(CAST(timeagg AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY 1
ORDER BY 1
