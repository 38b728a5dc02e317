WITH edges AS (
  SELECT beginnavigation AS page, 1 AS began, 0 AS ended FROM {{table}}
  WHERE substr(CAST(timeagg AS VARCHAR), 1, 10) BETWEEN :from AND :until
  UNION ALL
  SELECT endnavigation AS page, 0 AS began, 1 AS ended FROM {{table}}
  WHERE substr(CAST(timeagg AS VARCHAR), 1, 10) BETWEEN :from AND :until
)
SELECT page, sum(began) AS begins, sum(ended) AS ends
FROM edges
GROUP BY page
ORDER BY begins DESC, ends DESC, page
