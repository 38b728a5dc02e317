-- Seed 004's sessions (_shared/lab-sessions.sql): a user's events more than 10 seconds apart start a new session.
{{include lab-sessions}}
,
edges AS (
  SELECT first_page AS page, 1 AS began, 0 AS ended FROM s
  UNION ALL
  SELECT last_page AS page, 0 AS began, 1 AS ended FROM s
)
SELECT page, sum(began) AS begins, sum(ended) AS ends
FROM edges
GROUP BY page
ORDER BY begins DESC, ends DESC, page
