SELECT device_id AS device_id, count(*) AS events, count(DISTINCT user_id) AS users
FROM {{table}}
WHERE substr(CAST(client_timestamp AS VARCHAR), 1, 10) BETWEEN :from AND :until
GROUP BY device_id
ORDER BY events DESC, device_id
