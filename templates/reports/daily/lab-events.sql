-- Seed 004's sessions (_shared/lab-sessions.sql): a user's events more than 10 seconds apart start a new session.
{{include lab-sessions}}
SELECT
  day,
  count(*) AS sessions,
  count(DISTINCT user_id) AS users,
  sum(events) AS events,
  round(avg(CAST(duration_sec AS DOUBLE)), 1) AS avg_duration_sec,
  round(100 * avg(CASE WHEN events = 1 THEN 1.0 ELSE 0.0 END), 1) AS bounce_rate_pct
FROM s
GROUP BY day
ORDER BY day
