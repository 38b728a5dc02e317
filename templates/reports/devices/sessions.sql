SELECT
  device_id AS device_id,
  count(*) AS sessions,
  sum(duration_sec) AS duration_sec,
  sum(events) AS events,
  round(avg(CAST(duration_sec AS DOUBLE)), 1) AS avg_duration_sec
FROM {{table}}
WHERE substr(CAST(timeagg AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY device_id
ORDER BY duration_sec DESC, device_id
