-- The page is the request's path, query string included ("GET /path HTTP/1.1" -> /path).
SELECT
  split_part(request, ' ', 2) AS page,
  count(*) AS requests,
  count(DISTINCT host || ' ' || "user-agent") AS visitors,
  sum(coalesce(TRY_CAST(bytes AS BIGINT), 0)) AS bytes
FROM {{table}}
WHERE substr(CAST("@timestamp" AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY 1
ORDER BY requests DESC, page
LIMIT 20
