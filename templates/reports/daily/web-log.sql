-- Counted as GoAccess counts: the day is the log's local date as written; a visitor is one client
-- address with one user agent on one day, and requests answered 4xx make no visitor (GoAccess's
-- default without --4xx-to-unique-count). Bytes of "-" are 0.
SELECT
  substr(CAST("@timestamp" AS VARCHAR), 1, 10) AS day,
  count(*) AS requests,
  sum(coalesce(TRY_CAST(bytes AS BIGINT), 0)) AS bytes,
  count(DISTINCT CASE WHEN TRY_CAST(response AS INTEGER) BETWEEN 400 AND 499 THEN NULL ELSE host || ' ' || "user-agent" END) AS visitors,
  sum(CASE WHEN TRY_CAST(response AS INTEGER) BETWEEN 400 AND 499 THEN 1 ELSE 0 END) AS status_4xx,
  sum(CASE WHEN TRY_CAST(response AS INTEGER) BETWEEN 500 AND 599 THEN 1 ELSE 0 END) AS status_5xx
FROM {{table}}
WHERE substr(CAST("@timestamp" AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY 1
ORDER BY 1
