-- A visitor is a user. Each event is a step by its name: checkout, cart, detail, else browse.
-- A step counts when it comes at or after the visitor's first reaching the step before.
WITH steps AS (
  SELECT
    CAST(user_id AS VARCHAR) AS visitor,
    event_timestamp AS ts,
    CASE
      WHEN lower(event_name) LIKE '%checkout%' OR lower(event_name) LIKE '%purchase%' OR lower(event_name) LIKE '%order%' THEN 4
      WHEN lower(event_name) LIKE '%cart%' OR lower(event_name) LIKE '%basket%' THEN 3
      WHEN lower(event_name) LIKE '%detail%' THEN 2
      ELSE 1
    END AS step
  FROM {{table}}
  WHERE substr(CAST(TIMESTAMP '1970-01-01 00:00:00' + INTERVAL '1' SECOND * CAST(floor(event_timestamp / 1000.0) AS BIGINT) AS VARCHAR), 1, 10) BETWEEN :from AND :until
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
