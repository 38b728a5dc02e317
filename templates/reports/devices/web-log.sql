-- A coarse device class from the user agent: crawlers and health checks first, then tablets,
-- phones, computers.
WITH r AS (
  SELECT lower("user-agent") AS ua, host || ' ' || "user-agent" AS visitor
  FROM {{table}}
  WHERE substr(CAST("@timestamp" AS VARCHAR), 1, 10) BETWEEN :from AND :until
)
SELECT
  CASE
    WHEN ua LIKE '%bot%' OR ua LIKE '%crawl%' OR ua LIKE '%spider%' OR ua LIKE '%slurp%' OR ua LIKE '%health%' THEN 'crawler'
    WHEN ua LIKE '%ipad%' OR ua LIKE '%tablet%' THEN 'tablet'
    WHEN ua LIKE '%mobile%' OR ua LIKE '%iphone%' OR ua LIKE '%android%' THEN 'mobile'
    WHEN ua = '-' OR ua = '' THEN 'unknown'
    ELSE 'computer'
  END AS device,
  count(*) AS requests,
  count(DISTINCT visitor) AS visitors
FROM r
GROUP BY 1
ORDER BY requests DESC, device
