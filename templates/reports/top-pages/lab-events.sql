SELECT event_name AS page, count(*) AS events, count(DISTINCT user_id) AS users
FROM {{table}}
WHERE substr(CAST(TIMESTAMP '1970-01-01 00:00:00' + INTERVAL '1' SECOND * CAST(floor(event_timestamp / 1000.0) AS BIGINT) AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY event_name
ORDER BY events DESC, page
LIMIT 20
