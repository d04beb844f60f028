-- A GROUP BY on an expression with an ORDER BY on the aggregate: every order goes through a
-- temporary table and a filesort.
--
-- fires: mysql-filesort-temporary
-- symptom: Using temporary; Using filesort
SELECT status, DATE(created_at) AS day, count(*) AS orders FROM orders
GROUP BY status, DATE(created_at) ORDER BY orders DESC;
