-- A visitor is a client address with its user agent. Each request is a step by its path (the
-- query string left out, so /login/?next=/checkout/ is not a checkout): checkout, cart, a
-- product detail page (products/NAME/), else browse.
WITH r AS (
  SELECT host || ' ' || "user-agent" AS visitor, CAST("@timestamp" AS VARCHAR) AS ts, lower(split_part(split_part(request, ' ', 2), '?', 1)) AS path
  FROM {{table}}
  WHERE substr(CAST("@timestamp" AS VARCHAR), 1, 10) BETWEEN :from AND :until
),
steps AS (
  SELECT
    visitor,
    ts,
    CASE
      WHEN path LIKE '%checkout%' OR path LIKE '%purchase%' OR path LIKE '%order%' THEN 4
      WHEN path LIKE '%cart%' OR path LIKE '%basket%' THEN 3
      WHEN path LIKE '%detail%' OR coalesce(regexp_extract(path, 'products?/[^/?]+'), '') <> '' THEN 2
      ELSE 1
    END AS step
  FROM r
),
s1 AS (SELECT visitor, min(ts) AS t FROM steps WHERE step = 1 GROUP BY visitor),
s2 AS (SELECT s1.visitor, min(steps.ts) AS t FROM s1 JOIN steps ON steps.visitor = s1.visitor AND steps.step = 2 AND steps.ts >= s1.t GROUP BY s1.visitor),
s3 AS (SELECT s2.visitor, min(steps.ts) AS t FROM s2 JOIN steps ON steps.visitor = s2.visitor AND steps.step = 3 AND steps.ts >= s2.t GROUP BY s2.visitor),
s4 AS (SELECT s3.visitor, min(steps.ts) AS t FROM s3 JOIN steps ON steps.visitor = s3.visitor AND steps.step = 4 AND steps.ts >= s3.t GROUP BY s3.visitor),
counts AS (
  SELECT 1 AS position, 'browse' AS step, count(*) AS visitors FROM s1
  UNION ALL SELECT 2, 'detail', count(*) FROM s2
  UNION ALL SELECT 3, 'cart', count(*) FROM s3
  UNION ALL SELECT 4, 'checkout', count(*) FROM s4
)
SELECT
  position,
  step,
  visitors,
  round(100 * CAST(visitors AS DOUBLE) / nullif(lag(visitors) OVER (ORDER BY position), 0), 1) AS pct_of_previous,
  round(100 * CAST(visitors AS DOUBLE) / nullif(first_value(visitors) OVER (ORDER BY position), 0), 1) AS pct_of_first
FROM counts
ORDER BY position
