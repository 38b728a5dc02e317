SELECT duration_sec AS duration_sec, count(*) AS sessions
FROM {{table}}
WHERE duration_sec > 0
  AND substr(CAST(timeagg AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY duration_sec
ORDER BY sessions DESC, duration_sec
