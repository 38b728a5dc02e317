-- Sessions as seed 001's application makes them (user, device, minute); first and last event of each.
WITH e AS (
  SELECT user_id, device_id, client_event, CAST(client_timestamp AS VARCHAR) AS ts
  FROM {{table}}
  WHERE substr(CAST(client_timestamp AS VARCHAR), 1, 10) BETWEEN :from AND :until
),
s AS (
  SELECT min_by(client_event, ts) AS first_page, max_by(client_event, ts) AS last_page
  FROM e
  GROUP BY user_id, device_id, substr(ts, 1, 16)
),
edges AS (
  SELECT first_page AS page, 1 AS began, 0 AS ended FROM s
  UNION ALL
  SELECT last_page AS page, 0 AS began, 1 AS ended FROM s
)
SELECT page, sum(began) AS begins, sum(ended) AS ends
FROM edges
GROUP BY page
ORDER BY begins DESC, ends DESC, page
