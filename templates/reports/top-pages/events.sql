SELECT client_event AS page, count(*) AS events, count(DISTINCT user_id) AS users
FROM {{table}}
WHERE substr(CAST(client_timestamp AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY client_event
ORDER BY events DESC, page
LIMIT 20
