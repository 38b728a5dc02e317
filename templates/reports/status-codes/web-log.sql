SELECT
  response AS response,
  count(*) AS requests,
  round(100 * CAST(count(*) AS DOUBLE) / sum(count(*)) OVER (), 2) AS share_pct
FROM {{table}}
WHERE substr(CAST("@timestamp" AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY response
ORDER BY requests DESC, response
