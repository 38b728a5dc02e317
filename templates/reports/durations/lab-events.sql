-- Seed 004's sessions (_shared/lab-sessions.sql): a user's events more than 10 seconds apart start a new session.
{{include lab-sessions}}
SELECT duration_sec AS duration_sec, count(*) AS sessions
FROM s
WHERE duration_sec > 0
GROUP BY duration_sec
ORDER BY sessions DESC, duration_sec
