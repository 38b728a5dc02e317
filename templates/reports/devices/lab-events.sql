-- Seed 004's sessions (_shared/lab-sessions.sql): a user's events more than 10 seconds apart start a new session.
{{include lab-sessions}}
SELECT
  device_type AS device_type,
  count(*) AS sessions,
  sum(duration_sec) AS duration_sec,
  sum(events) AS events,
  round(avg(CAST(duration_sec AS DOUBLE)), 1) AS avg_duration_sec
FROM s
GROUP BY device_type
ORDER BY duration_sec DESC, device_type
